"""Every read, as plain SQL over a stdlib sqlite3 connection.

Read commands never import SQLAlchemy: these functions run on the connection from
`db.open_store`, and inside a write they run on the same connection as the
SQLModel session, so they see its uncommitted rows. Rows come back as plain dicts
with dates as `datetime.date`.
"""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from typing import Any

from ties import names
from ties.errors import Ambiguous, NotFound

PROFILE_FIELDS = (
    "id", "name", "type", "company", "role", "industry", "location", "email", "phone",
    "linkedin", "met", "notes", "working_on", "struggles", "cares_about", "birthday_year",
    "birthday_month", "birthday_day", "cadence_days", "created", "archived", "snoozed_until",
)
_DATE_FIELDS = {"created", "snoozed_until", "date", "last_contact", "first_contact", "due",
                "done", "last_gave", "last_received", "connected_on"}


def _row(cursor: sqlite3.Cursor, row: tuple) -> dict[str, Any]:
    out = {}
    for (col, *_), value in zip(cursor.description, row, strict=True):
        if col in _DATE_FIELDS and isinstance(value, str):
            value = date.fromisoformat(value[:10])
        elif col in ("archived", "they_reached_out", "gave", "received") and value is not None:
            value = bool(value)
        out[col] = value
    return out


def _all(conn: sqlite3.Connection, sql: str, params: tuple | list = ()) -> list[dict]:
    cur = conn.execute(sql, params)
    return [_row(cur, r) for r in cur.fetchall()]


# Finding people by name -------------------------------------------------------------

def candidates(conn: sqlite3.Connection) -> list[names.Candidate]:
    return [
        names.Candidate(id=r[0], name=r[1], key=r[2], company=r[3])
        for r in conn.execute("SELECT id, name, name_key, company FROM person")
    ]


def find_person(conn: sqlite3.Connection, typed: str) -> names.Candidate:
    """The one person `typed` names: '@12' by id, else names.match. Refuses otherwise."""
    typed = typed.strip()
    if typed.startswith("@") and typed[1:].isdigit():
        row = conn.execute(
            "SELECT id, name, name_key, company FROM person WHERE id = ?", (int(typed[1:]),)
        ).fetchone()
        if row is None:
            raise NotFound(f"No one has the id {typed}. See 'ties list'.")
        return names.Candidate(*row)
    key = names.fold(typed)
    exact = conn.execute(
        "SELECT id, name, name_key, company FROM person WHERE name_key = ?", (key,)
    ).fetchall()
    if len(exact) == 1:
        return names.Candidate(*exact[0])
    people = [names.Candidate(*r) for r in exact] if exact else candidates(conn)
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


def same_name(conn: sqlite3.Connection, name: str) -> list[names.Candidate]:
    rows = conn.execute(
        "SELECT id, name, name_key, company FROM person WHERE name_key = ? ORDER BY id",
        (names.fold(name),),
    ).fetchall()
    return [names.Candidate(*r) for r in rows]


def complete_names(conn: sqlite3.Connection, prefix: str, limit: int = 50) -> list[str]:
    """Names starting with `prefix` (case- and accent-insensitive), for tab completion."""
    key = names.fold(prefix)
    escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = conn.execute(
        "SELECT name FROM person WHERE name_key LIKE ? ESCAPE '\\' AND NOT archived "
        "ORDER BY name_key LIMIT ?",
        (escaped + "%", limit),
    ).fetchall()
    return [r[0] for r in rows]


# Profiles and lists ----------------------------------------------------------------

def tags_of(conn: sqlite3.Connection, person_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {pid: [] for pid in person_ids}
    for start in range(0, len(person_ids), 500):
        chunk = person_ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for pid, tag in conn.execute(
            f"SELECT person_id, tag FROM tag WHERE person_id IN ({marks}) ORDER BY tag", chunk
        ):
            out[pid].append(tag)
    return out


def profile(conn: sqlite3.Connection, person_id: int) -> dict[str, Any]:
    cols = ", ".join(f"p.{f}" for f in PROFILE_FIELDS)
    rows = _all(
        conn,
        f"SELECT {cols}, s.interactions, s.first_contact, s.last_contact, "
        "coalesce(s.gave, 0) AS gave_count, coalesce(s.received, 0) AS received_count "
        "FROM person p LEFT JOIN person_stats s ON s.person_id = p.id WHERE p.id = ?",
        (person_id,),
    )
    if not rows:
        raise NotFound(f"No one has the id @{person_id}. See 'ties list'.")
    person = rows[0]
    person["interactions"] = person["interactions"] or 0
    person["tags"] = tags_of(conn, [person_id])[person_id]
    return person


def history(conn: sqlite3.Connection, person_id: int) -> list[dict[str, Any]]:
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


def participants(conn: sqlite3.Connection, interaction_ids: list[int]) -> dict[int, list]:
    out: dict[int, list] = {}
    for start in range(0, len(interaction_ids), 500):
        chunk = interaction_ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for iid, pid, name in conn.execute(
            "SELECT ip.interaction_id, p.id, p.name FROM interaction_person ip "
            f"JOIN person p ON p.id = ip.person_id WHERE ip.interaction_id IN ({marks}) "
            "ORDER BY p.name_key, p.id",
            chunk,
        ):
            out.setdefault(iid, []).append((pid, name))
    return out


def interaction(conn: sqlite3.Connection, interaction_id: int) -> dict[str, Any]:
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


SEARCHED = ("p.name", "p.company", "p.role", "p.industry", "p.location", "p.email", "p.met",
            "p.notes", "p.working_on", "p.struggles", "p.cares_about")


def list_people(
    conn: sqlite3.Connection,
    *,
    type_: str | None = None,
    tag: str | None = None,
    search: str | None = None,
    archived: bool | None = False,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """People with their last contact, sorted by name. archived=None means everyone."""
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
        # The folded name makes 'beyonce' find 'Beyoncé'; LIKE is case-insensitive for ASCII.
        clauses = [f"{col} LIKE ? ESCAPE '\\'" for col in SEARCHED] + ["p.name_key LIKE ? "
                                                                       "ESCAPE '\\'"]
        where.append("(" + " OR ".join(clauses) + ")")
        params += [_like(search)] * len(SEARCHED) + [_like(names.fold(search))]
    if archived is not None:
        where.append("p.archived = ?")
        params.append(int(archived))
    sql = (
        "SELECT p.id, p.name, p.type, p.company, p.role, p.industry, p.location, p.email, "
        "p.archived, p.snoozed_until, p.created, s.last_contact, "
        "COALESCE(s.interactions, 0) AS interactions "
        "FROM person p LEFT JOIN person_stats s ON s.person_id = p.id"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY p.name_key, p.id"
        + (" LIMIT ?" if limit else "")
    )
    if limit:
        params.append(limit)
    rows = _all(conn, sql, params)
    tags = tags_of(conn, [r["id"] for r in rows])
    for r in rows:
        r["tags"] = tags[r["id"]]
    return rows


def count_people(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM person").fetchone()[0]


def recent_duplicate(
    conn: sqlite3.Connection, person_ids: list[int], when: date, channel: str,
    note: str | None, gave: bool, received: bool, they_reached_out: bool, since: str,
) -> dict[str, Any] | None:
    """An identical interaction logged at or after `since` (a retried command)."""
    rows = _all(
        conn,
        "SELECT id, logged_at FROM interaction WHERE date = ? AND channel = ? "
        "AND note IS ? AND gave = ? AND received = ? AND they_reached_out = ? "
        "AND logged_at >= ? ORDER BY id DESC",
        (when.isoformat(), channel, note, gave, received, they_reached_out, since),
    )
    wanted = sorted(person_ids)
    for row in rows:
        people = sorted(pid for pid, _ in participants(conn, [row["id"]]).get(row["id"], []))
        if people == wanted:
            return row
    return None


def settings(conn: sqlite3.Connection) -> dict:
    from ties import settings as spec

    return spec.resolve(dict(conn.execute("SELECT key, value FROM setting").fetchall()))


def follow_ups(
    conn: sqlite3.Connection, person_id: int | None = None, *, include_done: bool = False
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


# ties next ---------------------------------------------------------------------------

def _cadence_sql(settings: dict) -> tuple[str, list]:
    return (
        "coalesce(p.cadence_days, CASE p.type WHEN 'strategic' THEN ? WHEN 'social' THEN ? "
        "ELSE ? END)",
        [settings["cadence.strategic"], settings["cadence.social"], settings["cadence.tactical"]],
    )


_FACTS_COLUMNS = (
    "p.id, p.name, p.name_key, p.type, p.created, p.industry, p.company, p.birthday_month, "
    "p.birthday_day, s.last_contact, s.interactions, s.gave AS gave_count, s.last_gave, "
    "s.last_received, s.their_streak, p.import_id"
)


def _facts(conn: sqlite3.Connection, rows: list[dict]) -> list:
    from ties.scoring import Facts, Promise

    open_promises: dict[int, list] = {r["id"]: [] for r in rows}
    if rows:
        ids = list(open_promises)
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            for pid, text, due in conn.execute(
                "SELECT person_id, text, due FROM follow_up WHERE done IS NULL AND person_id "
                f"IN ({','.join('?' * len(chunk))}) ORDER BY id", chunk,
            ):
                open_promises[pid].append(Promise(text, date.fromisoformat(due) if due else None))
    return [
        Facts(
            id=r["id"], name=r["name"], type=r["type"], cadence=r["cadence"],
            created=r["created"], last_contact=r["last_contact"],
            interactions=r["interactions"] or 0, gave=r["gave_count"] or 0,
            last_gave=r["last_gave"], last_received=r["last_received"],
            their_streak=r["their_streak"] or 0, promises=tuple(open_promises[r["id"]]),
            birthday=(r["birthday_month"], r["birthday_day"]) if r["birthday_month"] else None,
            industry=r["industry"], company=r["company"], sort_key=r["name_key"],
            imported=r["import_id"] is not None,
        )
        for r in rows
    ]


def _active(type_: str | None) -> tuple[str, list]:
    """Typed, not archived, not snoozed past today (and of one type, if given)."""
    where = "p.type IS NOT NULL AND NOT p.archived AND (p.snoozed_until IS NULL OR " \
            "p.snoozed_until <= ?)"
    return (where + " AND p.type = ?", [type_]) if type_ else (where, [])


def next_candidates(conn: sqlite3.Connection, today: date, settings: dict,
                    type_: str | None = None) -> list:
    """Facts of everyone `scoring.is_candidate` would suggest this week, found in SQL:
    due within the coming week, or with a promise due in it."""
    from ties.scoring import WEEK

    cadence, cparams = _cadence_sql(settings)
    active, aparams = _active(type_)
    horizon = (today + timedelta(days=WEEK - 1)).isoformat()
    rows = _all(
        conn,
        f"SELECT * FROM (SELECT {_FACTS_COLUMNS}, {cadence} AS cadence "
        "FROM person p JOIN person_stats s ON s.person_id = p.id "
        f"WHERE {active}) c "
        "WHERE (date(coalesce(c.last_contact, c.created), '+' || c.cadence || ' days') <= ? "
        "AND NOT (c.import_id IS NOT NULL AND c.last_contact IS NULL)) "
        "OR EXISTS (SELECT 1 FROM follow_up f WHERE f.person_id = c.id AND f.done IS NULL "
        "AND f.due <= ?)",
        [*cparams, today.isoformat(), *aparams, horizon, horizon],
    )
    return _facts(conn, rows)


def comfort_zone(conn: sqlite3.Connection, today: date):
    """Your recent circle: interactions in the last 90 days per industry (else company)."""
    from ties.scoring import STRETCH_WINDOW, ComfortZone

    since = (today - timedelta(days=STRETCH_WINDOW)).isoformat()
    circles: dict[str, int] = {}
    for industry, company, n in conn.execute(
        "SELECT p.industry, p.company, count(*) FROM interaction i "
        "JOIN interaction_person ip ON ip.interaction_id = i.id "
        "JOIN person p ON p.id = ip.person_id "
        "WHERE i.date > ? AND i.date <= ? GROUP BY p.industry, p.company",
        (since, today.isoformat()),
    ):
        key = (industry or company or "").strip().lower()
        if key:
            circles[key] = circles.get(key, 0) + n
    return ComfortZone(circles)


def stretch_pool(conn: sqlite3.Connection, today: date, settings: dict, zone,
                 type_: str | None = None, limit: int = 500) -> list:
    """People outside the comfort zone who are at least half-way to due: the `limit`
    furthest along, weighted by type, for `scoring.pick_stretch` to choose from."""
    cadence, cparams = _cadence_sql(settings)
    active, aparams = _active(type_)
    rows = _all(
        conn,
        f"SELECT * FROM (SELECT {_FACTS_COLUMNS}, {cadence} AS cadence, "
        "CASE p.type WHEN 'strategic' THEN ? WHEN 'social' THEN ? ELSE ? END AS weight "
        "FROM person p JOIN person_stats s ON s.person_id = p.id "
        f"WHERE {active} AND coalesce(nullif(trim(p.industry), ''), nullif(trim(p.company), ''))"
        " IS NOT NULL) c "
        "WHERE (julianday(?) - julianday(coalesce(c.last_contact, c.created))) * 2 >= c.cadence "
        "ORDER BY (julianday(?) - julianday(coalesce(c.last_contact, c.created))) * c.weight "
        "/ c.cadence DESC, c.name_key, c.id",
        [*cparams, settings["weight.strategic"], settings["weight.social"],
         settings["weight.tactical"], today.isoformat(), *aparams, today.isoformat(),
         today.isoformat()],
    )
    outside = [r for r in rows
               if (r["industry"] or r["company"] or "").strip().lower() not in zone.circles]
    return _facts(conn, outside[:limit])


def next_due(conn: sqlite3.Connection, today: date, settings: dict) -> dict | None:
    """Who comes due next (for 'everyone is up to date')."""
    cadence, cparams = _cadence_sql(settings)
    active, aparams = _active(None)
    rows = _all(
        conn,
        "SELECT name, date(coalesce(s.last_contact, p.created), '+' || "
        f"{cadence} || ' days') AS due FROM person p JOIN person_stats s ON s.person_id = p.id "
        f"WHERE {active} AND NOT (p.import_id IS NOT NULL AND s.last_contact IS NULL) "
        "ORDER BY due, p.name_key LIMIT 1",
        [*cparams, today.isoformat(), *aparams],
    )
    return rows[0] if rows else None


def last_notes(conn: sqlite3.Connection, person_ids: list[int]) -> dict[int, str]:
    """The note of each person's latest interaction that has one."""
    out = {}
    for pid in person_ids:
        row = conn.execute(
            "SELECT i.note FROM interaction i JOIN interaction_person ip "
            "ON ip.interaction_id = i.id WHERE ip.person_id = ? AND i.note IS NOT NULL "
            "AND i.note != '' ORDER BY i.date DESC, i.id DESC LIMIT 1", (pid,)).fetchone()
        if row:
            out[pid] = row[0]
    return out


def talking_points(conn: sqlite3.Connection, person_ids: list[int]) -> dict[int, dict]:
    rows = {}
    for pid in person_ids:
        r = conn.execute("SELECT working_on, struggles, cares_about FROM person WHERE id = ?",
                         (pid,)).fetchone()
        rows[pid] = {"working_on": r[0], "struggles": r[1], "cares_about": r[2]}
    return rows


# ties report -------------------------------------------------------------------------

def report_ties(conn: sqlite3.Connection, today: date, since: date, settings: dict,
                type_: str | None = None) -> list:
    """Every person who is not archived, with the facts tie strength needs: per-person
    stats plus one aggregate of the period's interactions."""
    from ties.report import Tie

    cadence, cparams = _cadence_sql(settings)
    where, params = ["NOT p.archived"], []
    if type_:
        where.append("p.type = ?")
        params.append(type_)
    in_period = dict(conn.execute(
        "SELECT ip.person_id, count(*) FROM interaction i JOIN interaction_person ip "
        "ON ip.interaction_id = i.id WHERE i.date > ? AND i.date <= ? GROUP BY ip.person_id",
        (since.isoformat(), today.isoformat()),
    ).fetchall())
    rows = _all(
        conn,
        f"SELECT p.id, p.name, p.name_key, p.type, p.created, p.company, p.industry, "
        f"{cadence} AS cadence, s.first_contact, s.last_contact, s.interactions, "
        "s.gave AS gave_count, s.received AS received_count, s.last_gave, s.last_received, "
        "s.in_person, s.voice, "
        "(p.working_on IS NOT NULL) + (p.struggles IS NOT NULL) + (p.cares_about IS NOT NULL) "
        "AS known, p.notes IS NOT NULL AS has_notes "
        "FROM person p JOIN person_stats s ON s.person_id = p.id WHERE "
        + " AND ".join(where),
        [*cparams, *params],
    )
    return [
        Tie(id=r["id"], name=r["name"], type=r["type"], cadence=r["cadence"],
            created=r["created"], company=r["company"], industry=r["industry"],
            first_contact=r["first_contact"], last_contact=r["last_contact"],
            interactions=r["interactions"], in_period=in_period.get(r["id"], 0),
            gave=r["gave_count"], received=r["received_count"], last_gave=r["last_gave"],
            last_received=r["last_received"], in_person=r["in_person"], voice=r["voice"],
            known=r["known"], has_notes=bool(r["has_notes"]), sort_key=r["name_key"])
        for r in rows
    ]


def activity(conn: sqlite3.Connection, today: date, since: date) -> dict:
    """Help given and received in the period, interactions per day over the last 12
    weeks, and the weeks with any interaction (for the streak)."""
    from ties.report import week_start

    gave, received = conn.execute(
        "SELECT coalesce(sum(gave), 0), coalesce(sum(received), 0) FROM interaction "
        "WHERE date > ? AND date <= ?", (since.isoformat(), today.isoformat())).fetchone()
    start = week_start(today) - timedelta(weeks=11)
    per_day = {date.fromisoformat(d): n for d, n in conn.execute(
        "SELECT date, count(*) FROM interaction WHERE date >= ? AND date <= ? GROUP BY date",
        (start.isoformat(), today.isoformat()))}
    # Walk back week by week only as far as the streak goes.
    weeks: list[date] = []
    cursor = week_start(today)
    while True:
        hit = conn.execute(
            "SELECT 1 FROM interaction WHERE date >= ? AND date < ? LIMIT 1",
            (cursor.isoformat(), (cursor + timedelta(weeks=1)).isoformat())).fetchone()
        if hit:
            weeks.append(cursor)
        elif cursor != week_start(today):
            break
        cursor -= timedelta(weeks=1)
    return {"gave": gave, "received": received, "per_day": per_day, "weeks": weeks}


# Export ------------------------------------------------------------------------------

def export_data(conn: sqlite3.Connection) -> dict:
    """Everything a person typed into ties, as plain data for the exporters."""
    cols = ", ".join(f"p.{f}" for f in PROFILE_FIELDS)
    people = _all(conn, f"SELECT {cols}, p.connected_on, p.updated_at, s.last_contact, "
                        "coalesce(s.interactions, 0) AS interactions FROM person p "
                        "LEFT JOIN person_stats s ON s.person_id = p.id ORDER BY p.id")
    tags = tags_of(conn, [p["id"] for p in people])
    for p in people:
        p["tags"] = tags[p["id"]]
        p["connected_on"] = date.fromisoformat(p["connected_on"]) if p["connected_on"] else None
    interactions = _all(conn, "SELECT id, date, channel, note, they_reached_out, gave, "
                              "received, logged_at FROM interaction ORDER BY id")
    links: dict[int, list[int]] = {}
    for iid, pid in conn.execute("SELECT interaction_id, person_id FROM interaction_person "
                                 "ORDER BY interaction_id, person_id"):
        links.setdefault(iid, []).append(pid)
    for item in interactions:
        item["people"] = links.get(item["id"], [])
    follow = _all(conn, "SELECT id, person_id AS person, text, due, created, done "
                        "FROM follow_up ORDER BY id")
    settings = dict(conn.execute("SELECT key, value FROM setting ORDER BY key").fetchall())
    return {"people": people, "interactions": interactions, "follow_ups": follow,
            "settings": settings}


# Tidying: triage and duplicates ---------------------------------------------------------

def untyped(conn: sqlite3.Connection, exclude: list[int] | None = None, limit: int = 1
            ) -> list[dict[str, Any]]:
    """People waiting for triage: no type, not archived; the most recently connected first."""
    skip = exclude or []
    marks = ",".join("?" * len(skip))
    return _all(
        conn,
        "SELECT p.id, p.name, p.company, p.role, p.industry, p.location, p.email, "
        "p.connected_on, p.created, s.last_contact FROM person p JOIN person_stats s ON "
        "s.person_id = p.id WHERE p.type IS NULL AND NOT p.archived"
        + (f" AND p.id NOT IN ({marks})" if skip else "")
        + " ORDER BY coalesce(p.connected_on, p.created) DESC, p.name_key, p.id LIMIT ?",
        [*skip, limit],
    )


def count_untyped(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM person WHERE type IS NULL AND NOT archived"
                        ).fetchone()[0]


def identity_rows(conn: sqlite3.Connection) -> list[tuple]:
    return conn.execute("SELECT id, name, name_key, company, email, linkedin FROM person "
                        "ORDER BY id").fetchall()
