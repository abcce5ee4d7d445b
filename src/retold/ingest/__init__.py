"""Readers: the only place retold touches input files."""

from retold.ingest.files import MAX_FILE_BYTES, read_document, read_pairs_file

__all__ = ["MAX_FILE_BYTES", "read_document", "read_pairs_file"]
