"""The embedded index: add, update, remove, search, and what it does with damaged or foreign files."""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path

import pytest

from retold import Document, Index, IndexBusyError, IndexFileError
from retold.index import ANN_FILE, DATABASE
from retold.ingest.records import Skipped, records
from tests.conftest import read

STORIES = [
    "The city library will close for three weeks in March while its roof is replaced. Readers can borrow "
    "books from the mobile van that will park outside the town hall on weekdays. The council said the "
    "repairs would cost 1.2 million euros and were overdue after two wet winters.",
    "A new ferry between Ostby and the island of Kalm starts sailing on Friday. The crossing takes forty "
    "minutes and runs six times a day in summer. Islanders had asked for a faster boat for years.",
    "Farmers in the valley expect a smaller apple harvest after a late frost in April damaged the blossom. "
    "The cooperative said prices at the market could rise by a fifth. Pear trees, which flower later, were "
    "mostly spared.",
    "The regional hospital opened a children's ward with twenty beds on Monday. Doctors said the ward would "
    "cut the number of young patients sent to the capital. The building was paid for by a local foundation.",
    "Heavy snow closed the mountain pass for the second time this month. Drivers were told to use the coast "
    "road, which adds an hour to the journey. Ploughs are expected to clear the pass by Sunday evening.",
]


def bridge() -> tuple[Document, Document, Document]:
    return (
        Document("bridge-original", read("bridge_original.txt")),
        Document("bridge-rewrite", read("bridge_rewrite.txt")),
        Document("bridge-related", read("bridge_related.txt")),
    )


@pytest.fixture()
def built(tmp_path: Path) -> Path:
    original, _, related = bridge()
    docs = [original, related, *(Document(f"story-{k}", text) for k, text in enumerate(STORIES))]
    with Index(tmp_path / "idx", create=True) as index:
        report = index.add(docs, workers=1)
    assert (report.added, report.updated, report.unchanged, report.skipped) == (7, 0, 0, [])
    return tmp_path / "idx"


def test_a_rewrite_finds_its_source_and_not_the_same_topic_story(built: Path) -> None:
    _, rewrite, _ = bridge()
    with Index(built) as index:
        hits = index.search(rewrite, top=5)
    assert [h.b.id for h in hits] == ["bridge-original"]
    assert hits[0].verdict == "rewrite"
    assert hits[0].a.id == "bridge-rewrite" and hits[0].passages


FILLER = [
    "The orchestra announced its winter programme on Tuesday, with four premieres and a guest conductor.",
    "Ticket prices will stay the same as last year, the director said, despite higher heating costs.",
    "Rehearsals begin in October in the old grain hall, which volunteers restored over two summers.",
    "The season opens with a choral work written for the town by a composer who grew up nearby.",
    "Students under twenty-five can attend the dress rehearsals for free.",
    "A new bus line will connect the concert hall with the station on performance nights.",
    "The orchestra's youth section has grown to sixty players and will tour three schools in spring.",
    "Local businesses have sponsored a series of lunchtime recitals in the market square.",
    "The director said the hall's acoustics had improved since the new ceiling panels were fitted.",
    "A recording of the opening concert will be broadcast on regional radio in December.",
    "Season tickets go on sale next week at the box office and online.",
    "The programme ends in March with a festival of music by local composers.",
]


def test_a_rewritten_paragraph_inside_a_long_article_is_the_top_candidate_and_aligned(built: Path) -> None:
    _, rewrite, _ = bridge()
    paragraph = "\n\n".join(rewrite.text.split("\n\n")[1:4])  # three rewritten sentences of ~25
    before = " ".join(FILLER[:6]) + "\n\n"
    article = Document("concert-news", before + paragraph + "\n\n" + " ".join(FILLER[6:]))
    with Index(built) as index:
        top = index.candidates(article)[0]
        verified = index.search(article, include_unrelated=True)[0]
        assert top[0] == index.store.doc_number("bridge-original") and "sentences" in top[2]
    assert verified.b.id == "bridge-original" and verified.passages
    start, end = len(before), len(before) + len(paragraph)
    assert all(start <= p.a[0] and p.a[1] <= end for p in verified.passages)


def test_search_by_an_indexed_id_excludes_the_document_itself(built: Path) -> None:
    with Index(built) as index:
        candidates = index.candidates("bridge-original")
        hits = index.search("bridge-original", include_unrelated=True)
    own = None
    with Index(built) as index:
        own = index.store.doc_number("bridge-original")
    assert own not in [doc for doc, _, _ in candidates]
    assert "bridge-original" not in [h.b.id for h in hits]
    with Index(built) as index, pytest.raises(Exception, match="not a document id"):
        index.search("no-such-id")


def test_readding_skips_unchanged_updates_changed_and_search_sees_the_new_text(built: Path) -> None:
    original, rewrite, _ = bridge()
    with Index(built) as index:
        report = index.add([original, Document("story-0", STORIES[0])], workers=1)
        assert (report.added, report.updated, report.unchanged) == (0, 0, 2)
        report = index.add([Document("bridge-original", STORIES[1])], workers=1)
        assert (report.added, report.updated) == (0, 1)
        assert len(index) == 7
        assert index.search(rewrite) == []
        stored = index.get("bridge-original")
        assert stored is not None and stored.text == STORIES[1]


def test_removed_documents_are_gone_from_search_and_counts(built: Path) -> None:
    _, rewrite, _ = bridge()
    with Index(built) as index:
        removed, missing = index.remove(["bridge-original", "not-there"])
        assert (removed, missing) == (1, ["not-there"])
        assert len(index) == 6
        assert index.search(rewrite) == []
    with Index(built) as index:  # and after reopening (the neighbour file was saved without it)
        assert index.info()["neighbour_entries"] == index.info()["sentences"]


def test_info_reports_counts_files_and_parameters(built: Path) -> None:
    with Index(built) as index:
        info = index.info()
    assert info["documents"] == 7
    assert info["sentences"] == info["neighbour_entries"] > 20
    assert info["parameters"]["tier1_model"] == "minilm-l6-static"
    assert DATABASE in info["files"] and ANN_FILE in info["files"]
    assert info["format"] == "retold-index 1"


def test_metadata_fields_are_stored_and_returned(tmp_path: Path) -> None:
    doc = Document("a", STORIES[0], {"title": "Library closes", "date": "2024-03-01", "desk": "city"})
    with Index(tmp_path / "i", create=True) as index:
        index.add([doc], workers=1)
        back = index.get("a")
    assert back is not None and back.metadata == {
        "title": "Library closes",
        "date": "2024-03-01",
        "desk": "city",
    }


def test_bad_records_are_counted_as_skipped_and_the_rest_is_added(tmp_path: Path) -> None:
    items: list[Document | Skipped] = [
        Document("good", STORIES[0]),
        Skipped("in.jsonl:2", "not valid JSON"),
        Document("only-headings", "Contents\nIndex\nAbout us"),
        Document("huge", "word " * 300_000),
    ]
    with Index(tmp_path / "i", create=True) as index:
        report = index.add(items, workers=1)
        assert report.added == 1
        assert {s.where for s in report.skipped} == {"in.jsonl:2", "only-headings", "huge"}
        assert len(index) == 1


def test_parallel_workers_give_the_same_index_as_one(tmp_path: Path) -> None:
    docs = [Document(f"s{k}", text) for k, text in enumerate(STORIES * 30)]  # 150 documents, 3 chunks
    docs = [Document(d.id, d.text + f" Report number {k}.") for k, d in enumerate(docs)]
    stored = []
    for workers in (1, 2):
        with Index(tmp_path / f"w{workers}", create=True) as index:
            report = index.add(docs, workers=workers)
            assert report.added == 150
            query = "SELECT id, segments, vectors, scales, signature FROM documents ORDER BY doc"
            stored.append(index.store.db.execute(query).fetchall())
            assert index.info()["neighbour_entries"] == index.info()["sentences"]
    assert stored[0] == stored[1]


def test_a_foreign_or_corrupt_database_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / DATABASE).write_bytes(b"this is not a database at all" * 10)
    with pytest.raises(IndexFileError, match="not an SQLite database"):
        Index(foreign)
    with pytest.raises(IndexFileError, match="not an SQLite database"):
        Index(foreign, create=True)  # never written over
    other = tmp_path / "other"
    other.mkdir()
    sqlite3.connect(other / DATABASE).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(IndexFileError, match="not a retold index"):
        Index(other)
    with pytest.raises(IndexFileError, match="no index here"):
        Index(tmp_path / "missing")
    (tmp_path / "plain").write_text("x")
    with pytest.raises(IndexFileError, match="is a file"):
        Index(tmp_path / "plain")


def test_an_index_built_with_other_parameters_is_refused(built: Path) -> None:
    db = sqlite3.connect(built / DATABASE)
    params = json.loads(db.execute("SELECT value FROM meta WHERE key = 'params'").fetchone()[0])
    params["bands"] = 16
    db.execute("UPDATE meta SET value = ? WHERE key = 'params'", (json.dumps(params),))
    db.commit()
    db.close()
    with pytest.raises(IndexFileError, match="bands: index 16, now 32"):
        Index(built)


def test_a_damaged_neighbour_file_is_rebuilt_from_the_database(
    built: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (built / ANN_FILE).write_bytes(b"\x00garbage" * 100)
    _, rewrite, _ = bridge()
    with caplog.at_level(logging.WARNING), Index(built) as index:
        hits = index.search(rewrite)
    assert "rebuilding it from the database" in caplog.text
    assert [h.b.id for h in hits] == ["bridge-original"]


def test_a_neighbour_file_that_lags_the_database_is_caught_up(built: Path) -> None:
    saved = (built / ANN_FILE).read_bytes()
    _, rewrite, _ = bridge()
    with Index(built) as index:
        index.add([Document("late", STORIES[2] + " The cooperative met again on Tuesday.")], workers=1)
    (built / ANN_FILE).write_bytes(saved)  # as if killed before the file was saved
    with Index(built) as index:
        assert index.info()["neighbour_entries"] == index.info()["sentences"]
        assert index.search(rewrite)[0].b.id == "bridge-original"


def test_a_long_lived_reader_sees_documents_added_after_it_opened(built: Path) -> None:
    _, rewrite, _ = bridge()
    with Index(built) as reader:
        assert reader.search(rewrite)[0].b.id == "bridge-original"
        with Index(built) as writer:
            writer.add(
                [Document("bridge-copy", read("bridge_original.txt") + " Updated at noon.")], workers=1
            )
        assert {h.b.id for h in reader.search(rewrite)} == {"bridge-original", "bridge-copy"}


def test_a_second_writer_is_refused_or_waits_and_readers_are_not_blocked(built: Path) -> None:
    writer = Index(built)
    writer._lock_for_writing(wait=False)
    try:
        with Index(built) as second, pytest.raises(IndexBusyError, match="is adding to this index"):
            second.add([Document("x", STORIES[0])], wait=False, workers=1)
        with Index(built) as reader:
            _, rewrite, _ = bridge()
            assert reader.search(rewrite)[0].b.id == "bridge-original"
        holder = Index(built)
        holder.store.db.execute("DELETE FROM contextual")  # nothing cached: the search must encode and cache
        with holder.store.transaction(), Index(built) as reader:  # a writer inside its transaction
            assert reader.search(rewrite)[0].b.id == "bridge-original"
        holder.close()
    finally:
        writer.close()
    with Index(built) as second:  # the lock is released on close
        assert second.add([Document("x", STORIES[0] + " Again.")], wait=False, workers=1).added == 1


def test_records_feed_the_index_from_jsonl_with_other_field_names(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    lines = [
        json.dumps({"article": k, "body": text, "when": "2024-05-0" + str(k + 1)})
        for k, text in enumerate(STORIES)
    ]
    source.write_text("\n".join([*lines, "{broken"]) + "\n", encoding="utf-8")
    from retold.ingest.records import Fields

    with Index(tmp_path / "i", create=True) as index:
        report = index.add(records([str(source)], Fields(id="article", text="body", date="when")), workers=1)
        assert report.added == 5 and len(report.skipped) == 1
        doc = index.get("3")
    assert doc is not None and doc.metadata == {"date": "2024-05-04"}
