"""The benchmark script's store generator keeps working: CI runs the benchmarks after the
suite, and a generator left behind by a change to the store (refresh_stats once took a
connection, later a session) failed there, after every test had passed."""

from __future__ import annotations

import importlib.util
import sqlite3
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.sqlite_only
def test_the_benchmark_generator_builds_a_store_with_stats(tmp_path):
    spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" /
                                                  "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    path = tmp_path / "bench.db"
    generate.generate(path, 20, 100, 1, date(2025, 3, 14))
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT count(*) FROM person").fetchone() == (20,)
        assert conn.execute("SELECT count(*) FROM person_stats").fetchone() == (20,)
        assert conn.execute("SELECT sum(interactions) FROM person_stats").fetchone()[0] >= 100
    finally:
        conn.close()


def test_the_mail_benchmark_writes_reads_and_compares_a_small_mailbox(capsys):
    spec = importlib.util.spec_from_file_location("mail_benchmark", ROOT / "benchmarks" /
                                                  "mail.py")
    benchmark = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(benchmark)
    assert benchmark.main(["--messages", "60", "--runs", "1", "--no-import"]) == 0
    out = capsys.readouterr().out
    assert "60 messages" in out and "ratio (reader only)" in out


@pytest.mark.slow
def test_the_mail_benchmark_times_the_whole_ties_import(capsys):
    spec = importlib.util.spec_from_file_location("mail_benchmark", ROOT / "benchmarks" /
                                                  "mail.py")
    benchmark = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(benchmark)
    assert benchmark.main(["--messages", "60", "--runs", "1"]) == 0
    out = capsys.readouterr().out
    assert "ties import MBOX (whole command)" in out and "ratio (target: at most 3)" in out


def test_the_calendar_benchmark_writes_a_calendar_the_reader_reads():
    spec = importlib.util.spec_from_file_location("ics_benchmark", ROOT / "benchmarks" /
                                                  "ics.py")
    ics = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ics)
    from ties.formats.importers import calendar

    out = calendar.read(ics.write(40), ics.ME, ics.TODAY, zone=ics.ZONE)
    assert len(out.found) > 40  # recurring events expand
    assert all(s.when <= ics.TODAY for s in out.found)
