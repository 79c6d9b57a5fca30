"""Nothing above the backend layer asks which database it has.

The backend layer (`ties.storage.backend` and its two implementations, with what only they use)
is the one place SQLite and PostgreSQL differ. Everything else holds a `Backend` or a
connection and asks it to do things; it never imports a driver or a backend module,
never tests whether the store is a URL or a file, and never compares a dialect's name.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "ties"
# The backend layer: the interface, the two implementations, and what only they use.
BACKEND_LAYER = {f"storage.{m}" for m in
                 ("backend", "db", "pg", "dialect", "migrations", "jsonbackup")}
# Below it: where the store is (a path or a URL) is configuration, not a dialect.
BELOW = {"storage.config", "storage.files", "core.errors", "core.dates", "core.text"}
DRIVERS = {"sqlite3", "psycopg", "sqlalchemy.dialects", "ties.storage.db", "ties.storage.pg"}
DIALECT_WORDS = {"sqlite", "postgresql", "postgres"}


def _modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py"))


def _name(path: Path) -> str:
    return ".".join(path.relative_to(SRC).with_suffix("").parts)


def _above(path: Path) -> bool:
    return _name(path) not in BACKEND_LAYER | BELOW


def dialect_checks(source: str) -> list[str]:
    """Each place `source` asks which database it has, as 'line: what'."""
    found = []
    for node in ast.walk(ast.parse(source)):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Import):
            found += [f"{line}: imports {a.name}" for a in node.names
                      if any(a.name == d or a.name.startswith(d + ".") for d in DRIVERS)]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            names = {f"{module}.{a.name}" for a in node.names} | {module}
            found += [f"{line}: imports {n}" for n in sorted(names)
                      if any(n == d or n.startswith(d + ".") for d in DRIVERS)]
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "isinstance":
            kinds = ast.unparse(node.args[1]) if len(node.args) > 1 else ""
            if any(k in kinds for k in ("ServerUrl", "sqlite3", "psycopg", "Connection")):
                found.append(f"{line}: isinstance(..., {kinds})")
        elif isinstance(node, ast.Attribute):
            if node.attr in ("on_server", "SQLITE", "POSTGRES"):
                found.append(f"{line}: .{node.attr}")
            elif node.attr == "name" and "dialect" in ast.unparse(node.value):
                found.append(f"{line}: {ast.unparse(node)}")
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(isinstance(s, ast.Constant) and str(s.value).lower() in DIALECT_WORDS
                   for s in sides):
                found.append(f"{line}: {ast.unparse(node)}")
    return found


@pytest.mark.parametrize("path", [p for p in _modules() if _above(p)], ids=_name)
def test_no_module_above_the_backend_asks_which_database_it_has(path):
    assert dialect_checks(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("code", [
    "import sqlite3",
    "from ties.storage import pg",
    "from ties.storage.db import connect",
    "import psycopg",
    "if isinstance(location, ServerUrl): pass",
    "if isinstance(conn, sqlite3.Connection): pass",
    "if state().on_server: pass",
    "if dialect.of(conn).name == 'x': pass",
    "postgres = conn.dialect.name",
    "if name == 'postgresql': pass",
    "d = dialect.POSTGRES",
])
def test_the_layer_check_catches_each_way_of_asking(code):
    assert dialect_checks(code)


def test_the_layer_check_allows_asking_the_backend_and_the_dialect_for_fragments():
    code = ("from ties import backend\nconn = backend.for_store(where).open()\n"
            "like = dialect.of(conn).like\nwith conn.transaction(write=True): pass\n")
    assert dialect_checks(code) == []


def test_db_and_pg_do_not_import_each_other():
    for module, other in (("db", "pg"), ("pg", "db")):
        tree = ast.parse((SRC / "storage" / f"{module}.py").read_text(encoding="utf-8"))
        imported = {f"{n.module}.{a.name}" for n in ast.walk(tree)
                    if isinstance(n, ast.ImportFrom) for a in n.names}
        imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert f"ties.storage.{other}" not in imported, module


_SQL_WRITE = re.compile(r"\b(INSERT\s+(OR\s+\w+\s+)?INTO|DELETE\s+FROM|UPDATE\s+\S+\s+SET|"
                        r"REPLACE\s+INTO)\b", re.IGNORECASE)


def sql_writes(source: str) -> list[str]:
    """Each SQL write spelled as text in `source` (INSERT INTO, DELETE FROM, UPDATE ...
    SET, in a string or an f-string), as 'line: text'."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "{}"
                           for v in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        else:
            continue
        if _SQL_WRITE.search(text):
            found.append(f"{node.lineno}: {' '.join(text.split())[:50]}")
    return found


@pytest.mark.parametrize("path", [p for p in _modules() if _above(p)], ids=_name)
def test_writes_above_the_backend_are_expressions_not_sql_text(path):
    assert sql_writes(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("code", [
    'conn.execute("DELETE FROM person WHERE id = ?", (1,))',
    'conn.execute(f"DELETE FROM {table}")',
    'conn.execute("UPDATE interaction_person SET person_id = ? WHERE person_id = ?")',
    'conn.execute("INSERT INTO setting (key, value) VALUES (?, ?)")',
    'conn.execute(f"UPDATE {table} SET import_digest = :d WHERE id = :i")',
    'sql = """\nWITH mine AS (SELECT 1)\nINSERT INTO person_stats (person_id) SELECT 1"""',
])
def test_the_write_check_catches_sql_text(code):
    assert sql_writes(code)


# Writes through the session, not the driver connection --------------------------------

_DRIVER_WRITE = re.compile(_SQL_WRITE.pattern + r"|\bsetval\s*\(", re.IGNORECASE)


@pytest.fixture
def driver_writes(db_path, monkeypatch) -> list[str]:
    """Every write sent through a backend connection's own `execute` (the driver path,
    which bypasses the session) from now on, once the store exists and is migrated."""
    from ties.storage import db, pg
    from ties.storage.backend import for_store

    for_store(db_path).open().close()  # the migrations write through it, as they may
    seen: list[str] = []
    for cls in (db.Connection, pg.Connection):
        original = cls.execute

        def spy(self, sql, *args, _original=original, **kwargs):
            if _DRIVER_WRITE.search(str(sql)):
                seen.append(" ".join(str(sql).split())[:80])
            return _original(self, sql, *args, **kwargs)

        monkeypatch.setattr(cls, "execute", spy)
    return seen


def test_imports_write_only_through_the_session_regression_counters_written_as_sql_text(
        ties, tmp_path, driver_writes):
    """A ties JSON import into an empty store raises the id counters past the file's
    (`ids.never_below`), and an import that changed nothing gives its batch id back
    (`ids.take_back`): both used to write SQL text through the driver connection."""
    import json

    doc = {"format": "ties", "version": 1, "last_ids": {"people": 40, "interactions": 50,
                                                        "follow_ups": 60},
           "people": [{"id": 7, "name": "Ana Lima", "email": "ana@example.com"}],
           "interactions": [{"id": 9, "people": [7], "date": "2025-03-01"}],
           "follow_ups": [{"id": 11, "person": 7, "text": "send the paper"}]}
    (tmp_path / "ties.json").write_text(json.dumps(doc))
    (tmp_path / "same.csv").write_text("Name,Email\nAna Lima,ana@example.com\n")
    assert ties("import", str(tmp_path / "ties.json")).exit_code == 0
    assert ties("import", str(tmp_path / "same.csv")).exit_code == 0
    assert ties("import", "--undo").exit_code == 0
    assert driver_writes == []
    assert ties("add", "Bo Chen").stderr.startswith("Added Bo Chen (@41)")


def test_the_driver_write_spy_sees_sql_text_written_through_the_connection(db_path,
                                                                          driver_writes):
    from ties.storage.backend import for_store

    conn = for_store(db_path).open()
    try:
        with conn.transaction(write=True):
            conn.execute("UPDATE ties_meta SET value = value WHERE key = 'none'")
    finally:
        conn.close()
    assert driver_writes == ["UPDATE ties_meta SET value = value WHERE key = 'none'"]
