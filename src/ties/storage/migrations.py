"""Schema migrations: small named steps, applied once, in order, never edited.

The schema version of a store is the number of steps applied to it, kept in
`ties_meta`. A released step is never changed: a later change to the schema is a
new step appended to MIGRATIONS. Steps are written in SQLite's SQL and run on
PostgreSQL through `dialect.ddl` (or ask `dialect.of(conn)` where the two differ).
Every step runs inside the one transaction that
`db.ensure_schema` opens under the write lock, so a store is always at one
version or the next, never in between. Plain SQL through the stdlib driver keeps
opening a store free of SQLAlchemy's import cost; `tests/test_migrations.py`
proves the result equals the SQLModel models.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable

from ties.storage import dialect


def m001_initial(conn: sqlite3.Connection) -> None:
    """People, tags, interactions, follow-ups, settings, per-person stats, imports."""
    ddl = dialect.of(conn).ddl
    for statement in _INITIAL:
        conn.execute(ddl(statement))


_INITIAL = [
    """CREATE TABLE ties_meta (
        "key" VARCHAR NOT NULL,
        value VARCHAR NOT NULL,
        PRIMARY KEY ("key"))""",
    """CREATE TABLE setting (
        "key" VARCHAR NOT NULL,
        value VARCHAR NOT NULL,
        PRIMARY KEY ("key"))""",
    """CREATE TABLE import_batch (
        id INTEGER NOT NULL,
        format VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        imported_at DATETIME NOT NULL,
        created INTEGER NOT NULL,
        updated INTEGER NOT NULL,
        undone_at DATETIME,
        PRIMARY KEY (id))""",
    """CREATE TABLE person (
        id INTEGER NOT NULL,
        name VARCHAR NOT NULL,
        name_key VARCHAR NOT NULL,
        type VARCHAR,
        company VARCHAR,
        role VARCHAR,
        industry VARCHAR,
        location VARCHAR,
        email VARCHAR,
        phone VARCHAR,
        linkedin VARCHAR,
        met VARCHAR,
        notes VARCHAR,
        working_on VARCHAR,
        struggles VARCHAR,
        cares_about VARCHAR,
        birthday_year INTEGER,
        birthday_month INTEGER,
        birthday_day INTEGER,
        cadence_days INTEGER,
        created DATE NOT NULL,
        archived BOOLEAN NOT NULL,
        snoozed_until DATE,
        updated_at DATETIME NOT NULL,
        connected_on DATE,
        import_id INTEGER,
        PRIMARY KEY (id),
        FOREIGN KEY(import_id) REFERENCES import_batch (id) ON DELETE SET NULL)""",
    "CREATE INDEX ix_person_name_key ON person (name_key)",
    "CREATE INDEX ix_person_email ON person (email)",
    "CREATE INDEX ix_person_linkedin ON person (linkedin)",
    """CREATE TABLE tag (
        person_id INTEGER NOT NULL,
        tag VARCHAR NOT NULL,
        PRIMARY KEY (person_id, tag),
        FOREIGN KEY(person_id) REFERENCES person (id) ON DELETE CASCADE)""",
    "CREATE INDEX ix_tag_tag ON tag (tag)",
    """CREATE TABLE interaction (
        id INTEGER NOT NULL,
        date DATE NOT NULL,
        channel VARCHAR NOT NULL,
        note VARCHAR,
        they_reached_out BOOLEAN NOT NULL,
        gave BOOLEAN NOT NULL,
        received BOOLEAN NOT NULL,
        logged_at DATETIME NOT NULL,
        PRIMARY KEY (id))""",
    "CREATE INDEX ix_interaction_date ON interaction (date, gave, received)",
    """CREATE TABLE interaction_person (
        interaction_id INTEGER NOT NULL,
        person_id INTEGER NOT NULL,
        PRIMARY KEY (interaction_id, person_id),
        FOREIGN KEY(interaction_id) REFERENCES interaction (id) ON DELETE CASCADE,
        FOREIGN KEY(person_id) REFERENCES person (id) ON DELETE CASCADE)""",
    "CREATE INDEX ix_interaction_person_person_id ON interaction_person (person_id)",
    """CREATE TABLE person_stats (
        person_id INTEGER NOT NULL,
        interactions INTEGER NOT NULL,
        first_contact DATE,
        last_contact DATE,
        gave INTEGER NOT NULL,
        received INTEGER NOT NULL,
        last_gave DATE,
        last_received DATE,
        their_streak INTEGER NOT NULL,
        in_person INTEGER NOT NULL,
        voice INTEGER NOT NULL,
        PRIMARY KEY (person_id),
        FOREIGN KEY(person_id) REFERENCES person (id) ON DELETE CASCADE)""",
    """CREATE TABLE follow_up (
        id INTEGER NOT NULL,
        person_id INTEGER NOT NULL,
        text VARCHAR NOT NULL,
        due DATE,
        created DATE NOT NULL,
        done DATE,
        PRIMARY KEY (id),
        FOREIGN KEY(person_id) REFERENCES person (id) ON DELETE CASCADE)""",
    "CREATE INDEX ix_follow_up_person_id ON follow_up (person_id)",
    """CREATE TABLE import_fill (
        batch_id INTEGER NOT NULL,
        person_id INTEGER NOT NULL,
        field VARCHAR NOT NULL,
        value VARCHAR NOT NULL,
        PRIMARY KEY (batch_id, person_id, field),
        FOREIGN KEY(batch_id) REFERENCES import_batch (id) ON DELETE CASCADE,
        FOREIGN KEY(person_id) REFERENCES person (id) ON DELETE CASCADE)""",
]


def m002_ids_never_reused(conn: sqlite3.Connection) -> None:
    """Ids are never given out twice, and an import is recorded on every row it creates.

    On SQLite an id column numbers past every id it ever gave out only when declared
    AUTOINCREMENT, which needs the tables rebuilt. Foreign keys stay ON (they can't be
    switched inside the migration's transaction), so a table that others reference can't
    simply be dropped (its implicit DELETE would cascade to their rows) nor renamed away
    (the rename would rewrite their references to it). Instead every table of the graph
    is rebuilt at once: the new tables reference each other under temporary names, the
    rows are copied parents first (SQLite sets each table's sequence to its highest id),
    the old tables are dropped children first, so nothing references a dropped parent any
    more, and the renames then point the new references at the final names. PostgreSQL's
    identity columns never go backwards by themselves; it only gains the columns.
    """
    if dialect.of(conn).name == "postgresql":
        for statement in _M002_POSTGRES:
            conn.execute(statement)
        conn.execute(dialect.of(conn).ddl(_M002_TABLES["import_setting"]))
        return
    graph = [t for t in _M002_TABLES if t != "import_setting"]
    temp = {t: f"{t}_m002" for t in graph}

    def renamed(statement: str) -> str:
        for table, new in temp.items():
            statement = re.sub(rf"(CREATE TABLE|REFERENCES) {table} ", rf"\1 {new} ",
                               statement)
        return statement

    for table in graph:  # parents before children
        conn.execute(renamed(_M002_TABLES[table]))
        old = [r[1] for r in conn.execute(f"PRAGMA table_info('{table}')")]
        columns = ", ".join(f'"{c}"' for c in old)
        conn.execute(f"INSERT INTO {temp[table]} ({columns}) SELECT {columns} FROM {table}")
    for table in reversed(graph):
        conn.execute(f"DROP TABLE {table}")
    for table in graph:
        conn.execute(f"ALTER TABLE {temp[table]} RENAME TO {table}")
    conn.execute(_M002_TABLES["import_setting"])
    for statement in _M002_INDEXES:
        conn.execute(statement)
    broken = conn.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"m002 left {len(broken)} broken references")


_M002_TABLES = {
    "import_batch": """CREATE TABLE import_batch (
        id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
        format VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        imported_at DATETIME NOT NULL,
        created INTEGER NOT NULL,
        updated INTEGER NOT NULL,
        undone_at DATETIME)""",
    "person": """CREATE TABLE person (
        id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
        name VARCHAR NOT NULL,
        name_key VARCHAR NOT NULL,
        type VARCHAR,
        company VARCHAR,
        role VARCHAR,
        industry VARCHAR,
        location VARCHAR,
        email VARCHAR,
        phone VARCHAR,
        linkedin VARCHAR,
        met VARCHAR,
        notes VARCHAR,
        working_on VARCHAR,
        struggles VARCHAR,
        cares_about VARCHAR,
        birthday_year INTEGER,
        birthday_month INTEGER,
        birthday_day INTEGER,
        cadence_days INTEGER,
        created DATE NOT NULL,
        archived BOOLEAN NOT NULL,
        snoozed_until DATE,
        updated_at DATETIME NOT NULL,
        connected_on DATE,
        import_id INTEGER,
        import_digest VARCHAR,
        FOREIGN KEY(import_id) REFERENCES import_batch (id) ON DELETE SET NULL)""",
    "tag": """CREATE TABLE tag (
        person_id INTEGER NOT NULL,
        tag VARCHAR NOT NULL,
        PRIMARY KEY (person_id, tag),
        FOREIGN KEY(person_id) REFERENCES person (id) ON DELETE CASCADE)""",
    "interaction": """CREATE TABLE interaction (
        id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
        date DATE NOT NULL,
        channel VARCHAR NOT NULL,
        note VARCHAR,
        they_reached_out BOOLEAN NOT NULL,
        gave BOOLEAN NOT NULL,
        received BOOLEAN NOT NULL,
        logged_at DATETIME NOT NULL,
        import_id INTEGER,
        import_digest VARCHAR,
        FOREIGN KEY(import_id) REFERENCES import_batch (id) ON DELETE SET NULL)""",
    "interaction_person": """CREATE TABLE interaction_person (
        interaction_id INTEGER NOT NULL,
        person_id INTEGER NOT NULL,
        PRIMARY KEY (interaction_id, person_id),
        FOREIGN KEY(interaction_id) REFERENCES interaction (id) ON DELETE CASCADE,
        FOREIGN KEY(person_id) REFERENCES person (id) ON DELETE CASCADE)""",
    "person_stats": """CREATE TABLE person_stats (
        person_id INTEGER NOT NULL,
        interactions INTEGER NOT NULL,
        first_contact DATE,
        last_contact DATE,
        gave INTEGER NOT NULL,
        received INTEGER NOT NULL,
        last_gave DATE,
        last_received DATE,
        their_streak INTEGER NOT NULL,
        in_person INTEGER NOT NULL,
        voice INTEGER NOT NULL,
        PRIMARY KEY (person_id),
        FOREIGN KEY(person_id) REFERENCES person (id) ON DELETE CASCADE)""",
    "follow_up": """CREATE TABLE follow_up (
        id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
        person_id INTEGER NOT NULL,
        text VARCHAR NOT NULL,
        due DATE,
        created DATE NOT NULL,
        done DATE,
        import_id INTEGER,
        import_digest VARCHAR,
        FOREIGN KEY(person_id) REFERENCES person (id) ON DELETE CASCADE,
        FOREIGN KEY(import_id) REFERENCES import_batch (id) ON DELETE SET NULL)""",
    "import_fill": """CREATE TABLE import_fill (
        batch_id INTEGER NOT NULL,
        person_id INTEGER NOT NULL,
        field VARCHAR NOT NULL,
        value VARCHAR NOT NULL,
        PRIMARY KEY (batch_id, person_id, field),
        FOREIGN KEY(batch_id) REFERENCES import_batch (id) ON DELETE CASCADE,
        FOREIGN KEY(person_id) REFERENCES person (id) ON DELETE CASCADE)""",
    "import_setting": """CREATE TABLE import_setting (
        batch_id INTEGER NOT NULL,
        "key" VARCHAR NOT NULL,
        value VARCHAR NOT NULL,
        PRIMARY KEY (batch_id, "key"),
        FOREIGN KEY(batch_id) REFERENCES import_batch (id) ON DELETE CASCADE)""",
}
_M002_INDEXES = [
    "CREATE INDEX ix_person_name_key ON person (name_key)",
    "CREATE INDEX ix_person_email ON person (email)",
    "CREATE INDEX ix_person_linkedin ON person (linkedin)",
    "CREATE INDEX ix_tag_tag ON tag (tag)",
    "CREATE INDEX ix_interaction_date ON interaction (date, gave, received)",
    "CREATE INDEX ix_interaction_person_person_id ON interaction_person (person_id)",
    "CREATE INDEX ix_follow_up_person_id ON follow_up (person_id)",
]
_M002_POSTGRES = [
    'ALTER TABLE person ADD COLUMN import_digest TEXT COLLATE "C"',
    "ALTER TABLE interaction ADD COLUMN import_id INTEGER REFERENCES import_batch (id) "
    "ON DELETE SET NULL",
    'ALTER TABLE interaction ADD COLUMN import_digest TEXT COLLATE "C"',
    "ALTER TABLE follow_up ADD COLUMN import_id INTEGER REFERENCES import_batch (id) "
    "ON DELETE SET NULL",
    'ALTER TABLE follow_up ADD COLUMN import_digest TEXT COLLATE "C"',
]


def m003_every_email_and_phone(conn: sqlite3.Connection) -> None:
    """People keep every email address and phone number: `person.email` and
    `person.phone` stay as they are (the primary of each, read by everything that read
    them before), and a new table holds the others in order. No row changes, so the step
    is one CREATE TABLE and its index on either database."""
    ddl = dialect.of(conn).ddl
    for statement in _M003:
        conn.execute(ddl(statement))


_M003 = [
    """CREATE TABLE person_contact (
        person_id INTEGER NOT NULL,
        kind VARCHAR NOT NULL,
        position INTEGER NOT NULL,
        value VARCHAR NOT NULL,
        PRIMARY KEY (person_id, kind, position),
        FOREIGN KEY(person_id) REFERENCES person (id) ON DELETE CASCADE)""",
    "CREATE INDEX ix_person_contact_value ON person_contact (value)",
]


def m004_fold_letters_in_name_keys(conn: sqlite3.Connection) -> None:
    """Names fold the way people type them (`names.fold`: ø -> o, æ -> ae, ł -> l, þ -> th,
    ’ -> ', ...), so every stored search key is written again from its name. Only
    `person.name_key` changes, and only where the new folding differs: no row is added or
    removed, and a store without such names is left byte for byte as it was."""
    recompute_name_keys(conn)


def recompute_name_keys(conn: sqlite3.Connection) -> int:
    """Write `person.name_key` again from each name, where it differs from `names.fold`;
    for a step after a change to the folding. Returns how many keys changed. A name that
    is not text (written outside ties) is left for `ties doctor` to name."""
    from ties.core.names import fold

    stale = [(fold(name), pid) for pid, name, key in
             conn.execute("SELECT id, name, name_key FROM person ORDER BY id").fetchall()
             if isinstance(name, str) and name.strip() and key != fold(name)]
    for key, pid in stale:
        conn.execute("UPDATE person SET name_key = ? WHERE id = ?", (key, pid))
    return len(stale)
def m005_interaction_sources(conn: sqlite3.Connection) -> None:
    """Interactions imported from a calendar or a mailbox remember what they came from:
    one row per source entry (an event occurrence's or a message's key) and person, so a
    re-import adds nothing, and `ties import --undo` takes back what it added, also from
    an interaction logged by hand that an import was merged into (`merged`, with the note
    it `filled`). No row changes: the step only creates the table and its indexes."""
    ddl = dialect.of(conn).ddl
    for statement in _M005:
        conn.execute(ddl(statement))


_M005 = [
    """CREATE TABLE interaction_source (
        "key" VARCHAR NOT NULL,
        person_id INTEGER NOT NULL,
        interaction_id INTEGER NOT NULL,
        batch_id INTEGER NOT NULL,
        merged BOOLEAN NOT NULL,
        filled VARCHAR,
        PRIMARY KEY ("key", person_id),
        FOREIGN KEY(person_id) REFERENCES person (id) ON DELETE CASCADE,
        FOREIGN KEY(interaction_id) REFERENCES interaction (id) ON DELETE CASCADE,
        FOREIGN KEY(batch_id) REFERENCES import_batch (id) ON DELETE CASCADE)""",
    "CREATE INDEX ix_interaction_source_interaction_id ON interaction_source "
    "(interaction_id)",
    "CREATE INDEX ix_interaction_source_batch_id ON interaction_source (batch_id)",
]


def m006_keys_without_an_import(conn: sqlite3.Connection) -> None:
    """A key may come without a calendar or mail import of this store: a ties JSON
    export carries each interaction's keys, and an import or restore of it writes them
    back, so that importing the same calendar again adds nothing. Such a key belongs to
    its interaction (deleted with it, also by undoing the JSON import that created it),
    not to an import that `ties import --undo` could take back, so `batch_id` becomes
    nullable (NULL: brought by a ties JSON import or restore). No row changes. On SQLite
    a column loses NOT NULL only by a rebuild: no table references interaction_source, so
    it is copied to a new table, dropped and the copy renamed; PostgreSQL drops the
    constraint in place."""
    if dialect.of(conn).name == "postgresql":
        conn.execute("ALTER TABLE interaction_source ALTER COLUMN batch_id DROP NOT NULL")
        return
    conn.execute(_M006_TABLE)
    conn.execute('INSERT INTO interaction_source_m006 ("key", person_id, interaction_id, '
                 'batch_id, merged, filled) SELECT "key", person_id, interaction_id, '
                 "batch_id, merged, filled FROM interaction_source")
    conn.execute("DROP TABLE interaction_source")
    conn.execute("ALTER TABLE interaction_source_m006 RENAME TO interaction_source")
    for statement in _M005[1:]:
        conn.execute(statement)
    broken = conn.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"m006 left {len(broken)} broken references")


_M006_TABLE = """CREATE TABLE interaction_source_m006 (
        "key" VARCHAR NOT NULL,
        person_id INTEGER NOT NULL,
        interaction_id INTEGER NOT NULL,
        batch_id INTEGER,
        merged BOOLEAN NOT NULL,
        filled VARCHAR,
        PRIMARY KEY ("key", person_id),
        FOREIGN KEY(person_id) REFERENCES person (id) ON DELETE CASCADE,
        FOREIGN KEY(interaction_id) REFERENCES interaction (id) ON DELETE CASCADE,
        FOREIGN KEY(batch_id) REFERENCES import_batch (id) ON DELETE CASCADE)"""
def m007_learned_at(conn: sqlite3.Connection) -> None:
    """A person's talking points (working on, struggles with, cares about) carry the time
    you last learned one of them, `person.learned_at`, so that editing a phone number,
    snoozing or archiving no longer makes an old "working on" look fresh to `ties next`.
    No row is added or removed. The best knowledge a store has of that time is the
    person's last change of any kind, so a person with a talking point gets their
    `updated_at`, and a person without one gets none (NULL)."""
    ddl = dialect.of(conn).ddl
    conn.execute(ddl("ALTER TABLE person ADD COLUMN learned_at DATETIME"))
    conn.execute("UPDATE person SET learned_at = updated_at WHERE working_on IS NOT NULL "
                 "OR struggles IS NOT NULL OR cares_about IS NOT NULL")


def m008_learned_per_talking_point(conn: sqlite3.Connection) -> None:
    """Each talking point carries its own time: `person.working_on_learned_at`,
    `struggles_learned_at` and `cares_about_learned_at` (UTC) say when you last learned
    that one, so that learning what someone cares about no longer dates what they worked
    on months ago. No row is added or removed. The best a schema-7 store knows is m007's
    one time per person, so each talking point that is set gets `person.learned_at` and
    each that is empty gets none (NULL); then `learned_at` is dropped."""
    ddl = dialect.of(conn).ddl
    for field in ("working_on", "struggles", "cares_about"):
        conn.execute(ddl(f"ALTER TABLE person ADD COLUMN {field}_learned_at DATETIME"))
        conn.execute(f"UPDATE person SET {field}_learned_at = learned_at "
                     f"WHERE {field} IS NOT NULL")
    conn.execute("ALTER TABLE person DROP COLUMN learned_at")


def m009_learned_rhythm(conn: sqlite3.Connection) -> None:
    """Each person's own rhythm is kept with their stats: `person_stats.rhythm_days`, the
    typical gap between contact episodes (NULL without one), and `rhythm_gaps`, how many
    gaps it rests on (`core.rhythm.learn`). No row is added or removed: the two columns
    are added and filled for every person from their interactions, as `store.refresh_stats`
    computes them."""
    from ties.storage.queries import learned_rhythms

    ddl = dialect.of(conn).ddl
    conn.execute(ddl("ALTER TABLE person_stats ADD COLUMN rhythm_days INTEGER"))
    conn.execute(ddl("ALTER TABLE person_stats ADD COLUMN rhythm_gaps INTEGER NOT NULL "
                     "DEFAULT 0"))
    for pid, typical, gaps in learned_rhythms(conn, None):
        conn.execute("UPDATE person_stats SET rhythm_days = ?, rhythm_gaps = ? "
                     "WHERE person_id = ?", (typical, gaps, pid))


def m010_job_changes(conn: sqlite3.Connection) -> None:
    """People keep their earlier jobs, and imports know which company and role they
    brought, so that a re-import can tell a job change from a value you typed.

    `job_change`: one row per change of company or role ties learned of (a re-import, or
    `ties edit --moved`): what they were before, what they became, the day, and the import
    that made it (undo takes it back). `import_value`: the company and role each kind of
    file (format) last brought for a person. No row of another table changes. Each person
    an import created and nobody changed since (their `updated_at` is still the import's
    time, as undo's check for a store before digests reads it), and each company or role
    an import filled in that still holds that value, is recorded as that import's (a ties
    JSON import is a backup, not news of anyone's job), so the first re-import after the
    upgrade already sees job changes."""
    ddl = dialect.of(conn).ddl
    for statement in _M010:
        conn.execute(ddl(statement))
    found: dict[tuple[int, str, str], str] = {}
    for pid, company, role, updated, fmt, imported in conn.execute(
            "SELECT p.id, p.company, p.role, p.updated_at, b.format, b.imported_at FROM "
            "person p JOIN import_batch b ON b.id = p.import_id WHERE b.undone_at IS NULL "
            "AND b.format <> 'ties' ORDER BY p.id").fetchall():
        if str(updated)[:19] != str(imported)[:19]:
            continue
        for key, value in (("company", company), ("role", role)):
            if isinstance(value, str) and value:
                found[(pid, key, fmt)] = value
    for pid, key, value, fmt in conn.execute(
            "SELECT f.person_id, f.field, f.value, b.format FROM import_fill f JOIN "
            "import_batch b ON b.id = f.batch_id JOIN person p ON p.id = f.person_id WHERE "
            "b.undone_at IS NULL AND b.format <> 'ties' AND f.field IN ('company', 'role') AND "
            "((f.field = 'company' AND p.company = f.value) OR "
            "(f.field = 'role' AND p.role = f.value)) ORDER BY f.batch_id").fetchall():
        found[(pid, key, fmt)] = value
    for (pid, key, fmt), value in sorted(found.items()):
        conn.execute('INSERT INTO import_value (person_id, field, format, value) '
                     'VALUES (?, ?, ?, ?)', (pid, key, fmt, value))


_M010 = [
    """CREATE TABLE job_change (
        id INTEGER NOT NULL,
        person_id INTEGER NOT NULL,
        changed_on DATE NOT NULL,
        company_before VARCHAR,
        role_before VARCHAR,
        company VARCHAR,
        role VARCHAR,
        batch_id INTEGER,
        PRIMARY KEY (id),
        FOREIGN KEY(person_id) REFERENCES person (id) ON DELETE CASCADE,
        FOREIGN KEY(batch_id) REFERENCES import_batch (id) ON DELETE CASCADE)""",
    "CREATE INDEX ix_job_change_person_id ON job_change (person_id)",
    "CREATE INDEX ix_job_change_changed_on ON job_change (changed_on)",
    "CREATE INDEX ix_job_change_batch_id ON job_change (batch_id)",
    """CREATE TABLE import_value (
        person_id INTEGER NOT NULL,
        field VARCHAR NOT NULL,
        format VARCHAR NOT NULL,
        value VARCHAR NOT NULL,
        PRIMARY KEY (person_id, field, format),
        FOREIGN KEY(person_id) REFERENCES person (id) ON DELETE CASCADE)""",
]


def m011_mail_threads(conn: sqlite3.Connection) -> None:
    """A mail key remembers its thread: `interaction_source.thread` holds the key of the
    thread's root (the message's first References id, else its In-Reply-To, else its own
    Message-ID), which every message of a thread names alike, so importing your Inbox
    before your Sent folder finds the interactions of the thread the Inbox import made
    and corrects who reached out. No row is added or removed; the keys recorded before
    have no thread (NULL), since their headers are not stored."""
    conn.execute(dialect.of(conn).ddl("ALTER TABLE interaction_source ADD COLUMN thread "
                                      "VARCHAR"))


def m012_apostrophes_left_out_of_name_keys(conn: sqlite3.Connection) -> None:
    """Names fold without their apostrophes (`names.fold`: O'Brien -> 'obrien'), the way
    people type them, so every stored search key is written again from its name, where it
    differs. Only `person.name_key` changes: no row is added or removed."""
    recompute_name_keys(conn)


def m013_kept_weekly_lists(conn: sqlite3.Connection) -> None:
    """`week_list`: the list `ties next` gave each week, kept on that week's first write,
    so that follow-through (`ties report`, and `ties next`'s "last week you reached 3 of
    5") reads it instead of rebuilding the week from everyone's history. No row of another
    table changes; the table starts empty (the weeks before it are rebuilt from history
    the first time, see `views.keep_week_lists`)."""
    conn.execute(dialect.of(conn).ddl(
        "CREATE TABLE week_list (week DATE NOT NULL, people VARCHAR NOT NULL, "
        "PRIMARY KEY (week))"))


def m014_deleted_sources(conn: sqlite3.Connection) -> None:
    """`deleted_source`: the calendar and mail keys of the interactions you delete, so
    that re-importing the same export skips them instead of bringing them back. No row of
    another table changes; the table starts empty (an interaction deleted before the step
    left no key behind)."""
    ddl = dialect.of(conn).ddl
    conn.execute(ddl("""CREATE TABLE deleted_source (
        "key" VARCHAR NOT NULL,
        person_id INTEGER NOT NULL,
        PRIMARY KEY ("key", person_id),
        FOREIGN KEY(person_id) REFERENCES person (id) ON DELETE CASCADE)"""))


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    m001_initial,
    m002_ids_never_reused,
    m003_every_email_and_phone,
    m004_fold_letters_in_name_keys,
    m005_interaction_sources,
    m006_keys_without_an_import,
    m007_learned_at,
    m008_learned_per_talking_point,
    m009_learned_rhythm,
    m010_job_changes,
    m011_mail_threads,
    m012_apostrophes_left_out_of_name_keys,
    m013_kept_weekly_lists,
    m014_deleted_sources,
]
LATEST = len(MIGRATIONS)
