"""Every read, as plain SQL over a backend's connection (`ties.storage.backend.Connection`:
stdlib sqlite3, or psycopg through `ties.storage.pg.Connection`, which takes the same parameters
and returns the same values).

Read commands never import SQLAlchemy: these functions run on the connection from
`Backend.open`, and inside a write they run on the same connection as the
SQLModel session, so they see its uncommitted rows. Rows come back as plain dicts
with dates as `datetime.date`. The SQL is written once for both databases; where they
spell something differently, `dialect.of(conn)` gives the fragment.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from ties.core import identity, names, personfields, rhythm
from ties.core.errors import Ambiguous, NotFound, StoreError, TiesError
from ties.storage import dialect, ids, stored
from ties.storage.chunks import chunks, marks

if TYPE_CHECKING:
    from ties.storage.backend import Connection



def damaged(what: str, value: object) -> StoreError:
    """The refusal for a value in the store that ties never writes (see `stored`)."""
    return stored.damaged(what, value)


def _iso(value) -> date:
    """A date column's value as a date, or the one-line refusal for a damaged one."""
    return stored.as_date(value)


def _all(conn: Connection, sql: str, params: tuple | list = ()) -> list[dict]:
    """Rows as dicts of the values ties works with: every value read through the one
    rule for its column (`stored.read_row`), whatever another program wrote there."""
    cur = conn.execute(sql, params)
    names = [c[0] for c in cur.description]
    return [stored.read_row(dict(zip(names, row, strict=True))) for row in cur.fetchall()]


# Finding people by name -------------------------------------------------------------

def candidates(conn: Connection) -> list[names.Candidate]:
    return [
        _candidate(r) for r in conn.execute("SELECT id, name, name_key, company FROM person")
    ]


def find_person(conn: Connection, typed: str) -> names.Candidate:
    """The one person `typed` names: '@12' by id, else names.match. Refuses otherwise."""
    from ties.core.fields import utf8

    typed = utf8("The name", typed).strip()
    if typed.startswith("@") and typed[1:].isascii() and typed[1:].isdecimal():
        from ties.core.fields import MAX_ID  # a bigger number is no one's id (nor fits the store)

        wanted = int(typed[1:])
        row = conn.execute(
            "SELECT id, name, name_key, company FROM person WHERE id = ?", (wanted,)
        ).fetchone() if wanted <= MAX_ID else None
        if row is None:
            raise NotFound(f"No one has the id {typed}. See 'ties list'.")
        return _candidate(row)
    key = names.fold(typed)
    exact = conn.execute(
        "SELECT id, name, name_key, company FROM person WHERE name_key = ?", (key,)
    ).fetchall()
    if len(exact) == 1:
        return _candidate(exact[0])
    people = [_candidate(r) for r in exact] if exact else candidates(conn)
    result = names.match(typed, people)
    if result.found:
        return result.found
    if result.ambiguous:
        choices = [_choice(c) for c in result.ambiguous]
        shown = "; ".join(choices[:8]) + (f"; and {len(choices) - 8} more" if len(choices) > 8
                                          else "")
        raise Ambiguous(
            f"{len(choices)} people fit {typed!r}: {shown}. Name one by its @id (for example "
            f"@{result.ambiguous[0].id}) or type more of the name.",
            choices,
        )
    hint = ""
    if result.suggestions:
        hint = " Did you mean " + " or ".join(repr(s) for s in result.suggestions) + "?"
    raise NotFound(f"No one called {typed!r}.{hint} See 'ties list', or add them with "
                   f"'ties add'.")


def _choice(c: names.Candidate) -> str:
    return f"@{c.id} {c.name}" + (f" ({c.company})" if c.company else "")


def same_name(conn: Connection, name: str) -> list[names.Candidate]:
    rows = conn.execute(
        "SELECT id, name, name_key, company FROM person WHERE name_key = ? ORDER BY id",
        (identity.name_key(name),),
    ).fetchall()
    return [_candidate(r) for r in rows]


def _candidate(row) -> names.Candidate:
    """A person as name matching sees them (their name and company as text)."""
    return names.Candidate(id=row[0], name=stored.text(row[1]), key=stored.text(row[2]),
                           company=stored.text(row[3]))


def complete_names(conn: Connection, typed: str, limit: int = 50, *,
                   archived: bool = False) -> list[str]:
    """For tab completion: the names that start with `typed`, then those with a word
    (after a space or a hyphen) that does, folded as `names.fold` folds (so 'gar' and
    'GARCÍA' offer 'María García'); by name within each. Active people, or with
    `archived` the archived ones."""
    key = names.fold(typed)
    escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    start, word, joined = escaped + "%", "% " + escaped + "%", "%-" + escaped + "%"
    rows = conn.execute(
        "SELECT name FROM person WHERE (name_key LIKE ? ESCAPE '\\' OR name_key LIKE ? "
        "ESCAPE '\\' OR name_key LIKE ? ESCAPE '\\') AND "
        + ("archived" if archived else "NOT archived")
        + " ORDER BY CASE WHEN name_key LIKE ? ESCAPE '\\' THEN 0 ELSE 1 END, name_key, id "
        "LIMIT ?",
        (start, word, joined, start, limit),
    ).fetchall()
    return [stored.text(r[0]) for r in rows]


# Profiles and lists ----------------------------------------------------------------

def tags_of(conn: Connection, person_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {pid: [] for pid in person_ids}
    for chunk in chunks(person_ids):
        places = marks(chunk)
        for pid, tag in conn.execute(
            f"SELECT person_id, tag FROM tag WHERE person_id IN ({places}) ORDER BY tag", chunk
        ):
            out[pid].append(stored.text(tag))
    return out


def _profile_columns() -> str:
    """The person's columns a profile holds (the field spec: `profile`)."""
    return ", ".join(f"p.{f}" for f in personfields.profile_fields())


def contacts_of(conn: Connection, person_ids: list[int]) -> dict[int, dict[str, list[str]]]:
    """Every email address and phone number of these people, the primary first:
    pid -> {"email": [...], "phone": [...]}. A row of another kind (written outside ties)
    is left out, as `ties doctor` says."""
    out: dict[int, dict[str, list[str]]] = {pid: {"email": [], "phone": []}
                                            for pid in person_ids}
    for chunk in chunks(list(out)):
        places = marks(chunk)
        for pid, email, phone in conn.execute(
                f"SELECT id, email, phone FROM person WHERE id IN ({places})", chunk):
            for kind, value in (("email", email), ("phone", phone)):
                if value is not None:
                    out[pid][kind].append(stored.text(value))
        for pid, kind, value in conn.execute(
                "SELECT person_id, kind, value FROM person_contact WHERE person_id IN "
                f"({places}) ORDER BY person_id, kind, position", chunk):
            if kind in ("email", "phone") and value is not None:
                out[pid][kind].append(stored.text(value))
    return out


def _with_contacts(conn: Connection, people: list[dict]) -> None:
    """Give each person row its lists: "emails" and "phones", the primary first."""
    found = contacts_of(conn, [p["id"] for p in people])
    for p in people:
        p["emails"], p["phones"] = found[p["id"]]["email"], found[p["id"]]["phone"]


def profile(conn: Connection, person_id: int) -> dict[str, Any]:
    cols = _profile_columns()
    rows = _all(
        conn,
        f"SELECT {cols}, s.interactions, s.first_contact, s.last_contact, "
        "coalesce(s.gave, 0) AS gave_count, coalesce(s.received, 0) AS received_count, "
        "s.rhythm_days, coalesce(s.rhythm_gaps, 0) AS rhythm_gaps "
        "FROM person p LEFT JOIN person_stats s ON s.person_id = p.id WHERE p.id = ?",
        (person_id,),
    )
    if not rows:
        raise NotFound(f"No one has the id @{person_id}. See 'ties list'.")
    person = rows[0]
    person["interactions"] = person["interactions"] or 0
    person["tags"] = tags_of(conn, [person_id])[person_id]
    _with_contacts(conn, [person])
    person["jobs"] = jobs_of(conn, [person_id])[person_id]
    return person


def jobs_of(conn: Connection, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Each person's job changes, oldest first: date, company_before, role_before,
    company, role (`ties show`, `--json` and the JSON export)."""
    out: dict[int, list[dict[str, Any]]] = {pid: [] for pid in ids}
    for chunk in chunks(ids):
        for row in _all(conn, "SELECT person_id, changed_on AS date, company_before, "
                              "role_before, company, role FROM job_change WHERE person_id "
                              f"IN ({marks(chunk)}) ORDER BY person_id, changed_on, id", chunk):
            for key in ("company_before", "role_before"):  # as company and role are read
                row[key] = stored.text(row[key])
            out[row.pop("person_id")].append(row)
    return out


def name_key(conn: Connection, person_id: int) -> object:
    """The search key stored for someone's name (stale if the name was changed outside
    ties)."""
    row = conn.execute("SELECT name_key FROM person WHERE id = ?", (person_id,)).fetchone()
    return row[0] if row else None


def history(conn: Connection, person_id: int) -> list[dict[str, Any]]:
    """Every interaction with this person, newest first, with who else took part."""
    rows = _all(
        conn,
        "SELECT i.id, i.date, i.channel, i.note, i.they_reached_out, i.gave, i.received "
        "FROM interaction i JOIN interaction_person ip ON ip.interaction_id = i.id "
        "WHERE ip.person_id = ? ORDER BY i.date DESC, i.id DESC",
        (person_id,),
    )
    others = participants(conn, [r["id"] for r in rows])
    for r in rows:
        r["with"] = [n for pid, n in others.get(r["id"], []) if pid != person_id]
    return rows


def participants(conn: Connection, interaction_ids: list[int]) -> dict[int, list]:
    out: dict[int, list] = {}
    for chunk in chunks(interaction_ids):
        places = marks(chunk)
        for iid, pid, name in conn.execute(
            "SELECT ip.interaction_id, p.id, p.name FROM interaction_person ip "
            f"JOIN person p ON p.id = ip.person_id WHERE ip.interaction_id IN ({places}) "
            "ORDER BY p.name_key, p.id",
            chunk,
        ):
            out.setdefault(iid, []).append((pid, stored.text(name)))
    return out


def interaction(conn: Connection, interaction_id: int) -> dict[str, Any]:
    rows = _all(
        conn,
        "SELECT id, date, channel, note, they_reached_out, gave, received, logged_at "
        "FROM interaction WHERE id = ?",
        (interaction_id,),
    )
    if not rows:
        raise NotFound(f"No interaction #{interaction_id}. 'ties show NAME' lists them with "
                       "their numbers.")
    row = rows[0]
    row["people"] = participants(conn, [interaction_id]).get(interaction_id, [])
    return row


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


SEARCHED = ("p.name", "p.company", "p.role", "p.industry", "p.location", "p.email", "p.phone",
            "p.met",
            "p.notes", "p.working_on", "p.struggles", "p.cares_about")


def _list_filter(conn, type_: str | None, tag: str | None, search: str | None,
                 archived: bool | None) -> tuple[str, list]:
    where, params = [], []
    if type_ == "untyped":
        where.append("p.type IS NULL")
    elif type_:
        where.append("p.type = ?")
        params.append(type_)
    if tag:
        where.append("EXISTS (SELECT 1 FROM tag t WHERE t.person_id = p.id AND t.tag = ?)")
        params.append(tag.strip().lower())
    if search:
        # The folded name makes 'beyonce' find 'Beyoncé', a dash in it parts words as a
        # space does ('jean luc' finds Jean-Luc, as naming someone does: names.spaced);
        # the match ignores ASCII case.
        like = dialect.of(conn).like
        spaced = "p.name_key"
        for dash in names.DASHES:
            spaced = f"replace({spaced}, '{dash}', ' ')"
        clauses = [f"{col} {like} ? ESCAPE '\\'" for col in SEARCHED] + \
            [f"{spaced} {like} ? ESCAPE '\\'",  # and every further email and phone
             f"EXISTS (SELECT 1 FROM person_contact c WHERE c.person_id = p.id AND "
             f"c.value {like} ? ESCAPE '\\')"]
        where.append("(" + " OR ".join(clauses) + ")")
        params += [_like(search)] * len(SEARCHED) + [
            _like(names.spaced(names.fold(search))), _like(search)]
    if archived is not None:  # read as every query reads the flag (storage/stored.py)
        where.append("p.archived" if archived else "NOT p.archived")
    return (" WHERE " + " AND ".join(where) if where else ""), params


def list_people(
    conn: Connection,
    *,
    type_: str | None = None,
    tag: str | None = None,
    search: str | None = None,
    archived: bool | None = False,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """People with their last contact, sorted by name. archived=None means everyone."""
    where, params = _list_filter(conn, type_, tag, search, archived)
    sql = (
        "SELECT p.id, p.name, p.type, p.company, p.role, p.industry, p.location, p.email, "
        "p.archived, p.snoozed_until, p.created, s.last_contact, "
        "COALESCE(s.interactions, 0) AS interactions "
        "FROM person p LEFT JOIN person_stats s ON s.person_id = p.id" + where
        + " ORDER BY p.name_key, p.id" + (" LIMIT ?" if limit else "")
    )
    if limit:
        params.append(limit)
    rows = _all(conn, sql, params)
    tags = tags_of(conn, [r["id"] for r in rows])
    for r in rows:
        r["tags"] = tags[r["id"]]
    _with_contacts(conn, rows)
    return rows


def count_matching(conn: Connection, *, type_: str | None = None,
                   tag: str | None = None, search: str | None = None,
                   archived: bool | None = False) -> int:
    where, params = _list_filter(conn, type_, tag, search, archived)
    return conn.execute(f"SELECT count(*) FROM person p{where}", params).fetchone()[0]


def count_people(conn: Connection) -> int:
    return conn.execute("SELECT count(*) FROM person").fetchone()[0]


def recent_duplicate(
    conn: Connection, person_ids: list[int], when: date, channel: str,
    note: str | None, gave: bool, received: bool, they_reached_out: bool, since: str,
) -> dict[str, Any] | None:
    """An identical interaction logged at or after `since` (a retried command)."""
    rows = _all(
        conn,
        "SELECT id, logged_at FROM interaction WHERE date = ? AND channel = ? "
        f"AND note {dialect.of(conn).is_} ? AND gave = ? AND received = ? AND they_reached_out = ? "
        "AND logged_at >= ? ORDER BY id DESC",
        (when.isoformat(), channel, note, gave, received, they_reached_out, since),
    )
    wanted = sorted(person_ids)
    for row in rows:
        people = sorted(pid for pid, _ in participants(conn, [row["id"]]).get(row["id"], []))
        if people == wanted:
            return row
    return None


def settings(conn: Connection) -> dict:
    from ties.core import settings as spec

    # a key or value written outside ties as a BLOB, number or NULL reads as text, or not at
    # all, and `resolve` falls back to the default for anything that does not parse
    return spec.resolve({key: stored.text(value)
                         for key, value in conn.execute("SELECT key, value FROM setting")
                         if isinstance(key, str) and value is not None})


def stored_settings(conn: Connection) -> dict[str, str]:
    """Every setting you have set, as stored: what an import must not overwrite (a value
    ties can't read as text counts as set, as '')."""
    return {key: stored.text(value) or "" for key, value in
            conn.execute("SELECT key, value FROM setting") if isinstance(key, str)}


def interactions_by_key(conn: Connection) -> dict[tuple, list[int]]:
    """Every interaction's id by what makes two the same for an import: (day, channel,
    note or '', the ids of its people sorted), oldest first: one logged twice on purpose
    (`log --force`) is there twice."""
    found: dict[tuple, list[int]] = {}
    for iid, day, channel, note, people in conn.execute(
            "SELECT i.id, i.date, i.channel, coalesce(i.note, ''), "
            f"{dialect.of(conn).id_list('ip.person_id')} FROM interaction i "
            "JOIN interaction_person ip ON ip.interaction_id = i.id "
            "GROUP BY i.id, i.date, i.channel, i.note ORDER BY i.id"):
        key = (str(day)[:10], channel, note, tuple(sorted(int(x) for x in people.split(","))))
        found.setdefault(key, []).append(iid)
    return found


def addresses(conn: Connection) -> dict[str, int]:
    """Every email address of everyone here, lower-cased, to whose it is (a person's
    primary and further ones alike; an address two people share goes to the older)."""
    from ties.core import contacts

    found: dict[str, int] = {}
    for pid, value in conn.execute(
            "SELECT id, email FROM person WHERE email IS NOT NULL UNION ALL "
            "SELECT person_id, value FROM person_contact WHERE kind = 'email' ORDER BY 1"):
        if isinstance(value, str) and value:
            found.setdefault(contacts.key("email", value), pid)
    return found


def imported_sources(conn: Connection) -> dict[tuple[str, int], int]:
    """Every (source key, person) a calendar or mail import recorded, to the interaction
    that holds it."""
    return {(key, pid): iid for key, pid, iid in conn.execute(
        'SELECT "key", person_id, interaction_id FROM interaction_source')}


def deleted_sources(conn: Connection) -> set[tuple[str, int]]:
    """Every (source key, person) whose interaction you deleted: a re-import skips it."""
    return {(key, pid) for key, pid in conn.execute(
        'SELECT "key", person_id FROM deleted_source')}


def mail_threads(conn: Connection) -> dict[str, list[tuple[str, int, int]]]:
    """Each mail thread's root key -> the (key, person, interaction) a mail import
    recorded with it, so that a later import of another folder finds the thread."""
    found: dict[str, list[tuple[str, int, int]]] = {}
    for key, pid, iid, thread in conn.execute(
            'SELECT "key", person_id, interaction_id, thread FROM interaction_source '
            "WHERE thread IS NOT NULL"):
        found.setdefault(thread, []).append((key, pid, iid))
    return found


def people_in(conn: Connection, interaction_ids: list[int]) -> set[int]:
    """Everyone in these interactions."""
    found: set[int] = set()
    for chunk in chunks(interaction_ids):
        found.update(pid for (pid,) in conn.execute(
            f"SELECT DISTINCT person_id FROM interaction_person WHERE interaction_id IN "
            f"({marks(chunk)})", chunk))
    return found


def import_created(conn: Connection) -> set[int]:
    """The interactions a calendar or mail import created (a key recorded there not
    merged into one you logged), which someone you add later can join."""
    return {iid for (iid,) in conn.execute(
        "SELECT DISTINCT interaction_id FROM interaction_source WHERE NOT merged")}


def imported_meetings(conn: Connection) -> dict[int, tuple[Any, bool]]:
    """Each interaction a calendar or mail import recorded a key in -> (its day, whether
    they reached out), so a later import of the same mail thread joins its day and keeps
    who started it."""
    return {iid: (stored.as_date(day), bool(they))
            for iid, day, they in conn.execute(
                "SELECT i.id, i.date, i.they_reached_out FROM interaction i WHERE i.id IN "
                "(SELECT interaction_id FROM interaction_source)")}


def logged_by_hand(conn: Connection, since: date, until: date
                   ) -> dict[tuple[int, date], tuple[int, str | None]]:
    """(person, day) -> (the first interaction with them that day that no calendar or
    mail import created, its note), for the days from `since` to `until`."""
    found: dict[tuple[int, date], tuple[int, str | None]] = {}
    for pid, day, iid, note in conn.execute(
            "SELECT ip.person_id, i.date, i.id, i.note FROM interaction i "
            "JOIN interaction_person ip ON ip.interaction_id = i.id "
            "WHERE i.date >= ? AND i.date <= ? AND NOT EXISTS (SELECT 1 FROM "
            "interaction_source s WHERE s.interaction_id = i.id AND NOT s.merged) "
            "ORDER BY i.id", (since, until)):
        try:
            when = _iso(day)
        except StoreError:  # a damaged date is no day to merge into
            continue
        found.setdefault((pid, when), (iid, note if note else None))
    return found


def promises_by_key(conn: Connection) -> dict[tuple, list[int]]:
    """Every follow-up's id by (person id, text, due date or None), oldest first: a
    promise made twice is there twice."""
    found: dict[tuple, list[int]] = {}
    for fid, pid, text, due in conn.execute(
            "SELECT id, person_id, text, due FROM follow_up ORDER BY id"):
        found.setdefault((pid, text, str(due)[:10] if due else None), []).append(fid)
    return found


def complete_follow_ups(conn: Connection, typed: str, limit: int = 50) -> list[tuple]:
    """For tab completion: open promises whose number starts with `typed`, as (number,
    whose and what), lowest number first."""
    digits = typed.strip()
    if digits and not (digits.isascii() and digits.isdecimal()):
        return []
    rows = conn.execute(
        "SELECT f.id, p.name, f.text FROM follow_up f JOIN person p ON p.id = f.person_id "
        "WHERE f.done IS NULL ORDER BY f.id").fetchall()
    found = [(str(fid), f"{stored.text(name)}: {stored.text(text)}") for fid, name, text in rows
             if str(fid).startswith(digits)]
    return found[:limit]


def follow_up(conn: Connection, follow_up_id: int) -> dict[str, Any]:
    """One promise, done or not, with its person's name; refuses an unknown id."""
    from ties.core.fields import MAX_ID

    found = _all(conn, "SELECT f.id, f.person_id, p.name, f.text, f.due, f.created, f.done "
                       "FROM follow_up f JOIN person p ON p.id = f.person_id WHERE f.id = ?",
                 (follow_up_id,)) if 0 < follow_up_id <= MAX_ID else []
    if not found:
        raise NotFound(f"No follow-up #{follow_up_id}. 'ties follow-ups --all' lists them.")
    return found[0]


def follow_ups(
    conn: Connection, person_id: int | None = None, *, include_done: bool = False
) -> list[dict[str, Any]]:
    """Promises, soonest due first (undated last), then oldest first."""
    where, params = [], []
    if person_id is not None:
        where.append("f.person_id = ?")
        params.append(person_id)
    if not include_done:
        where.append("f.done IS NULL")
    return _all(
        conn,
        "SELECT f.id, f.person_id, p.name, f.text, f.due, f.created, f.done "
        "FROM follow_up f JOIN person p ON p.id = f.person_id"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY f.done IS NOT NULL, f.due IS NULL, f.due, f.id",
        params,
    )


def learned_rhythms(conn: Connection, person_ids: list[int] | None) -> list[tuple[int, int, int]]:
    """(person id, typical gap, gaps) of everyone (None) or of these people, for each who
    has at least one gap between contact episodes (`core.rhythm.learn`), from their
    distinct contact days: what `store.refresh_stats` keeps in person_stats (`past_stats`
    gives it as it stood on a past day)."""
    from ties.core.rhythm import learn

    # Plain rows, made distinct per person here: twice as fast as DISTINCT in SQL.
    sql = ("SELECT ip.person_id, i.date FROM interaction i "
           "JOIN interaction_person ip ON ip.interaction_id = i.id")
    days: dict[int, set] = {}
    if person_ids is None:
        for pid, day in conn.execute(sql):
            days.setdefault(pid, set()).add(day)
    else:
        for chunk in chunks(list(person_ids)):
            for pid, day in conn.execute(f"{sql} WHERE ip.person_id IN ({marks(chunk)})",
                                         chunk):
                days.setdefault(pid, set()).add(day)
    out = []
    parsed: dict = {}  # each distinct stored day read once: everyone shares most days

    def read(day) -> date:
        found = parsed.get(day)
        if found is None:
            found = parsed[day] = _iso(day)
        return found

    for pid in sorted(days):
        typical, gaps = learn(map(read, days[pid]))
        if typical is not None:
            out.append((pid, typical, gaps))
    return out


# ties next ---------------------------------------------------------------------------

_FIXED = "p.cadence_days BETWEEN 1 AND 3650"
"""An explicit cadence (`--every`); one ties would not write (changed outside it) counts
as unset."""


def _base_cadence_sql(settings: dict) -> tuple[str, list]:
    """The person's explicit cadence, else their type's (`scoring.Facts.cadence`)."""
    return (
        f"coalesce(CASE WHEN {_FIXED} THEN CAST(p.cadence_days AS INTEGER) END, "
        "CASE p.type WHEN 'strategic' THEN ? WHEN 'social' THEN ? ELSE ? END)",
        [settings["cadence.strategic"], settings["cadence.social"], settings["cadence.tactical"]],
    )


def _cadence_sql(settings: dict) -> tuple[str, list]:
    """The expected interval every due date counts (`rhythm.expected_interval`, in the
    same integer arithmetic): the explicit cadence, else the type's cadence blended with
    the learned rhythm kept in person_stats s once it rests on enough gaps."""
    from ties.core.rhythm import MIN_GAPS, PRIOR_GAPS

    kind = "CASE p.type WHEN 'strategic' THEN ? WHEN 'social' THEN ? ELSE ? END"
    weight = f"(s.rhythm_gaps + {int(PRIOR_GAPS)})"
    return (
        f"CASE WHEN {_FIXED} THEN CAST(p.cadence_days AS INTEGER) "
        f"WHEN s.rhythm_days IS NOT NULL AND s.rhythm_gaps >= {int(MIN_GAPS)} THEN "
        f"(s.rhythm_gaps * s.rhythm_days + {int(PRIOR_GAPS)} * {kind} + {weight} / 2) "
        f"/ {weight} ELSE {kind} END",
        [settings["cadence.strategic"], settings["cadence.social"],
         settings["cadence.tactical"]] * 2,
    )


_FACTS_COLUMNS = (
    "p.id, p.name, p.name_key, p.type, p.created, p.industry, p.company, p.role, "
    "p.birthday_month, "
    "p.birthday_day, s.last_contact, s.interactions, s.gave AS gave_count, s.last_gave, "
    "s.last_received, s.their_streak, p.import_id, s.rhythm_days, s.rhythm_gaps, "
    f"CASE WHEN {_FIXED} THEN 1 ELSE 0 END AS fixed, s.first_contact"
)


def _current_job(changes: list[dict], person: dict, past: date | None = None):
    """The latest of a person's job changes (`jobs_of`, oldest first; those before
    `past`, when given) that led to the company and role they have now
    (`scoring.Job.holds`), or None: one a merged record brought, or a plain edit has
    corrected since, is history, never what they do now."""
    from ties.core.scoring import Job

    now = (stored.text(person["company"]), stored.text(person["role"]))
    for c in reversed(changes):
        if past is not None and _iso(c["date"]) >= past:
            continue
        job = Job(c["date"], c["company_before"], c["role_before"], c["company"], c["role"])
        if job.holds(*now):
            return job
    return None


def _facts(conn: Connection, rows: list[dict], past: date | None = None) -> list:
    from ties.core.scoring import Facts, Promise

    open_promises: dict[int, list] = {r["id"]: [] for r in rows}
    jobs: dict[int, object] = {}  # a scoring.Job each
    where, wparams = _open_promises(past)
    if rows:
        ids = list(open_promises)
        for chunk in chunks(ids):
            for pid, text, due, made in conn.execute(
                f"SELECT person_id, text, due, created FROM follow_up WHERE {where} AND "
                f"person_id IN ({marks(chunk)}) ORDER BY id", [*wparams, *chunk],
            ):
                open_promises[pid].append(Promise(stored.text(text), _iso(due), _iso(made)))
        by_id = {r["id"]: r for r in rows}
        for pid, changes in jobs_of(conn, ids).items():
            job = _current_job(changes, by_id[pid], past)
            if job is not None:
                jobs[pid] = job
    return [
        Facts(
            id=r["id"], name=r["name"], type=r["type"], cadence=r["cadence"],
            created=r["created"], last_contact=r["last_contact"],
            interactions=r["interactions"] or 0, gave=r["gave_count"] or 0,
            last_gave=r["last_gave"], last_received=r["last_received"],
            their_streak=r["their_streak"] or 0, promises=tuple(open_promises[r["id"]]),
            birthday=(r["birthday_month"], r["birthday_day"]) if r["birthday_month"] else None,
            industry=r["industry"], company=r["company"], sort_key=r["name_key"],
            imported=r["import_id"] is not None, fixed=bool(r["fixed"]),
            rhythm=r["rhythm_days"], rhythm_gaps=r["rhythm_gaps"] or 0, job=jobs.get(r["id"]),
            first_contact=r["first_contact"],
        )
        for r in rows
    ]


_LIVE = "NOT p.archived AND (p.snoozed_until IS NULL OR p.snoozed_until <= ?)"
_UNTYPED = "(p.type IS NULL OR p.type NOT IN ('tactical', 'social', 'strategic'))"


def _active(type_: str | None) -> tuple[str, list]:
    """Typed, not archived, not snoozed past today (and of one type, if given)."""
    where = "p.type IN ('tactical', 'social', 'strategic') AND NOT p.archived AND " \
            "(p.snoozed_until IS NULL OR p.snoozed_until <= ?)"
    return (where + " AND p.type = ?", [type_]) if type_ else (where, [])


NEVER_CONTACTED_IMPORT = "(p.import_id IS NOT NULL AND s.last_contact IS NULL)"
"""`scoring.never_contacted_import` in SQL (person p joined with person_stats s)."""

# Open promises per person, joined once instead of looked up per row.
_PROMISES_AT = ("LEFT JOIN (SELECT person_id, sum(CASE WHEN due IS NULL THEN 1 ELSE 0 END) "
                "AS undated, min(due) AS first_due, "
                "min(CASE WHEN due IS NULL THEN created END) AS first_undated "
                "FROM follow_up WHERE {open} GROUP BY person_id) f ON f.person_id = p.id")
_PROMISES = _PROMISES_AT.format(open="done IS NULL")


def _open_promises(past: date | None) -> tuple[str, list]:
    """Open promises: not done; with `past`, those open at the start of that day (made
    before it, not done before it)."""
    if past is None:
        return "done IS NULL", []
    return "created < ? AND (done IS NULL OR done >= ?)", [past.isoformat()] * 2


# The columns of person_stats that `next` reads, in order (the past ones are rebuilt).
_STATS = ("person_id", "interactions", "first_contact", "last_contact", "gave", "received",
          "last_gave", "last_received", "their_streak", "in_person", "voice", "rhythm_days",
          "rhythm_gaps")


def _source(past: date | None, conn: Connection) -> tuple[str, list, str, str, list]:
    """Where `next`'s facts come from: (WITH clause, its parameters, the stats table, the
    open-promise condition, its parameters). Today: person_stats as kept on write and the
    promises not done. With `past`, the same as they stood at the start of that day, from
    what is dated before it: the people added before it, their stats as of the day before
    it, their promises made before it and not done before it (`next` as it would have run
    that morning, for `views.follow_through`). Only the people with an interaction on or
    after that day differ from person_stats; `past_stats` derives theirs without reading
    their whole history again."""
    where, wparams = _open_promises(past)
    if past is None:
        return "", [], "person_stats", where, wparams
    d = dialect.of(conn)
    day = past.isoformat()
    kept = ", ".join(f"s.{c}" for c in _STATS)
    once = d.materialized  # read by a join: built once, indexed
    rows = _remembered.get((id(conn), past))
    if rows is None:
        rows = past_stats(conn, past)
        if _remembering:
            _remembered[(id(conn), past)] = rows
    if rows:
        values = "VALUES " + ", ".join(
            "(" + ", ".join(_literal(d, c, v) for c, v in zip(_STATS, row, strict=True)) + ")"
            for row in rows)
    else:
        values = ("SELECT " + ", ".join(_literal(d, c, None) for c in _STATS)
                  + " WHERE 1 = 0")  # typed NULLs: PostgreSQL reads a bare NULL as text
    cte = (
        f"WITH past_changed ({', '.join(_STATS)}) AS ({values}), "
        f"past_stats AS {once}(SELECT {kept} FROM person_stats s JOIN person p ON p.id = "
        "s.person_id WHERE (s.last_contact IS NULL OR s.last_contact < ?) AND p.created < ? "
        f"UNION ALL SELECT {kept.replace('s.', 'c.')} FROM past_changed c JOIN person p "
        "ON p.id = c.person_id WHERE p.created < ?) "
    )
    return cte, [day] * 3, "past_stats", where, wparams


_remembered: dict[tuple[int, date], list[tuple]] = {}
_remembering: list[bool] = []


@contextmanager
def past_remembered() -> Iterator[None]:
    """Within it, each past day's `past_stats` is computed once and reused by every query
    that reads it (`views.follow_through` builds a week's list from five of them); only
    for reads, which cannot change it."""
    _remembering.append(True)
    try:
        yield
    finally:
        _remembering.pop()
        if not _remembering:
            _remembered.clear()


def _day(value) -> date:
    """A date column's value, quickly for the plain ISO text SQLite keeps (`_iso` else)."""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    return _iso(value)


def _literal(d: dialect.Sqlite, column: str, value: object) -> str:
    """A value of `past_stats` written into the SQL: whole numbers and dates only (made
    here, never typed by anyone), so no count of people can exceed the drivers' limit on
    parameters."""
    if column.endswith(("_contact", "_gave", "_received")):
        return d.date_value(value.isoformat() if isinstance(value, date) else None)
    return d.int_value(value)


PAST_WINDOW_DAYS = 366
"""How far back `past_stats` reads before the day; a person it cannot settle from that
window (their latest contact, gift or own move, or their rhythm, lies further back) has
their whole history read."""


def past_stats(conn: Connection, past: date) -> list[tuple]:
    """The person_stats rows (the `_STATS` columns, dates as `date`) as they stood at the
    start of `past`, for the people in touch on or after it (everyone else's kept row is
    still true), computed as `store.refresh_stats` would have on the interactions dated
    before it. Counts are the kept ones minus what is dated on or after the day (read by
    the date index); the latest dates, their streak and the rhythm come from the
    interactions of the PAST_WINDOW_DAYS before it, and from the whole history only for
    the few people that window cannot settle."""
    from ties.core.rhythm import EPISODE_DAYS, RHYTHM_WINDOW, episodes, learn

    day = past.isoformat()
    kept: dict[int, list] = {}
    for row in conn.execute(
            f"SELECT {', '.join(_STATS)} FROM person_stats WHERE last_contact >= ?", [day]):
        kept[row[0]] = list(row)
        for c in ("interactions", "gave", "received", "in_person", "voice"):
            n = _STATS.index(c)  # a count damaged outside ties counts as 0, as elsewhere
            kept[row[0]][n] = stored.count(row[n]) or 0
    if not kept:
        return []
    col = {c: n for n, c in enumerate(_STATS)}
    sql = ("SELECT ip.person_id, i.id, i.date, i.channel, i.gave, i.received, "
           "i.they_reached_out FROM interaction i "
           "JOIN interaction_person ip ON ip.interaction_id = i.id ")
    for pid, _, _, channel, gave, received, _ in conn.execute(
            f"{sql} JOIN person_stats t ON t.person_id = ip.person_id "
            "WHERE t.last_contact >= ? AND i.date >= ?", [day, day]):
        if pid in kept:
            row = kept[pid]
            row[col["interactions"]] -= 1
            row[col["gave"]] -= 1 if gave else 0
            row[col["received"]] -= 1 if received else 0
            row[col["in_person"]] -= 1 if channel in ("in-person", "event") else 0
            row[col["voice"]] -= 1 if channel in ("call", "video") else 0
    window: dict[int, list] = {pid: [] for pid in kept}
    for r in conn.execute(
            f"{sql} JOIN person_stats t ON t.person_id = ip.person_id "
            "WHERE t.last_contact >= ? AND i.date < ? AND i.date >= ?",
            [day, day, (past - timedelta(days=PAST_WINDOW_DAYS)).isoformat()]):
        if r[0] in window:
            window[r[0]].append((_day(r[2]), r[1], bool(r[4]), bool(r[5]), bool(r[6])))

    def settle(row: list, items: list, whole: bool) -> bool:
        """Fill the row's latest dates, streak and rhythm from these interactions (all of
        the person's before the day if `whole`); False if they cannot tell."""
        if not items:
            return False
        items.sort(key=lambda x: (x[0], x[1]))
        last_gave = max((x[0] for x in items if x[2]), default=None)
        last_received = max((x[0] for x in items if x[3]), default=None)
        mine = [n for n, x in enumerate(items) if not x[4]]
        days = sorted({x[0] for x in items})
        if not whole:
            start = next((k for k in range(1, len(days))
                          if (days[k] - days[k - 1]).days >= EPISODE_DAYS), None)
            if (start is None or not mine
                    or len(episodes(days[start:])) < RHYTHM_WINDOW + 1
                    or (last_gave is None and row[col["gave"]] > 0)
                    or (last_received is None and row[col["received"]] > 0)):
                return False
            days = days[start:]
        row[col["last_contact"]] = items[-1][0]
        row[col["last_gave"]] = last_gave
        row[col["last_received"]] = last_received
        after = mine[-1] + 1 if mine else 0
        row[col["their_streak"]] = sum(1 for x in items[after:] if x[4])
        typical, gaps = learn(days)
        row[col["rhythm_days"]], row[col["rhythm_gaps"]] = typical, gaps
        return True

    none = [0, None, None, 0, 0, None, None, 0, 0, 0, None, 0]  # no interaction before
    unsettled = []
    for pid, row in kept.items():
        if row[col["interactions"]] == 0:
            row[1:] = none
        elif not settle(row, window[pid], len(window[pid]) == row[col["interactions"]]):
            unsettled.append(pid)
        else:
            row[col["first_contact"]] = _iso(row[col["first_contact"]])
    for chunk in chunks(unsettled):
        whole: dict[int, list] = {pid: [] for pid in chunk}
        for r in conn.execute(f"{sql} WHERE i.date < ? AND ip.person_id IN ({marks(chunk)})",
                              [day, *chunk]):
            whole[r[0]].append((_day(r[2]), r[1], bool(r[4]), bool(r[5]), bool(r[6])))
        for pid in chunk:
            if settle(kept[pid], whole[pid], True):
                kept[pid][col["first_contact"]] = _iso(kept[pid][col["first_contact"]])
            else:  # kept counts damaged outside ties: there is nothing before the day
                kept[pid][1:] = none
    return [tuple(kept[pid]) for pid in sorted(kept)]


def _birthday_sql(today: date) -> tuple[str, list]:
    """A birthday within the week (`scoring.birthday_keys`), as a condition on person p."""
    from ties.core.scoring import birthday_keys

    keys = list(birthday_keys(today))
    return f"(p.birthday_month * 100 + p.birthday_day IN ({marks(keys)}))", keys


def _job_sql(d: dialect.Sqlite, today: date) -> tuple[str, list]:
    """A job change still in the news (`scoring.job_news`), as a condition on person p:
    one that led to the company and role they have now (`scoring.Job.holds`)."""
    from ties.core.scoring import job_news_since

    same = " AND ".join(f"{d.ascii_lower(f'coalesce(j.{k}, {chr(39) * 2})')} = "
                        f"{d.ascii_lower(f'coalesce(p.{k}, {chr(39) * 2})')}"
                        for k in ("company", "role"))
    return ("EXISTS (SELECT 1 FROM job_change j WHERE j.person_id = p.id AND "
            f"j.changed_on >= ? AND j.changed_on <= ? AND {same})",
            [job_news_since(today).isoformat(), today.isoformat()])


def _stale_sql(today: date) -> tuple[str, list]:
    """An undated promise made STALE_PROMISE_AFTER days ago or more (joined `_PROMISES`)."""
    from ties.core.scoring import STALE_PROMISE_AFTER

    return "f.first_undated <= ?", [(today - timedelta(days=STALE_PROMISE_AFTER)).isoformat()]


def _bound_sql(d: dialect.Sqlite, settings: dict, today: date) -> tuple[str, list]:
    """Per person: recency points (as scoring computes them) and an upper bound of every
    other point they can earn, so that only people who can reach the top are loaded.
    Every number is scoring's own, passed as a parameter, so the two cannot drift.
    The query must join `_PROMISES` as f, and its first parameter is today."""
    from ties.core import scoring

    cadence, cparams = _cadence_sql(settings)
    since = d.days("?", "coalesce(s.last_contact, p.created)")
    days = d.greatest(since, "0")
    late = f"({since} - ({cadence}) + ?)"  # scoring.ask_this_week's 0 .. 6: coming due
    birthday, kparams = _birthday_sql(today)
    stale, sparams = _stale_sql(today)
    job, jparams = _job_sql(d, today)
    fading, fparams = _fading_sql(since, cadence, [today.isoformat()], cparams)
    return (
        f"CAST({days} AS DOUBLE PRECISION) / ({cadence}) "
        "* ? * (CASE p.type WHEN 'strategic' THEN ? WHEN 'social' THEN ? ELSE ? END) "
        "AS recency, "
        "CASE WHEN s.last_received IS NOT NULL THEN ? ELSE 0 END "
        "+ CASE WHEN s.their_streak >= ? THEN ? ELSE 0 END "
        # (the days are counted only for those who could be asked, in a CASE of its own)
        "+ CASE WHEN s.gave = 0 AND s.interactions >= ? THEN "
        f"CASE WHEN {late} >= 0 AND {late} % ? < ? THEN ? ELSE 0 END ELSE 0 END "
        f"+ CASE WHEN {birthday} THEN ? ELSE 0 END "
        f"+ CASE WHEN {stale} THEN ? ELSE 0 END "
        f"+ CASE WHEN {job} THEN ? ELSE 0 END "
        "+ ? * coalesce(f.undated, 0) "
        f"+ CASE WHEN {fading} THEN ? ELSE 0 END AS bonus",
        cparams + [float(scoring.DUE_POINTS), settings["weight.strategic"],
                   settings["weight.social"], settings["weight.tactical"],
                   float(scoring.UNRETURNED_POINTS), int(scoring.YOUR_TURN_STREAK),
                   float(scoring.YOUR_TURN_POINTS), int(scoring.ASK_AFTER),
                   today.isoformat(), *cparams, scoring.WEEK - 1,
                   today.isoformat(), *cparams, scoring.WEEK - 1,
                   int(scoring.ASK_EVERY), scoring.WEEK,
                   float(scoring.ASK_HOW_TO_HELP_POINTS), *kparams,
                   float(scoring.BIRTHDAY_POINTS), *sparams, float(scoring.STALE_PROMISE_POINTS),
                   *jparams, float(scoring.JOB_POINTS),
                   float(scoring.UNDATED_PROMISE_POINTS), *fparams,
                   float(scoring.FADING_POINTS)],
    )


def _fading_sql(days: str, interval: str, dparams: list, iparams: list) -> tuple[str, list]:
    """Fading or dormant (`rhythm.stage_of`), in SQL, given the days of silence and the
    expected interval as SQL with their parameters (person p, person_stats s; a person
    never in touch is neither)."""
    from ties.core.rhythm import DORMANT_AFTER, FADING_FACTOR, FADING_INTERVALS, MIN_GAPS

    return (f"(s.last_contact IS NOT NULL AND {days} > ({interval}) AND ({days} >= "
            f"{int(DORMANT_AFTER)} OR CASE WHEN NOT ({_FIXED_OR_NULL}) AND s.rhythm_days IS "
            f"NOT NULL AND s.rhythm_gaps >= {int(MIN_GAPS)} THEN {days} > "
            f"{int(FADING_FACTOR)} * s.rhythm_days ELSE {days} > {int(FADING_INTERVALS)} * "
            f"({interval}) END))",
            [*dparams, *iparams, *dparams, *dparams, *dparams, *iparams])


_FIXED_OR_NULL = f"coalesce({_FIXED}, false)"


def _facts_of(conn: Connection, ids: list[int], settings: dict,
              past: date | None = None) -> list:
    """The scoring facts of these people (as they stood at the start of `past`, if
    given: `_source`)."""
    cadence, cparams = _base_cadence_sql(settings)
    with_, wparams, stats, _, _ = _source(past, conn)
    rows: list[dict] = []
    for chunk in chunks(ids):
        rows += _all(conn, f"{with_}SELECT {_FACTS_COLUMNS}, {cadence} AS cadence FROM "
                           f"person p JOIN {stats} s ON s.person_id = p.id WHERE p.id IN "
                           f"({marks(chunk)})", [*wparams, *cparams, *chunk])
    return _facts(conn, rows, past)


def next_candidates(conn: Connection, today: date, settings: dict,
                    type_: str | None = None, count: int | None = None,
                    past: bool = False) -> list:
    """Facts of everyone `scoring.is_candidate` would suggest this week, found in SQL:
    due within the coming week, a promise due in it, an undated promise two weeks old or
    a birthday in it. With `count`, only those who can still rank among the first
    `count` (scoring.shortlist) are loaded. With `past`, as it stood at the start of
    `today` (`_source`)."""
    from ties.core.scoring import WEEK, shortlist

    d = dialect.of(conn)
    cadence, cparams = _cadence_sql(settings)
    bound, bparams = _bound_sql(d, settings, today)
    active, aparams = _active(type_)
    birthday, kparams = _birthday_sql(today)
    stale, sparams = _stale_sql(today)
    job, jparams = _job_sql(d, today)
    horizon = (today + timedelta(days=WEEK - 1)).isoformat()
    due = d.add_days("coalesce(s.last_contact, p.created)", cadence)
    with_, wparams, stats, opened, oparams = _source(today if past else None, conn)
    # Someone without a type is brought in by a job change only (scoring.typed); not
    # with --type, which names a type they lack.
    untyped = "" if type_ else (
        f" OR ({_UNTYPED} AND {job} AND NOT {NEVER_CONTACTED_IMPORT})")
    rows = conn.execute(
        f"{with_}SELECT p.id, {bound}, CASE WHEN f.first_due <= ? THEN 1 ELSE 0 END AS "
        f"promised FROM person p JOIN {stats} s ON s.person_id = p.id "
        f"{_PROMISES_AT.format(open=opened)} "
        f"WHERE {_LIVE} AND (({active} AND ((({due} <= ? OR {birthday} OR {job}) "
        f"AND NOT {NEVER_CONTACTED_IMPORT}) OR f.first_due <= ? OR {stale})){untyped})",
        [*wparams, today.isoformat(), *bparams, horizon, *oparams, today.isoformat(),
         today.isoformat(), *aparams, *cparams, horizon, *kparams, *jparams, horizon,
         *sparams, *([] if type_ else jparams)],
    ).fetchall()
    ids = [r[0] for r in rows] if count is None else shortlist(rows, count)
    return _facts_of(conn, ids, settings, today if past else None)


def comfort_zone(conn: Connection, today: date, past: bool = False):
    """Your comfort zone (`scoring.Comfort`): the people whose last interaction is within
    the last STRETCH_WINDOW days, counted by industry and by company in one query."""
    from ties.core.scoring import STRETCH_WINDOW, comfort

    window = (today - timedelta(days=STRETCH_WINDOW)).isoformat(), today.isoformat()
    with_, wparams, stats, _, _ = _source(today if past else None, conn)
    recent = (f"FROM person p JOIN {stats} s ON s.person_id = p.id "
              "WHERE s.last_contact > ? AND s.last_contact <= ?")
    rows = conn.execute(
        f"{with_}SELECT 1, p.industry, count(*) {recent} GROUP BY p.industry UNION ALL "
        f"SELECT 0, p.company, count(*) {recent} GROUP BY p.company",
        [*wparams, *window, *window],
    ).fetchall()
    return comfort([(stored.text(value), None, n) if by_industry else
                    (None, stored.text(value), n) for by_industry, value, n in rows],
                   sum(n for by_industry, _, n in rows if by_industry))


def stretch_pool(conn: Connection, today: date, settings: dict, zone,
                 type_: str | None = None, count: int | None = 1, past: bool = False) -> list:
    """People outside the comfort zone who are at least half-way to due (and not an
    import you were never in touch with): only those who can rank first among them are
    loaded, for `scoring.pick_stretch` to choose from."""
    from ties.core.scoring import WEEK, shortlist

    d = dialect.of(conn)
    cadence, cparams = _cadence_sql(settings)
    bound, bparams = _bound_sql(d, settings, today)
    active, aparams = _active(type_)
    horizon = (today + timedelta(days=WEEK - 1)).isoformat()
    # A promise due this week is worth more than any recency: such people are always
    # loaded (as in next_candidates), or the shortlist could drop them behind someone
    # merely more overdue.
    with_, wparams, stats, opened, oparams = _source(today if past else None, conn)
    rows = conn.execute(
        f"{with_}SELECT p.id, {bound}, CASE WHEN f.first_due <= ? THEN 1 ELSE 0 END AS "
        "promised, p.industry, p.company "
        f"FROM person p JOIN {stats} s ON s.person_id = p.id "
        f"{_PROMISES_AT.format(open=opened)} "
        f"WHERE {active} AND NOT {NEVER_CONTACTED_IMPORT} "
        f"AND {d.days('?', 'coalesce(s.last_contact, p.created)')} * 2 >= ({cadence})",
        [*wparams, today.isoformat(), *bparams, horizon, *oparams, today.isoformat(),
         *aparams, today.isoformat(), *cparams],
    ).fetchall()
    outside = [r[:4] for r in rows if zone.outside(stored.text(r[4]), stored.text(r[5]))]
    ids = [r[0] for r in outside] if count is None else shortlist(outside, count)
    return _facts_of(conn, ids, settings, today if past else None)


def reconnect_pool(conn: Connection, today: date, settings: dict,
                   type_: str | None = None, past: bool = False) -> list[tuple[int, int, str]]:
    """(id, interactions, name key) of every dormant tie (`scoring.dormant`, in SQL): once
    strong, quiet for a year or more, due within the week, active and of the type."""
    from ties.core.scoring import DORMANT_AFTER, RECONNECT_SPAN, RECONNECT_TALKS, WEEK

    d = dialect.of(conn)
    cadence, cparams = _cadence_sql(settings)
    active, aparams = _active(type_)
    horizon = (today + timedelta(days=WEEK - 1)).isoformat()
    with_, wparams, stats, _, _ = _source(today if past else None, conn)
    return [tuple(r) for r in conn.execute(
        f"{with_}SELECT p.id, s.interactions, p.name_key FROM person p JOIN {stats} s "
        f"ON s.person_id = p.id WHERE {active} AND s.interactions >= ? "
        f"AND s.last_contact <= ? AND {d.days('s.last_contact', 's.first_contact')} >= ? "
        f"AND {d.add_days('s.last_contact', cadence)} <= ?",
        [*wparams, today.isoformat(), *aparams, int(RECONNECT_TALKS),
         (today - timedelta(days=DORMANT_AFTER)).isoformat(), int(RECONNECT_SPAN), *cparams,
         horizon]).fetchall()]


def reconnect_pick(conn: Connection, today: date, settings: dict, type_: str | None = None,
                   past: bool = False) -> tuple[Any, tuple[date, str] | None]:
    """The week's dormant tie to offer (`scoring.reconnect_choice`), as Facts, and the
    note of the last interaction with them that has one; (None, None) when there is none."""
    from ties.core.scoring import reconnect_choice

    chosen = reconnect_choice(reconnect_pool(conn, today, settings, type_, past), today)
    if chosen is None:
        return None, None
    (facts,) = _facts_of(conn, [chosen], settings, today if past else None)
    return facts, None if past else last_notes(conn, [chosen]).get(chosen)


def next_due(conn: Connection, today: date, settings: dict,
             type_: str | None = None) -> dict | None:
    """Who comes due next (for 'everyone is up to date'), of one type if given."""
    cadence, cparams = _cadence_sql(settings)
    active, aparams = _active(type_)
    since = "coalesce(s.last_contact, p.created)"
    due = dialect.of(conn).add_days(since, cadence)
    rows = _all(
        conn,
        # the stored dates it is computed from come too: a damaged one is refused by name
        f"SELECT p.id, name, {due} AS due, s.last_contact, p.created "
        f"FROM person p JOIN person_stats s ON s.person_id = p.id "
        f"WHERE {active} AND NOT {NEVER_CONTACTED_IMPORT} "
        # a date the database can't compute from (damaged outside ties) comes first, to
        # be refused with its name rather than read as nobody (PostgreSQL takes an output
        # name only on its own in ORDER BY, so the expression is written again)
        f"ORDER BY CASE WHEN {due} IS NULL THEN 0 ELSE 1 END, due, p.name_key LIMIT 1",
        [*cparams, today.isoformat(), *aparams, *cparams],
    )
    if not rows:
        return None
    row = rows[0]
    if row["due"] is None:  # the database could not compute it: a date it can't read
        raise stored.damaged("a date", row["last_contact"] or row["created"],
                             f"the last contact of {row['name']} (@{row['id']})")
    return row


def reached(conn: Connection, person_ids: list[int], since: date, until: date) -> int:
    """How many of these people you were in touch with from `since` to `until`
    (inclusive), counted in SQL."""
    n = 0
    for chunk in chunks(person_ids):
        n += conn.execute(
            "SELECT count(DISTINCT ip.person_id) FROM interaction_person ip JOIN interaction i "
            f"ON i.id = ip.interaction_id WHERE ip.person_id IN ({marks(chunk)}) "
            "AND i.date >= ? AND i.date <= ?",
            [*chunk, since.isoformat(), until.isoformat()]).fetchone()[0]
    return n


def kept_weeks(conn: Connection, since: date, until: date) -> dict[date, list[int]]:
    """The lists `ties next` gave, kept on write (`week_list`), for the Mondays from
    `since` to `until`: {Monday: the ids suggested, best first}."""
    return {week: ids for week, ids in kept_lists(conn).items() if since <= week <= until}


def latest_kept_week(conn: Connection) -> date | None:
    """The latest Monday whose list is kept, or None before the first."""
    return max(kept_lists(conn), default=None)


def kept_lists(conn: Connection) -> dict[date, list[int]]:
    """Every kept list (a row a week, so a few dozen a year). A row damaged outside ties
    (a week that is no date, an id that is no whole number) is left out: the week counts
    as not kept, and follow-through rebuilds it from history."""
    out: dict[date, list[int]] = {}
    for week, people in conn.execute("SELECT week, people FROM week_list"):
        ids = kept_ids(people)
        try:
            day = _day(week)
        except TiesError:
            continue
        if ids is not None and day is not None:
            out[day] = ids
    return out


def kept_ids(people) -> list[int] | None:
    """A kept list's ids ('12 7 40'), or None when the text is damaged."""
    words = people.split() if isinstance(people, str) else None
    if words is None or not all(w.isascii() and w.isdigit() and len(w) <= 10 for w in words):
        return None
    return [int(w) for w in words]


def count_imported_never_contacted(conn: Connection, type_: str | None = None) -> int:
    """Typed, active people an import created whom you have never been in touch with."""
    return conn.execute(
        "SELECT count(*) FROM person p JOIN person_stats s ON s.person_id = p.id "
        f"WHERE {NEVER_CONTACTED_IMPORT} AND p.type IS NOT NULL "
        "AND NOT p.archived" + (" AND p.type = ?" if type_ else ""),
        [type_] if type_ else []).fetchone()[0]


def count_not_archived(conn: Connection, type_: str | None) -> int:
    """People not archived with this type ('untyped': with none; None: with any)."""
    where = {None: "p.type IS NOT NULL", "untyped": "p.type IS NULL"}.get(type_, "p.type = ?")
    return conn.execute(f"SELECT count(*) FROM person p WHERE NOT p.archived AND {where}",
                        [type_] if "?" in where else []).fetchone()[0]


def last_notes(conn: Connection, person_ids: list[int]) -> dict[int, tuple[date, str]]:
    """The date and note of each person's latest interaction that says something (not
    the placeholder `ties add` writes for a first meeting), in one query per chunk."""
    from ties.core.fields import FIRST_MEETING

    out = {}
    for chunk in chunks(person_ids):
        for pid, day, note in conn.execute(
            "SELECT person_id, date, note FROM (SELECT ip.person_id, i.date, i.note, "
            "row_number() OVER (PARTITION BY ip.person_id ORDER BY i.date DESC, i.id DESC) "
            "AS n FROM interaction i JOIN interaction_person ip ON ip.interaction_id = i.id "
            f"WHERE ip.person_id IN ({marks(chunk)}) AND i.note IS NOT NULL "
            "AND i.note NOT IN ('', ?)) latest WHERE n = 1", [*chunk, FIRST_MEETING]):
            out[pid] = (_iso(day), stored.text(note))
    return out


def talking_points(conn: Connection, person_ids: list[int]) -> dict[int, dict]:
    """What each person works on, struggles with and cares about, and when you learned
    each (`working_on_learned_at` and so on: a UTC timestamp as the driver gives it, or
    None)."""
    rows = {}
    for chunk in chunks(person_ids):
        for pid, working_on, struggles, cares_about, *learned in conn.execute(
            "SELECT id, working_on, struggles, cares_about, working_on_learned_at, "
            "struggles_learned_at, cares_about_learned_at FROM person "
            f"WHERE id IN ({marks(chunk)})", chunk):
            rows[pid] = {"working_on": stored.text(working_on),
                         "struggles": stored.text(struggles),
                         "cares_about": stored.text(cares_about),
                         "working_on_learned_at": learned[0],
                         "struggles_learned_at": learned[1],
                         "cares_about_learned_at": learned[2]}
    return rows


def merge_facts(conn: Connection, person_ids: list[int]) -> dict[int, dict]:
    """What a merge weighs of each person beyond their profile: their talking points and
    when each was learned (`talking_points`), and the merged fields a profile leaves out
    (`personfields`: connected_on), each read through the one rule for its column."""
    out = talking_points(conn, person_ids)
    columns = [c for c in personfields.merged_fields() if c not in personfields.profile_fields()]
    if columns:
        for chunk in chunks(person_ids):
            for row in _all(conn, f"SELECT id, {', '.join(columns)} FROM person WHERE id IN "
                                  f"({marks(chunk)})", chunk):
                out.setdefault(row.pop("id"), {}).update(row)
    return out


# ties report -------------------------------------------------------------------------

def _tie(Tie, r):  # noqa: N803 (the class, imported lazily by the callers)
    """A report.Tie from a row of the report's queries (positional and without per-row
    dicts: this runs for every person in the store), each value read by its rule in
    `stored`."""
    iso, text, count = _iso, stored.text, stored.count
    return Tie(r[0], text(r[1]), r[2] if r[2] in stored.TYPES else None, r[3], iso(r[4]),
               text(r[5]), text(r[6]), iso(r[7]), iso(r[8]), count(r[9]),
               0, count(r[10]), count(r[11]), iso(r[12]), iso(r[13]),
               count(r[14]), count(r[15]), r[16], bool(r[17]), text(r[18]), bool(r[19]),
               iso(r[20]), bool(r[23]), r[24], r[25] or 0)


def interactions_in_period(conn: Connection, person_ids: list[int], since: date,
                           today: date) -> dict[int, int]:
    """How many interactions each of these people had in the period."""
    out: dict[int, int] = {}
    for chunk in chunks(person_ids):
        out.update(conn.execute(
            "SELECT ip.person_id, count(*) FROM interaction_person ip JOIN interaction i "
            "ON i.id = ip.interaction_id WHERE ip.person_id IN "
            f"({marks(chunk)}) AND i.date > ? AND i.date <= ? "
            "GROUP BY ip.person_id", [*chunk, since.isoformat(), today.isoformat()]))
    return out


def activity(conn: Connection, today: date, since: date, type_: str | None = None) -> dict:
    """Help given and received in the period, interactions per day over the last 12
    weeks, and the weeks with any interaction (for the streak); with `type_`, only the
    interactions with at least one person of that type."""
    from ties.core.report import week_start

    of_type, tparams = ("", []) if type_ is None else (
        " AND EXISTS (SELECT 1 FROM interaction_person ip JOIN person p ON p.id = "
        "ip.person_id WHERE ip.interaction_id = interaction.id AND p.type = ?)", [type_])
    gave, received = conn.execute(
        "SELECT coalesce(sum(CASE WHEN gave THEN 1 ELSE 0 END), 0), "
        "coalesce(sum(CASE WHEN received THEN 1 ELSE 0 END), 0) FROM interaction "
        "WHERE date > ? AND date <= ?" + of_type,
        [since.isoformat(), today.isoformat(), *tparams]).fetchone()
    start = week_start(today) - timedelta(weeks=11)
    per_day = {_iso(d): n for d, n in conn.execute(
        "SELECT date, count(*) FROM interaction WHERE date >= ? AND date <= ?" + of_type
        + " GROUP BY date", [start.isoformat(), today.isoformat(), *tparams])}
    # Walk back week by week, each step one lookup on the date index (the latest day with
    # an interaction before the week), only as far as the streak goes: the first week
    # without one ends it.
    weeks: list[date] = []
    oldest = week_start(today) - timedelta(weeks=1)  # the last week that keeps a streak alive
    cursor = today + timedelta(days=1)
    while True:
        (latest,) = conn.execute("SELECT max(date) FROM interaction WHERE date < ?" + of_type,
                                 [cursor.isoformat(), *tparams]).fetchone()
        if latest is None:
            break
        start = week_start(_iso(latest))
        if start < oldest:
            break
        weeks.append(start)
        oldest, cursor = start - timedelta(weeks=1), start
    return {"gave": gave, "received": received, "per_day": per_day, "weeks": weeks}


# Export ------------------------------------------------------------------------------

def export_data(conn: Connection) -> dict:
    """Everything a person typed into ties, as plain data for the exporters."""
    from ties.core import settings as spec
    from ties.core.errors import TiesError

    cols = _profile_columns()
    people = _all(conn, f"SELECT {cols}, p.connected_on, p.updated_at, "
                        "p.working_on_learned_at, p.struggles_learned_at, "
                        "p.cares_about_learned_at, "
                        "s.last_contact, "
                        "coalesce(s.interactions, 0) AS interactions FROM person p "
                        "LEFT JOIN person_stats s ON s.person_id = p.id ORDER BY p.id")
    tags = tags_of(conn, [p["id"] for p in people])
    jobs = jobs_of(conn, [p["id"] for p in people])
    brought: dict[int, dict[str, dict[str, str]]] = {}
    for pid, key, format_, value in conn.execute(
            "SELECT v.person_id, v.field, v.format, v.value FROM import_value v JOIN person p "
            "ON p.id = v.person_id ORDER BY v.person_id, v.format, v.field"):
        format_ = stored.text(format_)  # a format damaged outside ties: none brought it
        if stored.text(value) and key in ("company", "role") and format_:
            brought.setdefault(pid, {}).setdefault(format_, {})[key] = stored.text(value)
    deleted: dict[int, list[str]] = {}
    for key, pid in conn.execute('SELECT "key", person_id FROM deleted_source ORDER BY '
                                 'person_id, "key"'):
        if stored.source_key(key) is not None:  # only a key ties reads back
            deleted.setdefault(pid, []).append(key)
    for p in people:
        p["tags"] = tags[p["id"]]
        p["jobs"] = jobs[p["id"]]
        p["imported"] = brought.get(p["id"], {})
        if p["id"] in deleted:  # the keys of imported interactions you deleted with them
            p["deleted"] = deleted[p["id"]]
    _with_contacts(conn, people)
    interactions = _all(conn, "SELECT id, date, channel, note, they_reached_out, gave, "
                              "received, logged_at FROM interaction ORDER BY id")
    links: dict[int, list[int]] = {}
    # Only links and promises of people who exist: a reference broken outside ties (which
    # doctor's foreign keys check names) would make the export unreadable.
    for iid, pid in conn.execute("SELECT ip.interaction_id, ip.person_id FROM "
                                 "interaction_person ip JOIN person p ON p.id = ip.person_id "
                                 "ORDER BY ip.interaction_id, ip.person_id"):
        links.setdefault(iid, []).append(pid)
    # The calendar and mail keys of each interaction, with whose they are: only those of
    # its people (a key for anyone else, written outside ties, is for doctor to name).
    keys: dict[int, list[dict]] = {}
    for key, pid, iid, merged, filled, thread in conn.execute(
            'SELECT s."key", s.person_id, s.interaction_id, s.merged, s.filled, s.thread '
            "FROM interaction_source s JOIN interaction_person ip ON ip.interaction_id = "
            "s.interaction_id AND ip.person_id = s.person_id JOIN person p ON p.id = "
            's.person_id ORDER BY s.interaction_id, s."key", s.person_id'):
        if stored.source_key(key) is None:  # no key ties reads back (doctor names it)
            continue
        entry = {"key": key, "person": pid, "merged": bool(merged),
                 "filled": stored.text(filled)}
        if key.startswith("mail:") and (thread := stored.source_key(thread)) is not None:
            entry["thread"] = thread  # a mail key's thread root (absent: none known)
        keys.setdefault(iid, []).append(entry)
    for item in interactions:
        item["people"] = links.get(item["id"], [])
        if item["id"] in keys:
            item["sources"] = keys[item["id"]]
    follow = _all(conn, "SELECT f.id, f.person_id AS person, f.text, f.due, f.created, "
                        "f.done FROM follow_up f JOIN person p ON p.id = f.person_id "
                        "ORDER BY f.id")
    settings = {}
    for key, value in conn.execute("SELECT key, value FROM setting ORDER BY key"):
        # only what ties would read back: a setting changed outside ties (an unknown key, a
        # value that does not parse) is left out, as every command already ignores it,
        # rather than make the whole export refused on import
        value = stored.text(value)
        if isinstance(key, str) and key in spec.SPECS and value is not None:
            try:
                spec.parse(key, value)
            except TiesError:
                continue
            settings[key] = value
    return {"people": people, "interactions": interactions, "follow_ups": follow,
            "settings": settings, "last_ids": ids.last_given(conn, ids.EXPORTED)}


def imports(conn: Connection) -> list[dict[str, Any]]:
    """Past imports, newest first, their times as text to the second: "created" and
    "updated" count people; "interactions" those it created and "merged" the ones already
    here it recorded a meeting or message in (a calendar or mail import), as they are now
    (an undone import's are gone)."""
    made = dict(conn.execute("SELECT import_id, count(*) FROM interaction WHERE import_id "
                             "IS NOT NULL GROUP BY import_id").fetchall())
    merged = dict(conn.execute("SELECT batch_id, count(DISTINCT interaction_id) FROM "
                               "interaction_source WHERE merged GROUP BY batch_id").fetchall())
    out = []
    for r in conn.execute("SELECT id, format, source, imported_at, created, updated, "
                          "undone_at FROM import_batch ORDER BY id DESC").fetchall():
        imported, undone = (stored.stamp(v) for v in (r[3], r[6]))
        out.append({"id": r[0], "format": stored.text(r[1]), "source": stored.text(r[2]),
                    "imported_at": str(imported)[:19], "created": stored.count(r[4]),
                    "updated": stored.count(r[5]),
                    "interactions": stored.count(made.get(r[0], 0)),
                    "merged": stored.count(merged.get(r[0], 0)),
                    "undone_at": str(undone)[:19] if undone else None})
    return out


# Tidying: triage and duplicates ---------------------------------------------------------

def untyped(conn: Connection, exclude: list[int] | None = None, limit: int = 1
            ) -> list[dict[str, Any]]:
    """People waiting for triage: no type, not archived; the most recently connected first.
    Each with the latest job change that led to their job now as `job` (a `scoring.Job`,
    or None: `_current_job`, as `next` reads it)."""
    skip = exclude or []
    found = _all(
        conn,
        "SELECT p.id, p.name, p.company, p.role, p.industry, p.location, p.email, "
        "p.connected_on, p.created, s.last_contact FROM person p JOIN person_stats s ON "
        "s.person_id = p.id WHERE p.type IS NULL AND NOT p.archived"
        + (f" AND p.id NOT IN ({marks(skip)})" if skip else "")
        + " ORDER BY coalesce(p.connected_on, p.created) DESC, p.name_key, p.id LIMIT ?",
        [*skip, limit],
    )
    jobs = jobs_of(conn, [p["id"] for p in found])
    for p in found:
        p["job"] = _current_job(jobs[p["id"]], p)
    return found


def count_untyped(conn: Connection) -> int:
    return conn.execute("SELECT count(*) FROM person WHERE type IS NULL AND NOT archived"
                        ).fetchone()[0]


def identity_rows(conn: Connection) -> list[tuple]:
    """(id, name, name_key, company, [every email address], linkedin, [every phone
    number]) of everyone."""
    text = stored.text
    rows = [(r[0], *(text(v) for v in r[1:])) for r in conn.execute(
        "SELECT id, name, name_key, company, email, linkedin, phone FROM person ORDER BY id")]
    more: dict[tuple[int, str], list[str]] = {}
    for pid, kind, value in conn.execute(
            "SELECT person_id, kind, value FROM person_contact ORDER BY person_id, position"):
        more.setdefault((pid, kind), []).append(text(value))
    return [(r[0], r[1], r[2], r[3],
             [e for e in (r[4], *more.get((r[0], "email"), ())) if e], r[5],
             [p for p in (r[6], *more.get((r[0], "phone"), ())) if p]) for r in rows]


# The report's fast path: strength, status and the summary computed in SQL -----------

def _double(number: float) -> str:
    """A float literal that is an IEEE double on both databases (PostgreSQL reads a bare
    0.5 as NUMERIC)."""
    return f"CAST({float(number)!r} AS DOUBLE PRECISION)"


def _number(number: int | float) -> str:
    """One of the model's numbers as SQL: an integer as itself, anything else as a double
    (so the arithmetic is the Python model's, on both databases)."""
    if isinstance(number, int) and not isinstance(number, bool):
        return str(int(number))
    return _double(number)


def _strength_sql(d: dialect.Sqlite, settings: dict, whole: bool = False
                  ) -> tuple[str, list]:
    """A query of every person who is not archived with their strength and status,
    computed exactly as report.strength and report.status do (same operations in the same
    order on IEEE doubles, with report's own numbers written into the SQL; tests compare
    the two on random data and with each number changed). `whole`: for a query that reads
    everyone's strength and status, where computing each person's base columns once
    (materialized) is faster; a query that filters or stops early is better without."""
    from ties.core import report as m
    from ties.core.rhythm import DORMANT_AFTER, FADING_FACTOR, FADING_INTERVALS, MIN_GAPS

    n = _number
    cadence, cparams = _base_cadence_sql(settings)
    interval, iparams = _cadence_sql(settings)
    zero, one = _double(0.0), _double(1.0)
    base = (
        "SELECT p.id, p.name, p.name_key, p.type, p.created, p.company, p.industry, "
        "s.first_contact, s.last_contact, "
        + ", ".join(f"{d.whole_count('s.' + c)} AS {c}" for c in
                    ("interactions", "gave", "received"))
        + ", s.last_gave, s.last_received, "
        + ", ".join(f"{d.whole_count('s.' + c)} AS {c}" for c in ("in_person", "voice"))
        + ", "
        f"{_KNOWN} AS known, CASE WHEN p.notes IS NOT NULL THEN 1 ELSE 0 END AS has_notes, "
        f"{cadence} AS cadence, {interval} AS interval, s.rhythm_days, s.rhythm_gaps, "
        f"CASE WHEN {_FIXED} THEN 1 ELSE 0 END AS fixed, "
        f"{d.days(':today', 'coalesce(s.last_contact, p.created)')} AS days, "
        f"{d.days(':today', 'coalesce(s.first_contact, p.created)')} AS days_first, "
        "CASE WHEN p.import_id IS NOT NULL THEN 1 ELSE 0 END AS imported, p.snoozed_until "
        "FROM person p JOIN person_stats s ON s.person_id = p.id WHERE NOT p.archived"
    )
    strength = d.truncate(f"raw + {_double(0.5)}")
    fading = d.greatest(zero, f"1 - {d.greatest('days', '0')} * {one} / "
                              f"({n(m.RECENCY_CADENCES)} * cadence)")
    often = d.least(one, f"interactions / ({n(m.FULL_FREQUENCY)} * "
                         f"({d.greatest('days_first', 'cadence')} * {one} / cadence))")
    balance = (f"{n(m.BALANCE_POINTS)} * {d.least('gave', 'received')} * {one} / "
               f"{d.greatest('gave', 'received')}")
    # first to last contact, from the day counts already made (no more date arithmetic)
    kept = d.least("days_first - days", "(interactions - 1) * cadence")
    parts = (
        "SELECT b.*, "
        f"(CASE WHEN last_contact IS NULL THEN {zero} ELSE {n(m.RECENCY_POINTS)} * {fading} "
        "END)"
        " + (CASE WHEN interactions > 0 AND first_contact IS NOT NULL THEN "
        f"  {n(m.FREQUENCY_POINTS)} * {often} ELSE {zero} END)"
        " + (CASE WHEN interactions > 1 AND first_contact IS NOT NULL "
        f"  AND last_contact IS NOT NULL THEN {n(m.SUSTAINED_POINTS)} - "
        f"  {n(m.SUSTAINED_POINTS)} * {n(m.SUSTAINED_HALF_DAYS)} * {one} "
        f"  / ({kept} + {n(m.SUSTAINED_HALF_DAYS)}) ELSE {zero} END)"
        " + (CASE WHEN interactions > 0 AND first_contact IS NOT NULL THEN "
        f"  {n(m.DEPTH_POINTS)} * (in_person + {_double(m.VOICE_WEIGHT)} * voice "
        f"  + {_double(m.WRITTEN_WEIGHT)} * (interactions - in_person - voice)) "
        f"  / interactions ELSE {zero} END)"
        f" + ({n(m.KNOWN_POINTS)} * known + CASE WHEN has_notes = 1 THEN {n(m.NOTES_POINTS)} "
        "ELSE 0 END)"
        f" + (CASE WHEN gave > 0 AND received > 0 THEN {balance} "
        f"  WHEN gave > 0 OR received > 0 THEN {_double(m.ONE_WAY_POINTS)} ELSE {zero} END)"
        " AS raw FROM base b"
    )
    cadence_due = d.add_days("coalesce(last_contact, created)", "interval")
    never_met = "imported = 1 AND last_contact IS NULL"  # NEVER_CONTACTED_IMPORT
    # rhythm.stage_of: the ladder, past due (a contact needed to fade or lie dormant)
    gone = "last_contact IS NOT NULL AND days > interval"
    dormant = f"{gone} AND days >= {int(DORMANT_AFTER)}"
    fading = (f"{gone} AND CASE WHEN fixed = 0 AND rhythm_days IS NOT NULL AND "
              f"rhythm_gaps >= {int(MIN_GAPS)} THEN days > {int(FADING_FACTOR)} * rhythm_days "
              f"ELSE days > {int(FADING_INTERVALS)} * interval END")
    scored = (
        f"SELECT r.*, {strength} AS strength, "
        "CASE WHEN snoozed_until > :today THEN 'snoozed' "
        f"WHEN {never_met} THEN 'imported' "
        f"WHEN days_first < {n(m.NEW_DAYS)} AND interactions <= {n(m.NEW_INTERACTIONS)} "
        f"THEN 'new' WHEN {dormant} THEN 'dormant' WHEN {fading} THEN 'fading' "
        f"WHEN days >= interval THEN 'due' "
        f"WHEN {strength} >= {n(m.STRONG)} THEN 'strong' ELSE 'steady' END AS status, "
        f"CASE WHEN {never_met} THEN NULL WHEN snoozed_until > {cadence_due} "
        f"THEN snoozed_until ELSE {cadence_due} END AS due "
        "FROM parts r"
    )
    once = d.materialized if whole else ""
    return (f"WITH base AS {once}({base}), parts AS ({parts}), scored AS ({scored}) ",
            cparams + iparams)


_DUE_STATUSES = "(" + ", ".join(f"'{s}'" for s in rhythm.STAGES) + ")"
"""report.DUE_STATUSES (the ladder's words, `rhythm.STAGES`), as an SQL list."""

_KNOWN = ("(CASE WHEN p.working_on IS NOT NULL THEN 1 ELSE 0 END "
          "+ CASE WHEN p.struggles IS NOT NULL THEN 1 ELSE 0 END "
          "+ CASE WHEN p.cares_about IS NOT NULL THEN 1 ELSE 0 END)")
"""How many of the three talking points are known (a number on both databases)."""

_SQL_SORTS = {
    "strength": "strength DESC, name_key, id",
    "due": "due IS NULL, due, name_key, id",
    "last": "last_contact IS NULL, last_contact DESC, name_key, id",
    "name": "name_key, id",
    "balance": "gave - received, name_key, id",
}


def report_page(conn: Connection, today: date, since: date, settings: dict,
                type_: str | None, sort: str, limit: int | None):
    """The report's summary and its first `limit` rows (all when None), without building
    a Python object per person. Strength and status are report.strength and report.status
    in SQL (`_strength_sql`); the comfort zone counts circles as `ties next` does
    (scoring.circle)."""
    from ties.core.report import (
        STRONG,
        Row,
        Spellings,
        Summary,
        Tie,
        slipping,
        streak,
        weekly_counts,
    )
    from ties.core.scoring import ComfortZone, circle

    def scored(whole: bool = False) -> str:
        sql, cparams = _strength_sql(dialect.of(conn), settings, whole)
        # sqlite3 takes either named or positional parameters: inline the cadences.
        return sql.replace("?", "{}").format(*(int(c) for c in cparams))

    with_sql = scored()
    named = {"today": today.isoformat(), "since": since.isoformat(), "strong": STRONG}
    where = "WHERE type = :type" if type_ else ""
    if type_:
        named["type"] = type_
    people = strong = active = 0
    by_type = {k: {"count": 0, "due": 0} for k in ("strategic", "social", "tactical")}
    for kind, n, n_strong, n_active, due in conn.execute(
            scored(whole=True) + "SELECT type, count(*), "
            "sum(CASE WHEN strength >= :strong THEN 1 ELSE 0 END), "
            "sum(CASE WHEN last_contact > :since THEN 1 ELSE 0 END), "
            f"sum(CASE WHEN status IN {_DUE_STATUSES} THEN 1 ELSE 0 END) "
            "FROM scored "
            + where + " GROUP BY type", named):
        people, strong, active = people + n, strong + int(n_strong), active + int(n_active)
        if kind in by_type:
            by_type[kind] = {"count": n, "due": int(due)}
    plain = "FROM person p JOIN person_stats s ON s.person_id = p.id WHERE NOT p.archived" + \
        (" AND p.type = :type" if type_ else "")
    owe = [stored.text(r[0]) for r in conn.execute(
        f"SELECT p.name {plain} AND s.last_received IS NOT NULL AND (s.last_gave IS NULL OR "
        "s.last_gave < s.last_received) AND s.last_received > :since "
        "ORDER BY s.last_received, p.name_key", named)]
    industries, companies = Spellings(), Spellings()
    circles = Spellings(key=lambda v: circle(v, None))
    for industry, company, n in conn.execute(
            f"SELECT p.industry, p.company, count(*) {plain} AND s.last_contact > :since "
            "GROUP BY p.industry, p.company", named):
        industry, company = stored.text(industry), stored.text(company)
        industries.add(industry, n)
        companies.add(company, n)
        circles.add(industry or company, n)  # as scoring.circle: the industry, else company
    order = _SQL_SORTS[sort]
    page = conn.execute(
        with_sql + "SELECT id, name, type, cadence, created, company, industry, "
        "first_contact, last_contact, interactions, gave, received, last_gave, "
        "last_received, in_person, voice, known, has_notes, name_key, imported, "
        "snoozed_until, strength, status, fixed, rhythm_days, rhythm_gaps "
        f"FROM scored {where} ORDER BY {order}" + (" LIMIT :limit" if limit else ""),
        {**named, "limit": limit}).fetchall()
    rows = [Row(_tie(Tie, r), r[21], r[22]) for r in page]
    slipping_type = slipping(by_type)
    slipping_ties = [stored.text(r[0]) for r in conn.execute(
        with_sql + "SELECT name FROM scored WHERE type = 'strategic' AND status IN "
        f"{_DUE_STATUSES} ORDER BY {_SQL_SORTS['due']}", named)
        ] if slipping_type else []
    from ties.core.scoring import RECONNECT_SPAN, RECONNECT_TALKS

    fading, dormant, once_close = [], [], []
    for name, status, close in conn.execute(  # report.once_close, in SQL
            with_sql + "SELECT name, status, CASE WHEN interactions >= :talks AND "
            "first_contact IS NOT NULL AND days_first - days >= :span THEN 1 ELSE 0 END "
            "FROM scored WHERE status IN ('fading', 'dormant')"
            + (" AND type = :type" if type_ else "") + f" ORDER BY {_SQL_SORTS['due']}",
            {**named, "talks": int(RECONNECT_TALKS), "span": int(RECONNECT_SPAN)}):
        (fading if status == "fading" else dormant).append(stored.text(name))
        if status == "dormant" and close:
            once_close.append(stored.text(name))
    zone = ComfortZone(circles.totals())
    largest = circles.spelling(zone.dominant) if zone.dominant else None
    share = zone.circles[zone.dominant] / zone.total if largest else 0.0
    act = activity(conn, today, since, type_)
    summary = Summary(
        people=people, strong=strong, active=active, by_type=by_type,
        slipping=slipping_type, gave=act["gave"], received=act["received"], owe=owe,
        industries=len(industries), companies=len(companies), largest=largest,
        largest_share=share, weekly=weekly_counts(act["per_day"], today),
        streak_weeks=streak(act["weeks"], today), since=since, today=today,
        slipping_ties=slipping_ties, industry_spread=industries.spread(),
        company_spread=companies.spread(), type=type_, fading=fading, dormant=dormant,
        once_close=once_close)
    return summary, rows
