"""Every write, through a SQLModel session that holds the write lock.

The caller opens one session per command (`Backend.session`) inside one
transaction; these functions never commit. One write style: ORM objects for single
rows, and SQLAlchemy expressions (`insert`, `update`, `delete` on the models) for
set-based work, one statement per chunk of ids; no SQL strings. Reads they need go
through `queries` on the same connection, so they see this transaction's own rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlmodel import Session

from ties.core import dates
from ties.core.errors import AlreadyExists, NotFound
from ties.core.names import fold
from ties.core.personfields import LEARNED_AT, TALKING_POINTS
from ties.core.reconcile import IMPORT_FIELDS  # the person fields an import may set
from ties.core.records import InteractionRecord
from ties.storage import dialect, queries
from ties.storage.chunks import chunks, marks
from ties.storage.models import (
    FollowUp,
    Interaction,
    InteractionPerson,
    Person,
    PersonContact,
    PersonStats,
    Tag,
)

if TYPE_CHECKING:
    from ties.storage.backend import Connection

DUPLICATE_WINDOW = timedelta(minutes=10)


def raw(session: Session):
    """The store's connection under the session, for the reads in `queries`: the same
    connection and transaction (`Backend.session`), so they see the session's rows. The
    session's transaction is begun first, if the caller has not begun one."""
    session.connection()
    return session.info["ties_conn"]


def add_person(
    session: Session, *, name: str, fields: dict, tags: Iterable[str], today: date,
    first: InteractionRecord | None, another: bool = False, stamp: datetime | None = None,
    contacts: dict[str, list[str]] | None = None,
) -> int:
    """Create a person (and their first interaction). Refuses a twin unless `another`.
    `contacts` gives every email address and phone number ({"email": [...]}), the primary
    first."""
    conn = raw(session)
    twins = queries.same_name(conn, name)
    if twins and not another:
        twin = twins[0]
        where = f" ({twin.company})" if twin.company else ""
        raise AlreadyExists(
            f"{twin.name}{where} is already in ties as @{twin.id}. To record a meeting use "
            f"'ties log @{twin.id}'; to change them 'ties edit @{twin.id}'; to add a different "
            "person with the same name, repeat with --another."
        )
    stamp = stamp or dates.now()
    person = Person(name=name, name_key=fold(name), created=today, updated_at=stamp, **fields)
    for k in TALKING_POINTS:
        if fields.get(k):
            setattr(person, LEARNED_AT[k], stamp)
    session.add(person)
    session.flush()
    assert person.id is not None
    for kind, values in (contacts or {}).items():
        set_contacts(session, person, kind, values)
    for t in sorted(set(tags)):
        session.add(Tag(person_id=person.id, tag=t))
    if first is not None:
        _add_interaction(session, [person.id], first, stamp)
    session.flush()
    refresh_stats(session, [person.id])
    return person.id


def update_person(
    session: Session, person_id: int, changes: dict, *, add_tags: Iterable[str] = (),
    remove_tags: Iterable[str] = (), append_note: str | None = None,
    contacts: dict[str, list[str]] | None = None,
) -> Person:
    """Change a person's fields and tags; `contacts` replaces whole lists of email
    addresses or phone numbers ({"phone": [...]}, the primary first)."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"No one has the id @{person_id}. See 'ties list'.")
    for kind, values in (contacts or {}).items():
        set_contacts(session, person, kind, values)
    if "name" in changes:
        changes["name_key"] = fold(changes["name"])
    now = dates.now()
    for k in TALKING_POINTS:  # each dated by when it got a new value; emptied, undated
        if k in changes and not changes[k]:
            setattr(person, LEARNED_AT[k], None)
        elif changes.get(k) and changes[k] != getattr(person, k):
            setattr(person, LEARNED_AT[k], now)
    # A company or role you type (or empty) is yours from then on: what each kind of file
    # last brought (import_value) is kept, so that a re-import tells news (the file now
    # says something else) from the same old value it brought before (docs/import.md).
    for key, value in changes.items():
        setattr(person, key, value)
    if append_note:
        from ties.core.fields import appended

        person.notes = appended(person.notes, append_note)
    current = {t.tag for t in person_tags(session, person_id)}
    for t in set(add_tags) - current:
        session.add(Tag(person_id=person_id, tag=t))
    for t in set(remove_tags) & current:
        session.delete(session.get(Tag, (person_id, t)))
    person.updated_at = now
    session.add(person)
    session.flush()
    return person


def record_job(session: Session, person_id: int, before: dict, day: date) -> None:
    """Keep someone's earlier company and role (`before`) in their history as a job change
    on `day`, they having now what their row holds (`ties edit --moved`)."""
    from ties.storage.models import JobChange

    person = session.get(Person, person_id)
    session.add(JobChange(person_id=person_id, changed_on=day,
                          company_before=before.get("company"), role_before=before.get("role"),
                          company=person.company, role=person.role))
    session.flush()


def set_contacts(session: Session, person: Person, kind: str, values: list[str]) -> None:
    """Make `values` (once each, in order) all of a person's email addresses or phone
    numbers: the first in the person's own column (`person.email`/`phone`), the others in
    person_contact. The caller flushes `person`."""
    from ties.core import contacts

    values = contacts.unique(kind, values)
    setattr(person, kind, values[0] if values else None)
    session.add(person)
    _set_further(session, person.id, kind, values[1:])


def _set_further(session: Session, person_id: int, kind: str, values: list[str]) -> None:
    """Make `values` a person's further addresses (or numbers) of `kind`, in order."""
    from sqlalchemy import delete, insert

    session.execute(delete(PersonContact).where(PersonContact.person_id == person_id,
                                                PersonContact.kind == kind)
                    .execution_options(synchronize_session=False))
    if values:
        session.execute(insert(PersonContact), [
            {"person_id": person_id, "kind": kind, "position": n, "value": v}
            for n, v in enumerate(values, 1)])


def person_tags(session: Session, person_id: int) -> list[Tag]:
    from sqlmodel import select

    return list(session.exec(select(Tag).where(Tag.person_id == person_id)))


def remove_person(session: Session, person_id: int) -> None:
    """Delete a person, their tags, follow-ups and their part in interactions; an
    interaction left with nobody is deleted too. Stats of the others are refreshed."""
    conn = raw(session)
    shared = [r[0] for r in conn.execute(
        "SELECT interaction_id FROM interaction_person WHERE person_id = ?", (person_id,))]
    others = _people_of(conn, shared) - {person_id}
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"No one has the id @{person_id} any more. See 'ties list'.")
    session.delete(person)
    session.flush()
    from sqlalchemy import delete, select

    linked = select(InteractionPerson.interaction_id)
    for chunk in chunks(shared):
        session.execute(delete(Interaction).where(Interaction.id.in_(chunk),
                                                  Interaction.id.not_in(linked))
                        .execution_options(synchronize_session=False))
    refresh_stats(session, sorted(others))


def _people_of(conn: Connection, interaction_ids: list[int]) -> set[int]:
    found: set[int] = set()
    for chunk in chunks(interaction_ids):
        found.update(r[0] for r in conn.execute(
            "SELECT person_id FROM interaction_person WHERE interaction_id IN ("
            + marks(chunk) + ")", chunk))
    return found


def log(session: Session, person_ids: list[int], meeting: InteractionRecord, *, force: bool = False,
        stamp: datetime | None = None) -> int:
    """Record an interaction with one or more people. A command retried within minutes
    (same people, day, channel, note and flags) is refused unless `force`. `stamp` is
    when it was typed (default: now)."""
    conn = raw(session)
    stamp = stamp or dates.now()
    if not force:
        twin = queries.recent_duplicate(
            conn, person_ids, meeting.when, meeting.channel, meeting.note, meeting.gave,
            meeting.received, meeting.they_reached_out,
            (stamp - DUPLICATE_WINDOW).replace(tzinfo=None).isoformat(sep=" "),
        )
        if twin:
            raise AlreadyExists(
                f"The same interaction was logged moments ago (#{twin['id']}, at "
                f"{str(twin['logged_at'])[11:16]} UTC). Nothing was added; repeat with --force "
                "if it really happened twice."
            )
    iid = _add_interaction(session, person_ids, meeting, stamp)
    refresh_stats(session, person_ids)
    return iid


def _add_interaction(
    session: Session, person_ids: list[int], meeting: InteractionRecord, stamp: datetime
) -> int:
    item = Interaction(
        date=meeting.when, channel=meeting.channel, note=meeting.note, gave=meeting.gave,
        received=meeting.received, they_reached_out=meeting.they_reached_out, logged_at=stamp,
    )
    session.add(item)
    session.flush()
    assert item.id is not None
    for pid in dict.fromkeys(person_ids):
        session.add(InteractionPerson(interaction_id=item.id, person_id=pid))
    session.flush()
    return item.id


def _changed(session: Session, model, row_id: int, changes: dict, missing: str):
    """The row `row_id` of `model` with `changes` set and flushed; NotFound(`missing`)
    when there is no such row."""
    item = session.get(model, row_id)
    if item is None:
        raise NotFound(missing)
    for key, value in changes.items():
        setattr(item, key, value)
    session.add(item)
    session.flush()
    return item


def update_interaction(session: Session, interaction_id: int, changes: dict) -> None:
    _changed(session, Interaction, interaction_id, changes,
             f"No interaction #{interaction_id}. 'ties show NAME' lists them.")
    refresh_stats(session, sorted(_people_of(raw(session), [interaction_id])))


def delete_interaction(session: Session, interaction_id: int) -> None:
    """Delete one interaction. The calendar and mail keys it held are kept as deleted by
    you (`deleted_source`), so that re-importing the same export does not bring it back."""
    from sqlalchemy import insert

    from ties.storage.models import DeletedSource

    conn = raw(session)
    people = sorted(_people_of(conn, [interaction_id]))
    item = session.get(Interaction, interaction_id)
    if item is None:
        raise NotFound(f"No interaction #{interaction_id}. 'ties show NAME' lists them.")
    keys = conn.execute(
        'SELECT "key", person_id FROM interaction_source s WHERE interaction_id = ? AND NOT '
        'EXISTS (SELECT 1 FROM deleted_source d WHERE d."key" = s."key" AND d.person_id = '
        "s.person_id) ORDER BY 1, 2", (interaction_id,)).fetchall()
    if keys:
        session.execute(insert(DeletedSource), [{"key": k, "person_id": p} for k, p in keys])
    session.delete(item)
    session.flush()
    refresh_stats(session, people)


# Per-person stats ------------------------------------------------------------------

def _stats_rows(some: bool, materialized: str = ""):
    """person_stats rows recomputed from the interactions, as one SELECT: count, first
    and last contact, gave and received with their latest dates, in person and by voice,
    and their streak: how many interactions they started after your latest one (the
    latest by date, then id). Everyone's, or with `some` only the people in the list
    bound as `ids`.

    Each person's interactions are read once (`rows`, one lookup of the interaction per
    person in it) and the three parts (your latest day, your latest interaction on it,
    the counts) read that: SQLite otherwise joined the interactions three times, each a
    lookup per row (1.1 s of a 29,000-interaction calendar import, now 0.5 s).
    `materialized`: the dialect's word that keeps SQLite from copying `rows` into each
    reader (`dialect.Sqlite.materialized`; PostgreSQL builds a CTE read three times once)."""
    from sqlalchemy import and_, bindparam, case, func, not_, or_, select

    i, ip, p = Interaction.__table__, InteractionPerson.__table__, Person.__table__
    read = (select(ip.c.person_id.label("pid"), i.c.id, i.c.date, i.c.they_reached_out,
                   i.c.gave, i.c.received, i.c.channel)
            .join_from(ip, i, i.c.id == ip.c.interaction_id))
    if some:
        read = read.where(ip.c.person_id.in_(bindparam("ids", expanding=True)))
    r = read.cte("rows")
    if materialized:
        r = r.prefix_with(materialized.strip())
    mine_day = (select(r.c.pid, func.max(r.c.date).label("day"))
                .where(not_(r.c.they_reached_out)).group_by(r.c.pid).cte("mine_day"))
    mine = (select(mine_day.c.pid, mine_day.c.day, func.max(r.c.id).label("iid"))
            .join_from(mine_day, r, and_(r.c.pid == mine_day.c.pid, r.c.date == mine_day.c.day,
                                         not_(r.c.they_reached_out)))
            .group_by(mine_day.c.pid, mine_day.c.day).cte("mine"))

    def count(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    after_mine = or_(mine.c.day.is_(None), r.c.date > mine.c.day,
                     and_(r.c.date == mine.c.day, r.c.id > mine.c.iid))
    rows = (select(p.c.id, func.count(r.c.id), func.min(r.c.date), func.max(r.c.date),
                   count(r.c.gave), count(r.c.received),
                   func.max(case((r.c.gave, r.c.date))), func.max(case((r.c.received, r.c.date))),
                   count(and_(r.c.they_reached_out, after_mine)),
                   count(r.c.channel.in_(("in-person", "event"))),
                   count(r.c.channel.in_(("call", "video"))))
            .select_from(p).outerjoin(mine, mine.c.pid == p.c.id)
            .outerjoin(r, r.c.pid == p.c.id)
            .group_by(p.c.id))
    return rows.where(p.c.id.in_(bindparam("ids", expanding=True))) if some else rows


_STATS_COLUMNS = ("person_id", "interactions", "first_contact", "last_contact", "gave",
                  "received", "last_gave", "last_received", "their_streak", "in_person",
                  "voice")


def refresh_stats(session: Session, person_ids: Iterable[int] | None) -> None:
    """Recompute person_stats for these people (None: everyone) from their interactions:
    set-based, a delete and an insert from one aggregate SELECT per chunk of 500.

    When they are at least half of everyone (a calendar of the people you know), everyone's
    are recomputed instead: one pass over all the links in table order is cheaper than a
    lookup of each of their interactions by person (0.13 s against 0.45 s per read of the
    benchmark calendar's 114,744 links), and everyone else's come out as they were kept."""
    from sqlalchemy import bindparam, delete, insert

    stats = PersonStats.__table__
    conn = raw(session)
    once = dialect.of(conn).materialized
    if person_ids is not None:
        person_ids = list(dict.fromkeys(person_ids))
        if len(person_ids) > 1 and 2 * len(person_ids) >= conn.execute(
                "SELECT count(*) FROM person").fetchone()[0]:
            person_ids = None
    if person_ids is None:
        session.execute(delete(stats))
        session.execute(insert(stats).from_select(_STATS_COLUMNS, _stats_rows(False, once)))
        _refresh_rhythms(session, None)
        return
    ids = person_ids
    gone = delete(stats).where(stats.c.person_id.in_(bindparam("ids", expanding=True)))
    fresh = insert(stats).from_select(_STATS_COLUMNS, _stats_rows(True, once))
    for chunk in chunks(ids):
        session.execute(gone, {"ids": chunk})
        session.execute(fresh, {"ids": chunk})
    _refresh_rhythms(session, ids)


def _refresh_rhythms(session: Session, ids: list[int] | None) -> None:
    """Each person's learned rhythm (`core.rhythm.learn`) into their fresh stats row, which
    has none yet (NULL, 0): only people with a gap between contact episodes are written."""
    from sqlalchemy import bindparam, update

    rows = queries.learned_rhythms(raw(session), ids)
    if rows:
        stats = PersonStats.__table__
        session.execute(update(stats).where(stats.c.person_id == bindparam("pid"))
                        .values(rhythm_days=bindparam("typical"), rhythm_gaps=bindparam("n")),
                        [{"pid": p, "typical": t, "n": n} for p, t, n in rows])


def keep_weeks(session: Session, lists: dict[date, list[int]]) -> None:
    """Keep the lists `ties next` gave for these Mondays (`WeekList`); a week already
    kept is left as it is."""
    from sqlalchemy import select

    from ties.storage.models import WeekList

    kept = set(session.execute(select(WeekList.week).where(
        WeekList.week.in_(list(lists)))).scalars())
    for week in sorted(set(lists) - kept):
        session.add(WeekList(week=week, people=" ".join(str(n) for n in lists[week])))
    session.flush()


def add_follow_up(session: Session, person_id: int, text: str, due: date | None,
                  today: date) -> int:
    item = FollowUp(person_id=person_id, text=text, due=due, created=today)
    session.add(item)
    session.flush()
    assert item.id is not None
    return item.id


def complete_follow_up(session: Session, follow_up_id: int, today: date) -> FollowUp:
    item = session.get(FollowUp, follow_up_id)
    if item is None:
        raise NotFound(f"No follow-up #{follow_up_id}. 'ties follow-ups' lists them.")
    if item.done is not None:
        raise AlreadyExists(f"Follow-up #{follow_up_id} was already done on "
                            f"{item.done.isoformat()}.")
    item.done = today
    session.add(item)
    session.flush()
    return item


def update_follow_up(session: Session, follow_up_id: int, changes: dict) -> FollowUp:
    """Reword, reschedule or reopen a promise (`changes`: text, due and/or done, None
    clearing it)."""
    return _changed(session, FollowUp, follow_up_id, changes,
                    f"No follow-up #{follow_up_id}. 'ties follow-ups --all' lists them.")


def delete_follow_up(session: Session, follow_up_id: int) -> None:
    """Delete a promise; its id is never given out again (AUTOINCREMENT, sequences)."""
    item = session.get(FollowUp, follow_up_id)
    if item is None:
        raise NotFound(f"No follow-up #{follow_up_id}. 'ties follow-ups --all' lists them.")
    session.delete(item)
    session.flush()


def set_person_flags(session: Session, person_id: int, **changes) -> Person:
    """Archive or snooze (or undo either): the history is kept either way."""
    return _changed(session, Person, person_id, {**changes, "updated_at": dates.now()},
                    f"No one has the id @{person_id}. See 'ties list'.")


def set_setting(session: Session, key: str, value: str | None) -> None:
    """Store a setting's canonical text, or forget it (back to the default) with None."""
    from ties.storage.models import Setting

    current = session.get(Setting, key)
    if value is None:
        if current is not None:
            session.delete(current)
    elif current is None:
        session.add(Setting(key=key, value=value))
    else:
        current.value = value
        session.add(current)
    session.flush()


# Imports -----------------------------------------------------------------------------



@dataclass
class ImportResult:
    format: str
    batch_id: int | None = None
    created: list[str] = field(default_factory=list)
    updated: list[tuple[str, list[str]]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    # (name, field, the file's value, yours)
    conflicts: list[tuple[str, str, str, str]] = field(default_factory=list)
    jobs: list[tuple[str, object]] = field(default_factory=list)  # (name, reconcile.Job)
    interactions: int = 0
    follow_ups: int = 0
    settings: int = 0
    plan: object = None  # the reconcile.Plan it applied, with every reason


def _identity(conn: Connection):
    """Everyone here, indexed by what recognises them (ties.core.identity)."""
    from ties.core.identity import Index
    from ties.storage import stored

    index = Index()
    further: dict[int, list[str]] = {}
    for pid, value in conn.execute("SELECT person_id, value FROM person_contact WHERE kind = "
                                   "'email' ORDER BY person_id, position"):
        further.setdefault(pid, []).append(stored.text(value))
    for pid, linkedin, email, key, company in conn.execute(
            "SELECT id, linkedin, email, name_key, company FROM person ORDER BY id"):
        index.add(pid, key=key, company=company, email=email, linkedin=linkedin,
                  emails=further.get(pid, ()))
    return index


def _details(rec) -> dict:
    from ties.core.reconcile import listed

    return {"key": fold(rec.name), "company": rec.fields.get("company"),
            "email": rec.fields.get("email"), "linkedin": rec.fields.get("linkedin"),
            "emails": listed(rec, "email")}


def _match(rec, index) -> int | None:
    return index.match(**_details(rec))


def import_parsed(session: Session, parsed, *, source: str, today: date,
                  type_: str | None = None, tags: Iterable[str] = (),
                  progress=None) -> ImportResult:
    """Import what a reader made of a file: a whole ties document (people with their ids,
    interactions, follow-ups and settings) as `import_document` does, else people as
    `import_records` does, `type_` and `tags` given to everyone created."""
    from ties import formats

    if formats.reader_named(parsed.format).lossless:  # ids, history and settings too
        return import_document(session, parsed, source=source)
    from pathlib import PurePath

    return import_records(session, parsed, source=PurePath(source).name, today=today,
                          type_=type_, tags=tags, progress=progress)


def import_records(session: Session, parsed, *, source: str, today: date,
                   type_: str | None = None, tags: Iterable[str] = (),
                   progress=None) -> ImportResult:
    """Create the people a file describes, or fill in empty fields of those already here
    (matched on LinkedIn URL, then email, then name + company). Never overwrites: a
    different value is reported as a conflict. One batch, so it can be undone."""
    from ties.core import reconcile

    batch = _open_batch(session, parsed.format, source)
    index, current = _here(raw(session), parsed.records)
    planned = reconcile.plan(parsed.records, index, current,
                             type_=type_, tags=tags, skipped=parsed.skipped,
                             progress=progress,
                             brought=brought(raw(session), list(current), parsed.format),
                             emptied=emptied_yours(raw(session), list(current)))
    result = apply_plan(session, planned, batch=batch, today=today, format_=parsed.format)
    _finish_batch(session, batch, result)
    return result


def _here(conn: Connection, records) -> tuple:
    """Everyone here by what recognises them, and the importable fields and tags of those
    the records match (loaded at once rather than per row): `reconcile.plan`'s view of
    the store."""
    index = _identity(conn)
    return index, _current(conn, sorted({pid for rec in records
                                         if (pid := _match(rec, index)) is not None}))


def brought(conn: Connection, ids: list[int], format_: str) -> dict[int, dict[str, str]]:
    """The company and role an import of `format_` last brought each of these people
    (`import_value`): what a re-import of that kind may change (reconcile.plan)."""
    out: dict[int, dict[str, str]] = {}
    for chunk in chunks(ids):
        for pid, key, value in conn.execute(
                f"SELECT person_id, field, value FROM import_value WHERE person_id IN "
                f"({marks(chunk)}) AND format = ?", [*chunk, format_]):
            out.setdefault(pid, {})[key] = value
    return out


def emptied_yours(conn: Connection, ids: list[int]) -> dict[int, dict[str, set[str]]]:
    """The companies and roles of these people that you emptied (`ties edit --company ''`):
    empty now, though some kind of file brought a value (kept in `import_value`; an import
    that empties a job keeps '' there). Per person and field, the values files brought:
    an empty field you made is yours, and no import fills it again (reconcile.plan)."""
    out: dict[int, dict[str, set[str]]] = {}
    for chunk in chunks(ids):
        for pid, key, value in conn.execute(
                f"SELECT v.person_id, v.field, v.value FROM import_value v JOIN person p "
                f"ON p.id = v.person_id WHERE v.person_id IN ({marks(chunk)}) "
                f"AND v.value <> '' AND ((v.field = 'company' AND coalesce(p.company, '') = '') "
                f"OR (v.field = 'role' AND coalesce(p.role, '') = ''))", chunk):
            out.setdefault(pid, {}).setdefault(key, set()).add(value)
    return out


def _remember(session: Session, format_: str, values: list[tuple[int, str, str]]) -> None:
    """Record (person, field, value) as what an import of `format_` brought: the job
    fields it created, filled, changed or emptied ("": an import that emptied a job)."""
    from sqlalchemy import delete, insert

    from ties import formats
    from ties.storage.models import ImportValue

    if formats.reader_named(format_).lossless or not values:  # a backup brings no news
        return  # of anyone's job
    by_field: dict[str, list[int]] = {}
    for pid, key, _ in values:
        by_field.setdefault(key, []).append(pid)
    for key, pids in sorted(by_field.items()):  # one statement per field and chunk, not
        for chunk in chunks(sorted(set(pids))):  # per person (30,000 rows: 60,000 before)
            session.execute(delete(ImportValue).where(
                ImportValue.person_id.in_(chunk), ImportValue.field == key,
                ImportValue.format == format_).execution_options(synchronize_session=False))
    session.execute(insert(ImportValue), [
        {"person_id": pid, "field": key, "format": format_, "value": value}
        for pid, key, value in values])


def apply_plan(session: Session, planned, *, batch, today: date,
               format_: str) -> ImportResult:
    """Write what `planned` (a reconcile.Plan) says, and nothing else: its creates (with
    their ids when it keeps them), the fields and tags its updates fill in (each recorded
    in the batch, so undo can empty it again), then the interactions, follow-ups and
    settings it creates. Every row created records `batch` (None: a restore)."""
    from sqlalchemy import insert
    from sqlalchemy import update as update_

    from ties.core import reconcile
    from ties.storage.models import ImportFill, JobChange

    batch_id = batch.id if batch is not None else None
    stamp = batch.imported_at if batch is not None else dates.now()
    result = ImportResult(format=format_, skipped=planned.skipped,
                          conflicts=planned.conflicts, batch_id=batch_id, plan=planned)
    made: dict[int, int] = {}  # the plan's -n -> the id creates[n - 1] was given
    if planned.creates:
        rows = [{"name": c.name, "name_key": fold(c.name), "created": today,
                 "updated_at": stamp, "archived": False, "import_id": batch_id,
                 **{LEARNED_AT[k]: c.learned.get(k, stamp) if c.values.get(k) else None
                    for k in TALKING_POINTS}, **c.values}
                for c in planned.creates]
        columns = {k for row in rows for k in row}
        rows = [{k: row.get(k) for k in columns} for row in rows]
        for row in rows:
            for clock in ("updated_at", *LEARNED_AT.values()):
                row[clock] = _utc(row[clock])
        ids = [r[0] for r in session.execute(
            insert(Person).returning(Person.id, sort_by_parameter_order=True), rows)]
        made = {-n: pid for n, pid in enumerate(ids, 1)}
        for pid, c in zip(ids, planned.creates, strict=True):
            c.id = pid
        tag_rows = [{"person_id": pid, "tag": t}
                    for pid, c in zip(ids, planned.creates, strict=True) for t in c.tags]
        if tag_rows:
            session.execute(insert(Tag), tag_rows)
        further = [{"person_id": pid, "kind": kind, "position": n, "value": v}
                   for pid, c in zip(ids, planned.creates, strict=True)
                   for kind, values in c.contacts.items()
                   for n, v in enumerate(values[1:], 1)]
        if further:
            session.execute(insert(PersonContact), further)
        if not planned.keep_ids:  # a whole document refreshes everyone at its end
            refresh_stats(session, ids)
        result.created = [c.name for c in planned.creates]
        jobs = [{"person_id": pid, "changed_on": job["date"],
                 **{k: job[k] for k in ("company_before", "role_before", "company", "role")}}
                for pid, c in zip(ids, planned.creates, strict=True) for job in c.jobs]
        if jobs:  # earlier jobs a ties JSON file brings: they go with the person
            session.execute(insert(JobChange), jobs)
        from ties.storage.models import ImportValue

        kept = [{"person_id": pid, "field": key, "format": format_of, "value": value}
                for pid, c in zip(ids, planned.creates, strict=True)
                for format_of, found in sorted(c.brought.items())
                for key, value in sorted(found.items())]
        if kept:  # and what each kind of file had brought them
            session.execute(insert(ImportValue), kept)
        from ties.storage.models import DeletedSource

        gone = [{"key": key, "person_id": pid}
                for pid, c in zip(ids, planned.creates, strict=True) for key in c.deleted]
        if gone:  # and the imported interactions with them you had deleted
            session.execute(insert(DeletedSource), gone)
        _remember(session, format_, [(pid, key, c.values[key])
                                     for pid, c in zip(ids, planned.creates, strict=True)
                                     for key in reconcile.JOB_FIELDS if c.values.get(key)])
    # What the people an update adds addresses to have already, read at once.
    had_contacts = queries.contacts_of(raw(session), sorted(
        {u.person_id for u in planned.updates
         if any(k.startswith(("email:", "phone:")) for k in u.changes)}))
    for update in planned.updates:
        pid, name, changed = update.person_id, update.name, update.changes
        if not changed:
            result.unchanged.append(name)
            continue
        values = {k: v for k, v in changed.items() if ":" not in k}
        changed = {k: v for k, v in changed.items() if v is not None}
        for k in TALKING_POINTS:  # a talking point it fills in is learned now, or when
            if k in changed:      # the file says
                values[LEARNED_AT[k]] = _utc(update.learned.get(k, stamp))
        if values:
            session.execute(update_(Person).where(Person.id == pid).values(**values))
        for kind in ("email", "phone"):
            added = [v for k, v in changed.items() if k.startswith(f"{kind}:")]
            if added:
                had = had_contacts[pid][kind]
                _set_further(session, pid, kind, [*had[1:], *added])
        new_tags = [v for k, v in changed.items() if k.startswith("tag:")]
        if new_tags:
            session.execute(insert(Tag), [{"person_id": pid, "tag": t} for t in new_tags])
        filled = [{"batch_id": batch_id, "person_id": pid, "field": k, "value": _text(v)}
                  for k, v in changed.items()]
        if filled:  # none when the import only emptied a job (it is in job_change)
            session.execute(insert(ImportFill), filled)
        _remember(session, format_, [(pid, key, update.changes[key] or "")
                                     for key in reconcile.JOB_FIELDS if key in update.changes])
        if update.job is not None:
            session.add(JobChange(person_id=pid, changed_on=today, batch_id=batch_id,
                                  **update.job.as_dict()))
            result.jobs.append((name, update.job))
        shown = [k.split(":")[0].replace("birthday_", "birthday|").split("|")[0] for k in changed]
        result.updated.append((name, list(dict.fromkeys(shown))))
    _apply_history(session, planned, made, batch_id, today, result)
    return result


def _utc(moment: datetime | None) -> datetime | None:
    """A time from a file as the store keeps it: a time without a zone is UTC's."""
    from datetime import UTC

    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def _apply_history(session: Session, planned, made: dict[int, int], batch_id: int | None,
                   today: date, result: ImportResult) -> None:
    """The interactions, follow-ups and settings `planned` creates or sets."""
    from sqlalchemy import insert

    from ties.storage.models import FollowUp as FollowUpModel
    from ties.storage.models import ImportSetting, Setting

    def here(pid: int) -> int:
        return made.get(pid, pid)

    steps = [s for s in planned.interactions if s.action == "create"]
    rows = []
    for step in steps:
        item = step.record
        row = dict(date=item.when, channel=item.channel or "other", note=item.note,
                   they_reached_out=item.they_reached_out, gave=item.gave,
                   received=item.received, logged_at=_utc(item.logged_at) or dates.now(),
                   import_id=batch_id)
        if planned.keep_ids:
            row["id"] = item.id
        rows.append(row)
    if rows:
        ids = [r[0] for r in session.execute(
            insert(Interaction).returning(Interaction.id, sort_by_parameter_order=True), rows)]
        session.execute(insert(InteractionPerson), [
            {"interaction_id": iid, "person_id": here(p)}
            for iid, step in zip(ids, steps, strict=True) for p in step.people])
        _write_sources(session, [(iid, step.sources) for iid, step in
                                 zip(ids, steps, strict=True) if step.sources], here)
    result.interactions = len(rows)
    rows = []
    for step in (s for s in planned.follow_ups if s.action == "create"):
        item = step.record
        row = dict(person_id=here(step.people[0]), text=item.text, due=item.due,
                   created=item.created or today, done=item.done, import_id=batch_id)
        if planned.keep_ids:
            row["id"] = item.id
        rows.append(row)
    if rows:
        session.execute(insert(FollowUpModel), rows)
    result.follow_ups = len(rows)
    for step in (s for s in planned.settings if s.action == "set"):
        session.add(Setting(key=step.key, value=step.value))
        if batch_id is not None:
            session.add(ImportSetting(batch_id=batch_id, key=step.key, value=step.value))
        result.settings += 1
    session.flush()


def _write_sources(session: Session, created: list, here) -> None:
    """The calendar and mail keys a ties JSON file gives the interactions it created
    (`created`: (id here, [SourceKey]) pairs; `here` maps a plan's person to their id
    here), so that importing the same calendar or mailbox again adds nothing. A key
    already here for that person is not written twice. They belong to no import here
    (batch NULL): each goes with its interaction, also when an undo deletes it."""
    from sqlalchemy import insert

    from ties.storage.models import InteractionSource

    if not created:
        return
    known = set(queries.imported_sources(raw(session)))
    rows = []
    for iid, sources in created:
        for s in sources:
            pid = here(s.person)
            if (s.key, pid) in known:
                continue
            known.add((s.key, pid))
            rows.append({"key": s.key, "person_id": pid, "interaction_id": iid,
                         "batch_id": None, "merged": s.merged, "filled": s.filled,
                         "thread": s.thread})
    if rows:
        session.execute(insert(InteractionSource.__table__), rows)


@dataclass
class SightingsResult:
    format: str
    plan: object  # the reconcile.SightingPlan it applied
    batch_id: int | None = None
    names: dict[int, str] = field(default_factory=dict)  # the people in it, by id


def import_sightings(session: Session, sightings, *, format_: str, source: str, today: date,
                     add_new: bool = False, stage=None) -> SightingsResult:
    """Import what a calendar or mail reader found (records.Sightings) as
    `reconcile.plan_sightings` plans it, in the caller's one transaction: the people
    `add_new` adds, the interactions it creates (each recording the keys it came from),
    and the keys it merges into interactions already here (filling an empty note), then
    the stats of everyone touched. Reads what it needs in a few set-based queries and
    writes in batches; one batch records it all, so that it can be undone. `stage`, when
    given, is told "planning" and then "writing" (the progress bar)."""
    from sqlalchemy import bindparam, insert
    from sqlalchemy import update as update_

    from ties.core import reconcile
    from ties.storage.models import ImportFill, InteractionSource

    if stage is not None:
        stage("planning")
    conn = raw(session)
    found = [s.when for s in sightings.found]
    logged = queries.logged_by_hand(conn, min(found), max(found)) if found else {}
    planned = reconcile.plan_sightings(sightings, queries.addresses(conn),
                                       queries.imported_sources(conn), logged, today=today,
                                       add_new=add_new,
                                       deleted=queries.deleted_sources(conn),
                                       earlier=queries.imported_meetings(conn),
                                       created=queries.import_created(conn),
                                       threads=queries.mail_threads(conn))
    for reason, n in sightings.skipped.items():
        planned.skip(reason, n)
    result = SightingsResult(format_, planned)
    if not planned.meetings and not planned.new and not planned.corrections:
        return result
    if stage is not None:
        stage("writing")
    batch = _open_batch(session, format_, source)
    stamp = batch.imported_at
    made: dict[int, int] = {}
    if planned.new:
        rows = [{"name": p.name, "name_key": fold(p.name), "email": p.address,
                 "created": today, "updated_at": _utc(stamp), "archived": False,
                 "import_id": batch.id} for p in planned.new]
        ids = [r[0] for r in session.execute(
            insert(Person).returning(Person.id, sort_by_parameter_order=True), rows)]
        for n, (pid, p) in enumerate(zip(ids, planned.new, strict=True), 1):
            p.id, made[-n] = pid, pid

    def here(pid: int) -> int:
        return made.get(pid, pid)

    creates = [m for m in planned.meetings if m.action == "create"]
    # each created interaction's people as stored (someone `add_new` adds, by their id)
    whos = [[made.get(p, p) for p in m.people] if made else m.people for m in creates]
    if creates:
        # Numbered here, under the write lock, and written in one executemany through
        # the session by the backend (`insert_columns`): RETURNING in parameter order
        # makes SQLite insert row by row (29,000 statements for a calendar), the ORM's
        # bulk path costs a third more again, and Core's per-row work another second.
        from ties.storage import ids as numbers

        start = numbers.last_given(conn, ("interactions",))["interactions"]
        for n, m in enumerate(creates, start + 1):
            m.id = n
        records = [m.record for m in creates]
        dates_ = [r.when for r in records]
        channels = [r.channel for r in records]
        notes = [r.note for r in records]
        theirs = [r.they_reached_out for r in records]
        # Sealed as they are written: the digest `_seal` would make reading them back
        # (`_DIGESTED`: a date reads back as ISO text, a flag as 0/1, the people in id
        # order), from the same values, which saves reading back and updating every row
        # the import created (`test_import_sightings.py` holds the two equal). Nothing
        # later in the import changes them: the merges, joins and corrections below go
        # to interactions already here, numbered below `start`.
        digests = [_digest((day.isoformat(), channel, note, int(they), 0, 0,
                            tuple(sorted(who))))
                   for day, channel, note, they, who in zip(dates_, channels, notes, theirs,
                                                            whos, strict=True)]
        n = len(creates)
        conn.insert_columns(session, Interaction.__table__, {
            "id": [m.id for m in creates], "date": dates_, "channel": channels,
            "note": notes, "they_reached_out": theirs, "gave": [False] * n,
            "received": [False] * n, "logged_at": [_utc(stamp)] * n,
            "import_id": [batch.id] * n, "import_digest": digests})
        numbers.never_below(session, {"interactions": start + n})
        conn.insert_columns(session, InteractionPerson.__table__, {
            "interaction_id": [m.id for m, who in zip(creates, whos, strict=True)
                               for _ in who],
            "person_id": [pid for who in whos for pid in who]})
    # The keys each meeting records, column by column: its interaction and whether it
    # was merged on each, the note it filled on its first only, a mail key's thread.
    from itertools import chain, repeat

    roots = {s.key: s.root for s in sightings.found if s.root is not None}  # mail threads
    meetings = planned.meetings
    sizes = [len(m.keys) for m in meetings]

    def each(values) -> list:  # a value per meeting, once for each of its keys
        return list(chain.from_iterable(map(repeat, values, sizes)))

    keys = [key for m in meetings for key, _ in m.keys]
    pids = [pid for m in meetings for _, pid in m.keys]
    conn.insert_columns(session, InteractionSource.__table__, {
        "key": keys, "person_id": [made.get(p, p) for p in pids] if made else pids,
        "interaction_id": each(m.id if m.action == "create" else m.into for m in meetings),
        "batch_id": [batch.id] * len(keys),
        "merged": each(m.action == "merge" for m in meetings),
        "filled": list(chain.from_iterable((m.fill, *repeat(None, n - 1)) if n else ()
                                           for m, n in zip(meetings, sizes, strict=True))),
        "thread": list(map(roots.get, keys)) if roots else [None] * len(keys)})
    joined = [(m.into, here(p)) for m in planned.meetings for p in m.joins]
    if joined:  # someone added since joins an interaction an earlier import created;
        # the fill row is what undo takes back (JOINED, one per interaction and person)
        session.execute(insert(InteractionPerson.__table__), [
            {"interaction_id": iid, "person_id": pid} for iid, pid in joined])
        session.execute(insert(ImportFill), [
            {"batch_id": batch.id, "person_id": pid, "field": f"{JOINED}{iid}", "value": ""}
            for iid, pid in joined])
    now = {iid: theirs for iid, _, theirs, _ in planned.corrections}
    corrected = sorted(now)
    if corrected:  # who reached out, as the organizer or the thread's first message now
        # known says; the fill row (REACHED, on one of its people, with the value it
        # had) is what undo puts back
        owners: dict[int, int] = {}
        rows_ = Interaction.__table__
        for chunk in chunks(corrected):
            owners.update(conn.execute(
                "SELECT interaction_id, min(person_id) FROM interaction_person WHERE "
                f"interaction_id IN ({marks(chunk)}) GROUP BY interaction_id", chunk))
            for value in (True, False):
                ids = [iid for iid in chunk if now[iid] is value]
                if ids:
                    session.execute(update_(rows_).where(rows_.c.id.in_(ids))
                                    .values(they_reached_out=value))
        session.execute(insert(ImportFill), [
            {"batch_id": batch.id, "person_id": owners[iid], "field": f"{REACHED}{iid}",
             "value": "0" if now[iid] else "1"} for iid in corrected if iid in owners])
    fills = [{"i": m.into, "n": m.fill} for m in planned.meetings if m.fill]
    if fills:
        rows_ = Interaction.__table__
        session.execute(update_(rows_).where(rows_.c.id == bindparam("i"),
                                             rows_.c.note.is_(None))
                        .values(note=bindparam("n")), fills)
    touched = sorted({pid for who in whos for pid in who} | set(made.values())
                     | {pid for _, pid in joined}
                     | queries.people_in(conn, corrected))
    refresh_stats(session, touched)
    batch.created = len(planned.new)
    session.add(batch)
    session.flush()
    _seal(session, batch.id)
    result.batch_id = batch.id
    people = {p for m in planned.meetings for p in m.people}
    people = sorted({made.get(p, p) for p in people} if made else people)
    for chunk in chunks(people):
        result.names.update(conn.execute(
            f"SELECT id, name FROM person WHERE id IN ({marks(chunk)})", chunk).fetchall())
    return result


def _open_batch(session: Session, format_: str, source: str):
    from ties.storage import ids
    from ties.storage.models import ImportBatch

    session.info["ties_imports_before"] = ids.last_given(raw(session))["imports"]
    batch = ImportBatch(format=format_, source=source, imported_at=dates.now())
    session.add(batch)
    session.flush()
    return batch


def _finish_batch(session: Session, batch, result: ImportResult) -> None:
    """Count what the import did, and record how each row it created looked, so that undo
    can tell whether you changed it since. An import that did nothing leaves no trace."""
    if not (result.created or result.updated or result.interactions or result.follow_ups
            or result.settings):
        from ties.storage import ids

        session.delete(batch)
        session.flush()
        ids.take_back(session, "imports", session.info["ties_imports_before"])
        result.batch_id = None
        return
    batch.created, batch.updated = len(result.created), len(result.updated)
    session.add(batch)
    session.flush()
    _seal(session, batch.id)


# What an import created, as it created it: a digest per row (the row's values, with a
# person's tags and an interaction's people) recorded at import and compared at undo.
# Clocks are left out (updated_at, logged_at): only what you can see and change counts.
_DIGESTED = {
    "person": ("SELECT id, name, " + ", ".join(IMPORT_FIELDS) + ", created, archived, "
               "snoozed_until FROM person WHERE id IN ({})",
               "SELECT person_id, tag FROM tag WHERE person_id IN ({}) ORDER BY 1, 2"),
    "interaction": ("SELECT id, date, channel, note, they_reached_out, gave, received "
                    "FROM interaction WHERE id IN ({})",
                    "SELECT interaction_id, person_id FROM interaction_person WHERE "
                    "interaction_id IN ({}) ORDER BY 1, 2"),
    "follow_up": ("SELECT id, person_id, text, due, created, done FROM follow_up "
                  "WHERE id IN ({})", None),
}


def _values(conn, table: str, ids: list[int]) -> dict[int, tuple]:
    """What a digest covers, for these rows of `table`."""
    rows_sql, parts_sql = _DIGESTED[table]
    out: dict[int, tuple] = {}
    for chunk in chunks(ids):
        places = marks(chunk)
        values = {r[0]: tuple(r[1:]) for r in conn.execute(rows_sql.format(places), chunk)}
        parts: dict[int, list] = {i: [] for i in values}
        if parts_sql:
            for owner, part in conn.execute(parts_sql.format(places), chunk):
                parts[owner].append(part)
        out.update({i: (*values[i], tuple(parts[i])) for i in values})
        if table == "person":  # further addresses, where there are any (so a digest
            further: dict[int, list] = {}  # sealed before they existed still matches)
            for pid, kind, value in conn.execute(
                    f"SELECT person_id, kind, value FROM person_contact WHERE person_id IN "
                    f"({places}) ORDER BY person_id, kind, position", chunk):
                further.setdefault(pid, []).append((kind, value))
            for pid, found in further.items():
                if pid in out:
                    out[pid] = (*out[pid], tuple(found))
    return out


def _digest(values: tuple) -> str:
    import hashlib

    return hashlib.blake2b(repr(values).encode(), digest_size=16).hexdigest()


def _seal(session: Session, batch_id: int) -> None:
    from sqlalchemy import bindparam, update

    from ties.storage.models import FollowUp as FollowUpModel

    conn = raw(session)
    for table, model in (("person", Person), ("interaction", Interaction),
                         ("follow_up", FollowUpModel)):
        ids = [r[0] for r in conn.execute(f"SELECT id FROM {table} WHERE import_id = ? AND "
                                          "import_digest IS NULL", (batch_id,))]
        sealed = [{"d": _digest(v), "i": i} for i, v in _values(conn, table, ids).items()]
        if not sealed:
            continue
        rows = model.__table__
        session.execute(update(rows).where(rows.c.id == bindparam("i"))
                        .values(import_digest=bindparam("d")), sealed)


def _text(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _current(conn: Connection, ids: list[int]) -> dict[int, dict]:
    """The importable fields and tags of these people, in chunked queries."""
    cols = ", ".join(("id", "name") + IMPORT_FIELDS)
    out: dict[int, dict] = {}
    for chunk in chunks(ids):
        places = marks(chunk)
        cur = conn.execute(f"SELECT {cols} FROM person WHERE id IN ({places})", chunk)
        names = [c[0] for c in cur.description]
        for row in cur.fetchall():
            out[row[0]] = {**dict(zip(names, row, strict=True)), "tags": []}
        for pid, tag in conn.execute(
                f"SELECT person_id, tag FROM tag WHERE person_id IN ({places})", chunk):
            out[pid]["tags"].append(tag)
    for pid, lists in queries.contacts_of(conn, list(out)).items():
        out[pid]["emails"], out[pid]["phones"] = lists["email"], lists["phone"]
    return out


@dataclass
class Undone:
    batch_id: int
    people: int = 0
    interactions: int = 0
    follow_ups: int = 0
    settings: int = 0
    restored: int = 0  # people already here whose filled-in fields were emptied again
    unmerged: int = 0  # interactions here it had been merged into, left as they were
    sorted: int = 0  # of the people it created, those you had typed or archived since
    left: int = 0  # people it had added to interactions an earlier import created, taken out
    put_back: int = 0  # interactions whose "they reached out" it had corrected, put back
    jobs: int = 0  # people whose earlier company or role it put back
    jobs_kept: list[str] = field(default_factory=list)  # those whose job you changed since


def _unmerge(session: Session, batch_id: int) -> int:
    """Forget the keys a calendar or mail import recorded, and empty the notes it filled
    in on interactions logged by hand (still as it filled them: `_changed_since` refused
    otherwise). How many interactions logged by hand it had been merged into (not those
    an earlier import created, which it joined or added a message of a thread to)."""
    from sqlalchemy import delete, update

    from ties.storage.models import InteractionSource

    conn = raw(session)
    merged = conn.execute("SELECT DISTINCT interaction_id FROM interaction_source WHERE "
                          "batch_id = ? AND merged AND interaction_id NOT IN (SELECT "
                          "interaction_id FROM interaction_source WHERE NOT merged)",
                          (batch_id,)).fetchall()
    for iid, filled in conn.execute(
            "SELECT interaction_id, filled FROM interaction_source WHERE batch_id = ? AND "
            "merged AND filled IS NOT NULL", (batch_id,)).fetchall():
        session.execute(update(Interaction).where(Interaction.id == iid,
                                                  Interaction.note == filled)
                        .values(note=None).execution_options(synchronize_session=False))
    session.execute(delete(InteractionSource).where(InteractionSource.batch_id == batch_id)
                    .execution_options(synchronize_session=False))
    return len(merged)


def undo_import(session: Session, batch_id: int | None) -> Undone:
    """Take an import back: delete the people, interactions and follow-ups it created,
    forget the settings it added and empty the fields it filled in (where they still hold
    what it put there). Refused, naming each change, when you changed since anything it
    created: edited such a person, logged or promised something with them, or edited one
    of its interactions or follow-ups. Sorting the people it created (a type it left
    empty, or archiving them, as `ties triage` does) is no such change: they go, and
    `Undone.sorted` counts them."""
    from sqlalchemy import delete, update
    from sqlmodel import select

    from ties.storage.models import FollowUp as FollowUpModel
    from ties.storage.models import ImportBatch, ImportFill, ImportSetting, Setting

    if batch_id is None:
        batch = session.exec(select(ImportBatch).where(ImportBatch.undone_at.is_(None))
                             .order_by(ImportBatch.id.desc()).limit(1)).first()
        if batch is None:
            raise NotFound("There is no import to undo. 'ties imports' lists them.")
    else:
        batch = session.get(ImportBatch, batch_id)
        if batch is None:
            raise NotFound(f"No import #{batch_id}. 'ties imports' lists them.")
    if batch.undone_at is not None:
        raise AlreadyExists(f"Import #{batch.id} was already undone.")
    conn = raw(session)
    sorted_: list[int] = []
    changes = _changed_since(conn, batch, sorted_)
    if changes:
        shown = "; ".join(changes[:5]) + (f"; and {len(changes) - 5} more"
                                          if len(changes) > 5 else "")
        raise AlreadyExists(
            f"Import #{batch.id} can't be undone: what it created has changed since "
            f"({shown}). Nothing was changed; take those changes back first, or keep the "
            "import and remove what you don't want with 'ties rm'.")
    done = Undone(batch.id)
    done.unmerged = _unmerge(session, batch.id)
    created = list(session.exec(select(Person.id).where(Person.import_id == batch.id)))
    # People who were here before and shared an interaction it created: their stats change.
    others = list(session.exec(
        select(InteractionPerson.person_id).distinct()
        .join(Interaction, Interaction.id == InteractionPerson.interaction_id)
        .join(Person, Person.id == InteractionPerson.person_id)
        .where(Interaction.import_id == batch.id,
               Person.import_id.is_distinct_from(batch.id))))
    unsynced = {"synchronize_session": False}  # set-based: no objects are loaded to match
    done.interactions = session.execute(
        delete(Interaction).where(Interaction.import_id == batch.id)
        .execution_options(**unsynced)).rowcount
    done.follow_ups = session.execute(
        delete(FollowUpModel).where(FollowUpModel.import_id == batch.id)
        .execution_options(**unsynced)).rowcount
    for added in session.exec(select(ImportSetting).where(ImportSetting.batch_id == batch.id)
                              ).all():
        gone = session.execute(delete(Setting).where(Setting.key == added.key,
                                                     Setting.value == added.value)
                               .execution_options(**unsynced))
        done.settings += max(gone.rowcount, 0)
    fills = session.exec(select(ImportFill).where(ImportFill.batch_id == batch.id)).all()
    left = [(int(f.field[len(JOINED):]), f.person_id) for f in fills
            if f.field.startswith(JOINED)]
    for iid, pid in left:  # the people it added to interactions an earlier import made
        session.execute(delete(InteractionPerson).where(InteractionPerson.interaction_id == iid,
                                                        InteractionPerson.person_id == pid)
                        .execution_options(**unsynced))
    others += [pid for _, pid in left if pid not in created]
    put_back = [(int(f.field[len(REACHED):]), f.value == "1") for f in fills
                if f.field.startswith(REACHED)]
    for iid, was in put_back:  # who reached out, as it was before it corrected it
        session.execute(update(Interaction).where(Interaction.id == iid)
                        .values(they_reached_out=was).execution_options(**unsynced))
    others += sorted(queries.people_in(conn, [iid for iid, _ in put_back]) - set(created))
    fills = [f for f in fills if not f.field.startswith((JOINED, REACHED))]
    moved_back, kept_jobs = _jobs_back(session, batch)
    restored: set[int] = set()
    for fill in fills:
        kind = fill.field.split(":")[0]
        # LEARNED_BEFORE: what a schema-7 import kept, which m008 made moot
        if fill.field == LEARNED_BEFORE or (fill.person_id, fill.field) in moved_back:
            continue
        if kind in ("email", "phone"):  # an address it added: taken out of their list
            _forget_contact(session, fill.person_id, kind, fill.value)
        elif fill.field.startswith("tag:"):
            session.execute(delete(Tag).where(Tag.person_id == fill.person_id,
                                              Tag.tag == fill.value)
                            .execution_options(**unsynced))
        else:
            column = getattr(Person, fill.field)
            now_value = session.exec(select(column).where(Person.id == fill.person_id)).first()
            if now_value is not None and _text(now_value) == fill.value:
                emptied = {fill.field: None}
                if fill.field in LEARNED_AT:  # a talking point emptied is known no more
                    emptied[LEARNED_AT[fill.field]] = None
                session.execute(update(Person).where(Person.id == fill.person_id)
                                .values(emptied).execution_options(**unsynced))
                _forget_brought(session, fill.person_id, fill.field, batch.format,
                                fill.value)
        restored.add(fill.person_id)
    for chunk in chunks(created):
        session.execute(delete(Person).where(Person.id.in_(chunk))
                        .execution_options(**unsynced))
    refresh_stats(session, others)
    batch.undone_at = dates.now()
    session.add(batch)
    session.flush()
    done.people, done.restored = len(created), len(restored)
    done.sorted = len(sorted_)
    done.left = len(left)
    done.put_back = len(put_back)
    done.jobs = len({pid for pid, _ in moved_back}) - len(kept_jobs)
    done.jobs_kept = kept_jobs
    return done


JOINED = "joined:#"
"""The import_fill rows of a calendar or mail import naming someone it added to an
interaction an earlier import created ("joined:#12"): undo takes them out of it again."""

REACHED = "reached:#"
"""The import_fill rows of a calendar import that corrected who reached out in an
interaction an earlier import created ("reached:#12", the value it had): undo puts it
back."""


def _forget_brought(session: Session, person_id: int, key: str, format_: str,
                    value: str) -> None:
    """An undone import no longer brought `value`: its kind of file's record of it goes."""
    from sqlalchemy import delete

    from ties.storage.models import ImportValue

    session.execute(delete(ImportValue).where(
        ImportValue.person_id == person_id, ImportValue.field == key,
        ImportValue.format == format_, ImportValue.value == value)
        .execution_options(synchronize_session=False))


def _jobs_back(session: Session, batch) -> tuple[set[tuple[int, str]], list[str]]:
    """Undo the job changes an import made, each whole or not at all: where the company
    and role both still hold what it set, they get what they held before; where you
    changed either since, both stay as they are (a job is one thing: the earlier role at
    the company you typed is a job they never had). What that kind of file brought goes
    back to the earlier value, and the history entry goes; where the job stays yours, the
    entry stays in the history, no longer the import's (the job they had before is kept
    there, not lost with the import). The (person, field) pairs it handled (put back or
    left as yours), and the names of those whose job it left."""
    from sqlalchemy import delete, update

    from ties.core import reconcile
    from ties.storage.models import JobChange

    handled: set[tuple[int, str]] = set()
    kept: list[str] = []
    stays: list[int] = []  # the history entries of jobs left as yours
    changes = raw(session).execute(
        "SELECT j.id, j.person_id, j.company_before, j.role_before, j.company, j.role, "
        "p.company, p.role, p.name FROM job_change j JOIN person p ON p.id = j.person_id "
        "WHERE j.batch_id = ? ORDER BY j.id", (batch.id,)).fetchall()
    later = {pid: last for pid, last in raw(session).execute(
        "SELECT person_id, max(id) FROM job_change WHERE person_id IN (SELECT person_id "
        "FROM job_change WHERE batch_id = ?) GROUP BY person_id", (batch.id,))}
    for jid, pid, *values, name in changes:
        before = dict(zip(reconcile.JOB_FIELDS, values[0:2], strict=True))
        after = dict(zip(reconcile.JOB_FIELDS, values[2:4], strict=True))
        now = dict(zip(reconcile.JOB_FIELDS, values[4:6], strict=True))
        back = {}
        # yours: changed since, or changed and changed back (a move you recorded since,
        # `edit --moved`, is in the history after the import's: their job is yours)
        yours = any((now[key] or None) != (after[key] or None)
                    for key in reconcile.JOB_FIELDS) or later[pid] > jid
        if yours:
            kept.append(name)
            stays.append(jid)
        for key in reconcile.JOB_FIELDS:
            handled.add((pid, key))
            if before[key] == after[key]:
                continue
            if not yours:
                back[key] = before[key]
            _forget_brought(session, pid, key, batch.format, after[key] or "")
            if before[key]:
                _remember(session, batch.format, [(pid, key, before[key])])
        if back:
            session.execute(update(Person).where(Person.id == pid).values(**back)
                            .execution_options(synchronize_session=False))
    if stays:
        session.execute(update(JobChange).where(JobChange.id.in_(stays)).values(batch_id=None)
                        .execution_options(synchronize_session=False))
    session.execute(delete(JobChange).where(JobChange.batch_id == batch.id)
                    .execution_options(synchronize_session=False))
    return handled, sorted(kept)


LEARNED_BEFORE = "learned_at:before"
"""The import_fill row a schema-7 store kept with when a person had learned their talking
points before an import filled one in. Since m008 each talking point an undo empties
loses its own time, so undo passes these rows over."""


def _forget_contact(session: Session, person_id: int, kind: str, value: str) -> None:
    """Take one address (or number) out of a person's list, wherever it now is; the next
    one becomes the primary when it was the primary."""
    from ties.core import contacts

    person = session.get(Person, person_id)
    have = queries.contacts_of(raw(session), [person_id])[person_id][kind]
    if person is None or not contacts.has(kind, have, value):
        return
    k = contacts.key(kind, value)
    set_contacts(session, person, kind, [v for v in have if contacts.key(kind, v) != k])
    session.flush()


# Where a person's type and archived flag are in what their digest covers (`_values`).
_TYPE_AT = 1 + IMPORT_FIELDS.index("type")
_ARCHIVED_AT = 1 + len(IMPORT_FIELDS) + 1


def _only_sorted(values: tuple, digest: str) -> bool:
    """Whether a person an import created differs from how it created them only by being
    sorted, as `ties triage` does: given a type the import left empty, or archived. That
    is sorting what the import brought, not your edit of it, so it does not keep the
    import from being undone (the person goes, sorted or not)."""
    if _digest(values) == digest:
        return False
    kind, archived = values[_TYPE_AT], values[_ARCHIVED_AT]
    for was_kind, was_archived in ((None, archived), (kind, type(archived)(0)),
                                   (None, type(archived)(0))):
        before = list(values)
        before[_TYPE_AT], before[_ARCHIVED_AT] = was_kind, was_archived
        if _digest(tuple(before)) == digest:
            return True
    return False


def _changed_since(conn, batch, sorted_: list[int] | None = None) -> list[str]:
    """What you changed, since the import, of what it created; in words, for the refusal.
    The people it created that you only sorted since (`_only_sorted`) are no change:
    their ids go to `sorted_`."""
    people = conn.execute("SELECT id, name, updated_at, import_digest FROM person WHERE "
                          "import_id = ? ORDER BY name_key, id", (batch.id,)).fetchall()
    names = {pid: name for pid, name, _, _ in people}
    now_people = _values(conn, "person", [p[0] for p in people if p[3] is not None])
    stamp = batch.imported_at.replace(tzinfo=None).isoformat(sep=" ")[:19]
    ids = list(names)
    # A later import that filled in one of them (Google adding the birthday of someone
    # LinkedIn brought) changed them too: named, with the undo that goes first.
    filled_by: dict[int, int] = {}
    for chunk in chunks(ids):
        filled_by.update(conn.execute(
            "SELECT f.person_id, max(b.id) FROM import_fill f JOIN import_batch b ON "
            f"b.id = f.batch_id WHERE f.person_id IN ({marks(chunk)}) AND b.id > ? AND "
            "b.undone_at IS NULL GROUP BY f.person_id", [*chunk, batch.id]).fetchall())
    changes = []
    for pid, name, updated, digest in people:
        # An import from before digests (schema 1) stamped its people with its own time.
        if digest and _only_sorted(now_people[pid], digest):
            if sorted_ is not None:
                sorted_.append(pid)
            continue
        if (_digest(now_people[pid]) != digest) if digest else str(updated)[:19] != stamp:
            later = filled_by.get(pid)
            changes.append(f"{name} was edited" if later is None else
                           f"import #{later} added to {name}: undo it first with "
                           f"'ties import --undo --batch {later}'")
    # Where it added one of them to an interaction an earlier import made (they joined
    # that meeting): its own doing, which undo takes back, not something logged since.
    joined = {(int(f[len(JOINED):]), pid) for pid, f in conn.execute(
        "SELECT person_id, field FROM import_fill WHERE batch_id = ? AND field LIKE ?",
        (batch.id, JOINED + "%"))}
    logged: dict[int, int] = {}
    promised: dict[int, int] = {}
    for chunk in chunks(ids):
        places = marks(chunk)
        for iid, pid in conn.execute(
                "SELECT ip.interaction_id, ip.person_id FROM interaction_person ip JOIN "
                f"interaction i ON i.id = ip.interaction_id WHERE ip.person_id IN ({places}) "
                "AND (i.import_id IS NULL OR i.import_id <> ?)", [*chunk, batch.id]):
            if (iid, pid) not in joined:
                logged[iid] = min(pid, logged.get(iid, pid))
        for fid, pid in conn.execute(
                f"SELECT id, person_id FROM follow_up WHERE person_id IN ({places}) AND "
                "(import_id IS NULL OR import_id <> ?)", [*chunk, batch.id]):
            promised[fid] = pid
    changes += [f"interaction #{iid} was logged with {names[pid]}"
                for iid, pid in sorted(logged.items())]
    changes += [f"the note of interaction #{iid}, which it filled in, was changed"
                for iid, filled, note in conn.execute(
                    "SELECT s.interaction_id, s.filled, i.note FROM interaction_source s "
                    "JOIN interaction i ON i.id = s.interaction_id WHERE s.batch_id = ? AND "
                    "s.merged AND s.filled IS NOT NULL ORDER BY 1", (batch.id,)).fetchall()
                if note != filled]
    changes += [f"follow-up #{fid} was added for {names[pid]}"
                for fid, pid in sorted(promised.items())]
    # A later import that added someone to one of its interactions (they were added to
    # ties since): named, with the undo that goes first.
    joined_by: dict[int, int] = {}
    for f, b in conn.execute(
            "SELECT f.field, max(b.id) FROM import_fill f JOIN import_batch b ON b.id = "
            "f.batch_id WHERE (f.field LIKE ? OR f.field LIKE ?) AND b.id > ? AND "
            "b.undone_at IS NULL GROUP BY f.field", (JOINED + "%", REACHED + "%", batch.id)):
        iid = int(f.split("#", 1)[1])
        joined_by[iid] = max(joined_by.get(iid, 0), b)
    for table, label in (("interaction", "interaction"), ("follow_up", "follow-up")):
        sealed = dict(conn.execute(f"SELECT id, import_digest FROM {table} WHERE import_id = ? "
                                   "AND import_digest IS NOT NULL ORDER BY id", (batch.id,))
                      .fetchall())
        for rid, values in sorted(_values(conn, table, list(sealed)).items()):
            if _digest(values) == sealed[rid]:
                continue
            if table == "follow_up" and values[4] and _digest((*values[:4], None, *values[5:])
                                                              ) == sealed[rid]:
                changes.append(f"follow-up #{rid} was marked done (reopen it: 'ties "
                               f"follow-ups edit {rid} --reopen')")
            elif table == "interaction" and rid in joined_by:
                later = joined_by[rid]
                changes.append(f"import #{later} added to interaction #{rid}: undo it first "
                               f"with 'ties import --undo --batch {later}'")
            else:
                changes.append(f"{label} #{rid} was changed")
    return changes


def import_document(session: Session, parsed, *, source: str,
                    restore: bool = False) -> ImportResult:
    """Read a ties JSON export: people (ids kept in a store that never gave out an id,
    else matched like any import), interactions, follow-ups and settings, as
    `reconcile.plan_history` plans them. Nothing already here is overwritten, and what is
    already here is not added twice. One batch records every row it creates, so that it
    can be undone; a `restore` (into a store just emptied) keeps every id and records no
    batch."""
    from ties.core import reconcile
    from ties.storage import ids

    conn = raw(session)
    used = ids.last_given(conn)
    # Ids are kept only where they can't be mistaken for ones this store gave out before.
    keep = restore or (queries.count_people(conn) == 0
                       and not (used["people"] or used["interactions"] or used["follow_ups"]))
    batch = None if restore else _open_batch(session, "ties", source)
    if keep:
        planned = reconcile.plan_kept(parsed.records)
    else:
        planned = reconcile.plan(parsed.records, *_here(conn, parsed.records),
                                 skipped=parsed.skipped)
    reconcile.plan_history(planned, parsed.records, parsed.interactions, parsed.follow_ups,
                           parsed.settings, here_interactions=queries.interactions_by_key(conn),
                           here_promises=queries.promises_by_key(conn),
                           your_settings=queries.stored_settings(conn))
    result = apply_plan(session, planned, batch=batch, today=dates.today(), format_="ties")
    if keep:  # rows came with their ids: new ones number past them, and past the ids the
        ids.never_below(session, parsed.last_ids or {})  # file's store had given out
    refresh_stats(session, None)
    if batch is not None:
        _finish_batch(session, batch, result)
    return result


def replace_everything(session: Session, parsed, *, source: str) -> ImportResult:
    """Empty the store and read a ties JSON backup into it, ids kept (a restore). The
    caller's one transaction makes it all or nothing."""
    from sqlalchemy import delete

    from ties.storage.models import (
        DeletedSource,
        ImportBatch,
        ImportFill,
        ImportSetting,
        ImportValue,
        InteractionSource,
        JobChange,
        Setting,
        WeekList,
    )

    # Rows that point at others first, so that no foreign key is left dangling meanwhile.
    # The weeks' kept lists go too: they were the replaced store's (the next write
    # rebuilds them from the restored history).
    for model in (InteractionSource, DeletedSource, InteractionPerson, Tag, PersonContact,
                  FollowUp, ImportFill, ImportSetting, JobChange, ImportValue,
                  PersonStats, Interaction, Person, ImportBatch, Setting, WeekList):
        session.execute(delete(model).execution_options(synchronize_session=False))
    return import_document(session, parsed, source=source, restore=True)


def _merge_in_week_lists(session: Session, keep_id: int, other_id: int) -> None:
    """A week's kept list that suggested the person merged away suggested the one kept
    (once, in the better place), so that follow-through counts a contact with either. A
    list damaged outside ties is left as it is (follow-through leaves it out)."""
    from sqlalchemy import update

    from ties.storage.models import WeekList

    session.flush()
    for week, ids in queries.kept_lists(raw(session)).items():
        if other_id in ids:
            merged = [keep_id if n == other_id else n for n in ids]
            session.execute(update(WeekList).where(WeekList.week == week).values(
                people=" ".join(str(n) for n in dict.fromkeys(merged)))
                .execution_options(synchronize_session=False))


def _kept_learned(person: Person, taken: dict, other: dict[str, datetime | None]) -> None:
    """Date each talking point a merge keeps by when its value was learned: the other's
    time (`other`, per talking point) for one taken from them, the kept person's own
    otherwise (a merge teaches you nothing new, so it is never the merge's own time);
    none for one left empty."""
    for k in TALKING_POINTS:
        when = other[k] if k in taken else getattr(person, LEARNED_AT[k])
        setattr(person, LEARNED_AT[k], _utc(when) if getattr(person, k) else None)


def merge_people(session: Session, keep_id: int, other_id: int) -> object:
    """Combine `other` into `keep`: fields (see merging.plan), tags, every interaction and
    follow-up; then delete `other`. Returns the plan that was applied."""
    from sqlalchemy import delete, select, update
    from sqlalchemy.orm import aliased

    from ties.core import merging
    from ties.storage.models import FollowUp as FollowUpModel

    if keep_id == other_id:
        raise AlreadyExists("That is the same person twice; name two different people.")
    conn = raw(session)
    keep, other = queries.profile(conn, keep_id), queries.profile(conn, other_id)
    learned = queries.merge_facts(conn, [keep_id, other_id])
    merge = merging.plan({**keep, **learned[keep_id]}, {**other, **learned[other_id]})
    person = session.get(Person, keep_id)
    other_person = session.get(Person, other_id)
    other_learned = {k: getattr(other_person, LEARNED_AT[k]) for k in TALKING_POINTS}
    for key, value in merge.take.items():
        setattr(person, key, value)
    person.notes = merge.notes
    _kept_learned(person, merge.take, other_learned)
    person.updated_at = dates.now()
    session.add(person)
    for t in merge.tags:
        session.add(Tag(person_id=keep_id, tag=t))
    for kind, values in merge.contacts.items():
        set_contacts(session, person, kind, values)
    # InteractionRecords both were at stay once, as the kept person's.
    kept = aliased(InteractionPerson)
    unsynced = {"synchronize_session": False}  # set-based: no objects are loaded to match
    session.execute(delete(InteractionPerson).where(
        InteractionPerson.person_id == other_id,
        InteractionPerson.interaction_id.in_(
            select(kept.interaction_id).where(kept.person_id == keep_id)))
        .execution_options(**unsynced))
    session.execute(update(InteractionPerson).where(InteractionPerson.person_id == other_id)
                    .values(person_id=keep_id).execution_options(**unsynced))
    session.execute(update(FollowUpModel).where(FollowUpModel.person_id == other_id)
                    .values(person_id=keep_id).execution_options(**unsynced))
    from ties.storage.models import JobChange  # their job changes stay in the history

    session.execute(update(JobChange).where(JobChange.person_id == other_id)
                    .values(person_id=keep_id).execution_options(**unsynced))
    # The calendar and mail keys recorded for them become the kept person's (a key both
    # were recorded for stays once), so a re-import adds nothing for either.
    from ties.storage.models import DeletedSource, InteractionSource

    for model in (InteractionSource, DeletedSource):  # and so are those of what you deleted
        kept = aliased(model)
        session.execute(delete(model).where(
            model.person_id == other_id,
            model.key.in_(select(kept.key).where(kept.person_id == keep_id)))
            .execution_options(**unsynced))
        session.execute(update(model).where(model.person_id == other_id)
                        .values(person_id=keep_id).execution_options(**unsynced))
    _merge_in_week_lists(session, keep_id, other_id)
    session.flush()
    session.delete(session.get(Person, other_id))
    session.flush()
    refresh_stats(session, [keep_id])
    return merge
