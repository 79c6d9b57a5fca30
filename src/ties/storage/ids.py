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

from ties.core import fields
from ties.storage import dialect

LIMIT = fields.MAX_ID  # the largest id PostgreSQL's INTEGER holds
EXPORTED = fields.EXPORTED_IDS  # the kinds a ties JSON export carries in "last_ids"

# The key in the JSON export's "last_ids" -> the table.
TABLES = {"people": "person", "interactions": "interaction", "follow_ups": "follow_up",
          "imports": "import_batch"}


def last_given(conn, kinds=tuple(TABLES)) -> dict[str, int]:
    """The highest id of each kind this store has ever given out (0: none yet)."""
    return {key: max(_highest(conn, TABLES[key]), _sequence(conn, TABLES[key]))
            for key in kinds}


def never_below(session, marks: dict) -> None:
    """Make every kind's next id larger than `marks[kind]` and than every id its table
    holds; a mark that is not a whole number in range is ignored. Never lowers one.
    Written through `session` (a SQLModel session over the store's connection), in its
    transaction."""
    conn = _connection(session)
    counters = dialect.of(conn)
    for key, table in TABLES.items():
        mark = marks.get(key)
        if not isinstance(mark, int) or isinstance(mark, bool) or not 0 <= mark <= LIMIT:
            mark = 0
        for statement in counters.count_past(table, mark, _highest(conn, table),
                                             _sequence(conn, table)):
            session.execute(statement)


def take_back(session, kind: str, before: int) -> None:
    """Give back the ids a transaction drew and deleted again before anyone saw them (an
    import that changed nothing leaves no trace). SQLite's counter is part of the
    transaction; PostgreSQL's sequences are not, so there the id stays used."""
    conn = _connection(session)
    table = TABLES[kind]
    for statement in dialect.of(conn).give_back(table, before, _sequence(conn, table)):
        session.execute(statement)


def _connection(session):
    """The store's connection under `session`, for the reads (`Backend.session`)."""
    session.connection()  # begins the session's transaction: the connection's own
    return session.info["ties_conn"]


def _highest(conn, table: str) -> int:
    return conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]


def _sequence(conn, table: str) -> int:
    return dialect.of(conn).last_id(conn, table)
