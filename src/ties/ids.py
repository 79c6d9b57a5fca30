"""Ids are never given out twice.

A person, interaction, follow-up or import is named by its id on the command line
(`@12`, `ties interaction rm 62`, `ties import --undo --batch 3`), and such commands stay
in shell history. So an id, once given out, is never given to another row: SQLite's
AUTOINCREMENT and PostgreSQL's identity sequences number past every id a table ever held.
What they can't know is the ids a store used before it was restored from a backup, or
the ids of the store a ties JSON file came from: `last_given` reads the high-water marks
(the JSON export carries them as `last_ids`) and `never_below` raises a store's to them.
"""

from __future__ import annotations

import sqlite3

from ties import dialect

# The key in the JSON export's "last_ids" -> the table.
TABLES = {"people": "person", "interactions": "interaction", "follow_ups": "follow_up",
          "imports": "import_batch"}
# What the JSON export carries: the kinds it holds (imports are not exported, and the
# import that reads a file back is itself one).
EXPORTED = ("people", "interactions", "follow_ups")
LIMIT = 2**31 - 1  # the largest id an INTEGER id column holds on PostgreSQL


def last_given(conn, kinds=tuple(TABLES)) -> dict[str, int]:
    """The highest id of each kind this store has ever given out (0: none yet)."""
    return {key: max(_highest(conn, TABLES[key]), _sequence(conn, TABLES[key]))
            for key in kinds}


def never_below(conn, marks: dict) -> None:
    """Make every kind's next id larger than `marks[kind]` and than every id its table
    holds; a mark that is not a whole number in range is ignored. Never lowers one."""
    postgres = dialect.of(conn).name == "postgresql"
    for key, table in TABLES.items():
        mark = marks.get(key)
        if not isinstance(mark, int) or isinstance(mark, bool) or not 0 <= mark <= LIMIT:
            mark = 0
        if postgres:
            target = max(mark, _highest(conn, table))
            if target > _sequence(conn, table):
                conn.execute("SELECT setval(pg_get_serial_sequence(?, 'id'), ?, true)",
                             (table, target)).close()
        elif mark > _sequence(conn, table):
            # sqlite_sequence is an ordinary table that AUTOINCREMENT reads and keeps
            # (https://sqlite.org/autoinc.html); a table gets its row on its first insert.
            conn.execute("DELETE FROM sqlite_sequence WHERE name = ?", (table,))
            conn.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)",
                         (table, mark))


def take_back(conn, kind: str, before: int) -> None:
    """Give back the ids a transaction drew and deleted again before anyone saw them (an
    import that changed nothing leaves no trace). SQLite's counter is part of the
    transaction; PostgreSQL's sequences are not, so there the id stays used."""
    if dialect.of(conn).name != "postgresql" and _sequence(conn, TABLES[kind]) > before:
        conn.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = ?",
                     (before, TABLES[kind]))


def _highest(conn, table: str) -> int:
    return conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]


def _sequence(conn, table: str) -> int:
    if dialect.of(conn).name == "postgresql":
        value = conn.execute("SELECT pg_sequence_last_value(CAST(pg_get_serial_sequence(?, "
                             "'id') AS regclass))", (table,)).fetchone()[0]
        return value or 0
    try:
        row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = ?",
                           (table,)).fetchone()
    except sqlite3.OperationalError:  # a store from before AUTOINCREMENT (schema 1)
        return 0
    return int(row[0]) if row else 0
