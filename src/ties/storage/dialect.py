"""The few pieces of SQL that SQLite and PostgreSQL spell differently.

Every query in ties is written once, in SQL both databases accept (booleans summed
through CASE, upserts with ON CONFLICT, parameters as ? or :name); where the two
disagree, the query asks the connection's dialect for the fragment. The SQLite
connection is the stdlib's own object, so its dialect is the default; the PostgreSQL
connection (`ties.storage.pg.Connection`) carries `POSTGRES`.
"""

from __future__ import annotations

import re


class Sqlite:
    name = "sqlite"
    like = "LIKE"  # case-insensitive for ASCII, as PostgreSQL's ILIKE
    is_ = "IS"  # NULL-safe equality
    true = "1"

    @property
    def materialized(self) -> str:
        """'MATERIALIZED ' for a CTE whose columns are read many times: SQLite (3.35 and
        later) otherwise copies each column's expression into every place that reads it
        (the report's day counts and cadence into each part of the strength); older
        versions and PostgreSQL get the plain CTE."""
        import sqlite3

        return "MATERIALIZED " if sqlite3.sqlite_version_info >= (3, 35) else ""

    def days(self, later: str, earlier: str) -> str:
        """Whole days from `earlier` to `later` (two dates or ISO date strings)."""
        return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"

    def add_days(self, day: str, days: str) -> str:
        """The date `days` after `day`, as an ISO date."""
        return f"date({day}, '+' || ({days}) || ' days')"

    def greatest(self, *values: str) -> str:
        return f"max({', '.join(values)})"

    def least(self, *values: str) -> str:
        return f"min({', '.join(values)})"

    def truncate(self, value: str) -> str:
        """A number cut to an integer toward zero."""
        return f"CAST({value} AS INTEGER)"

    def ascii_lower(self, text: str) -> str:
        """The text with A-Z lowered and every other letter as it is (SQLite's own
        lower()), as `scoring.Job.holds` compares companies and roles."""
        return f"lower({text})"

    def whole_count(self, column: str) -> str:
        """The column as a count: a whole number from 0, anything else (text or a fraction
        written by another program into a column SQLite does not type-check) 0."""
        whole = f"typeof({column}) = 'integer' AND {column} >= 0"
        return f"(CASE WHEN {whole} THEN {column} ELSE 0 END)"

    def date_then_id(self, day: str, ident: str) -> str:
        """A text key that orders by date, then id (for 'the latest interaction')."""
        return f"{day} || printf('#%012d', {ident})"

    def id_list(self, ident: str) -> str:
        """The ids of a group, comma-separated."""
        return f"group_concat({ident}, ',')"

    def date_value(self, iso: str | None) -> str:
        """A date (ISO text made by ties, never typed by anyone) or NULL, written into a
        VALUES list whose column must read as a date."""
        return f"'{iso}'" if iso is not None else "NULL"

    def int_value(self, value: int | None) -> str:
        """A whole number or NULL, written into a VALUES list."""
        return str(int(value)) if value is not None else "NULL"

    def ddl(self, statement: str) -> str:
        """A CREATE statement written for SQLite, as this database takes it."""
        return statement

    # Id counters (see `ties.storage.ids`) ------------------------------------------------------

    def last_id(self, conn, table: str) -> int:
        """The highest id `table`'s counter has given out (AUTOINCREMENT's
        sqlite_sequence, an ordinary table it reads and keeps: sqlite.org/autoinc.html)."""
        import sqlite3

        try:
            row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = ?",
                               (table,)).fetchone()
        except sqlite3.OperationalError:  # a store from before AUTOINCREMENT (schema 1)
            return 0
        return int(row[0]) if row else 0

    def count_past(self, table: str, mark: int, highest: int, last: int) -> list:
        """The statements (SQLAlchemy expressions, for the caller's session) that make
        `table`'s next id larger than `mark`, its counter being at `last` (SQLite numbers
        past the highest id the table holds by itself); none when the counter is already
        past it. Never lowers the counter."""
        if mark <= last:
            return []
        from sqlalchemy import delete, insert

        counters = _sqlite_sequence()
        # A table gets its row in sqlite_sequence on its first insert.
        return [delete(counters).where(counters.c.name == table),
                insert(counters).values(name=table, seq=mark)]

    def give_back(self, table: str, before: int, last: int) -> list:
        """The statements that set the counter (at `last`) back to `before`, for ids drawn
        and deleted again in this transaction (the counter is part of it)."""
        if last <= before:
            return []
        from sqlalchemy import update

        counters = _sqlite_sequence()
        return [update(counters).where(counters.c.name == table).values(seq=before)]


def _sqlite_sequence():
    """SQLite's table of AUTOINCREMENT counters, as SQLAlchemy names it for a statement."""
    from sqlalchemy import column, table

    return table("sqlite_sequence", column("name"), column("seq"))


class Postgres(Sqlite):
    name = "postgresql"
    like = "ILIKE"
    is_ = "IS NOT DISTINCT FROM"
    true = "true"
    materialized = ""

    def days(self, later: str, earlier: str) -> str:
        return f"(CAST({later} AS DATE) - CAST({earlier} AS DATE))"

    def ascii_lower(self, text: str) -> str:  # lower() would fold É too, by the collation
        return f"translate({text}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"

    def add_days(self, day: str, days: str) -> str:
        return f"(CAST({day} AS DATE) + CAST({days} AS INTEGER))"

    def greatest(self, *values: str) -> str:
        return f"greatest({', '.join(values)})"

    def least(self, *values: str) -> str:
        return f"least({', '.join(values)})"

    def truncate(self, value: str) -> str:
        return f"CAST(trunc({value}) AS INTEGER)"

    def whole_count(self, column: str) -> str:
        # the column's type already holds only whole numbers
        return f"(CASE WHEN {column} >= 0 THEN {column} ELSE 0 END)"

    def date_value(self, iso: str | None) -> str:
        return f"DATE '{iso}'" if iso is not None else "CAST(NULL AS DATE)"

    def int_value(self, value: int | None) -> str:
        return str(int(value)) if value is not None else "CAST(NULL AS INTEGER)"

    def date_then_id(self, day: str, ident: str) -> str:
        return f"CAST({day} AS TEXT) || '#' || lpad(CAST({ident} AS TEXT), 12, '0')"

    def id_list(self, ident: str) -> str:
        return f"string_agg(CAST({ident} AS TEXT), ',')"

    def ddl(self, statement: str) -> str:
        """SQLite's types as PostgreSQL's: text compared byte by byte (COLLATE "C", as
        SQLite does, so that sorting is the same on both), timestamps, and an id column
        that numbers itself."""
        statement = re.sub(r"\bDATETIME\b", "TIMESTAMP", statement)
        statement = re.sub(r"\bVARCHAR\b", 'TEXT COLLATE "C"', statement)
        if "PRIMARY KEY (id)" in statement:
            statement = re.sub(r"\bid INTEGER NOT NULL\b",
                               "id INTEGER GENERATED BY DEFAULT AS IDENTITY", statement)
        return statement

    def last_id(self, conn, table: str) -> int:
        value = conn.execute("SELECT pg_sequence_last_value(CAST(pg_get_serial_sequence(?, "
                             "'id') AS regclass))", (table,)).fetchone()[0]
        return value or 0

    def count_past(self, table: str, mark: int, highest: int, last: int) -> list:
        target = max(mark, highest)
        if target <= last:
            return []
        from sqlalchemy import func, literal, select, true

        return [select(func.setval(func.pg_get_serial_sequence(literal(table), literal("id")),
                                   literal(target), true()))]

    def give_back(self, table: str, before: int, last: int) -> list:
        """Sequences are not part of the transaction: the ids stay used."""
        return []


SQLITE = Sqlite()
POSTGRES = Postgres()


def of(conn) -> Sqlite:
    """The dialect of a connection ties opened."""
    return getattr(conn, "dialect", SQLITE)
