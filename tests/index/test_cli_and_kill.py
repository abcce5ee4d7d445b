"""The index from the command line, and an ``index add`` killed with SIGKILL part-way."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from retold import Index
from retold.cli import main
from retold.index import DATABASE
from tests.conftest import DATA
from tests.index.test_index import STORIES

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "src/retold/schemas/comparison.schema.json").read_text()
)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def corpus(path: Path, count: int) -> Path:
    """``count`` distinct documents made from the test stories."""
    with path.open("w", encoding="utf-8") as handle:
        for k in range(count):
            story = STORIES[k % len(STORIES)]
            text = f"{story} Bulletin {k} was issued at {k % 24}:00 by desk {k % 7}."
            handle.write(json.dumps({"id": f"doc-{k}", "text": text, "source": "desk"}) + "\n")
    return path


def test_add_info_search_and_remove_from_the_command_line(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "bridge.txt").write_text(
        (DATA / "bridge_original.txt").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (folder / "related.txt").write_text(
        (DATA / "bridge_related.txt").read_text(encoding="utf-8"), encoding="utf-8"
    )
    bad = tmp_path / "more.jsonl"
    bad.write_text(
        json.dumps({"id": "s1", "text": STORIES[0]}) + "\n{not json\n" + json.dumps({"id": "e"}) + "\n"
    )
    index = str(tmp_path / "idx")
    code, _, err = run("index", "add", "--index", index, str(folder), str(bad), "-j", "1")
    assert code == 3  # bad records are reported, the rest is added
    assert "3 added, 0 updated, 0 unchanged, 2 skipped" in err
    assert "more.jsonl:2: not valid JSON" in err and "more.jsonl:3: no 'text' field" in err

    code, out, _ = run("index", "info", "--index", index)
    assert code == 0 and "documents    3 " in out

    code, out, _ = run("search", "--index", index, str(DATA / "bridge_rewrite.txt"), "--format", "json")
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["b"]["id"] for line in lines] == [str(folder / "bridge.txt")]
    jsonschema.validate(lines[0], SCHEMA)

    code, out, _ = run("search", "--index", index, str(folder / "bridge.txt"))
    assert code == 0 and "bridge.txt" in out  # an id given as a path still reads the file

    code, _, err = run("index", "remove", "--index", index, str(folder / "bridge.txt"), "nope")
    assert code == 3 and "1 document(s) removed" in err and "no document 'nope'" in err
    code, out, _ = run("search", "--index", index, str(DATA / "bridge_rewrite.txt"))
    assert code == 0 and "no indexed document reuses" in out


def test_index_errors_are_messages_with_their_exit_code(tmp_path: Path) -> None:
    code, _, err = run("index", "info", "--index", str(tmp_path / "none"))
    assert code == 5 and "no index here" in err and "Traceback" not in err
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / DATABASE).write_bytes(b"\x00\x01garbage" * 50)
    code, _, err = run("search", "--index", str(tmp_path / "junk"), str(DATA / "bridge_rewrite.txt"))
    assert code == 5 and "not an SQLite database" in err
    code, _, err = run("index", "add", "--index", str(tmp_path / "idx"), str(tmp_path / "missing.jsonl"))
    assert code == 3 and "no such file or folder" in err

    damaged = tmp_path / "damaged"
    code, _, _ = run(
        "index", "add", "--index", str(damaged), str(corpus(tmp_path / "c.jsonl", 300)), "-j", "1"
    )
    assert code == 0
    with (damaged / DATABASE).open("r+b") as handle:  # pages overwritten, header intact
        handle.seek(4096 * 3)
        handle.write(b"\xff" * 4096 * 20)
    code, _, err = run("index", "info", "--index", str(damaged))
    assert code == 5 and "the index database is damaged" in err and "Traceback" not in err


def test_sigkill_during_add_keeps_what_was_committed_and_a_rerun_finishes(tmp_path: Path) -> None:
    source = corpus(tmp_path / "many.jsonl", 4000)
    index_dir = tmp_path / "idx"
    command = [
        sys.executable,
        "-m",
        "retold",
        "index",
        "add",
        "--index",
        str(index_dir),
        str(source),
        "-j",
        "1",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen = 0
    while process.poll() is None and seen < 300:  # wait until a few chunks are committed
        time.sleep(0.05)
        if (index_dir / DATABASE).exists():
            try:
                with sqlite3.connect(f"file:{index_dir / DATABASE}?mode=ro", uri=True) as db:
                    seen = db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
            except sqlite3.OperationalError:
                pass  # the schema is not written yet
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the add finished before it could be killed"

    with Index(index_dir) as index:
        committed = len(index)
        assert 300 <= committed < 4000
        assert index.store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        info = index.info()
        assert info["neighbour_entries"] == info["sentences"]  # the neighbour file caught up
        assert index.search("doc-7", include_unrelated=True)  # usable as it is

    rerun = subprocess.run(command, capture_output=True, text=True, check=True)
    assert f"{4000 - committed} added, 0 updated, {committed} unchanged, 0 skipped" in rerun.stderr
    with Index(index_dir) as index:
        assert len(index) == 4000
        info = index.info()
        assert info["neighbour_entries"] == info["sentences"]
