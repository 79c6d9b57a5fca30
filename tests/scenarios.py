"""The shape of a ranking scenario (issue 17, item 6): a small store described in a few
lines, built at fixed dates through the store layer (as the commands build it), then read
back through the real `ties next --json` at a fixed TIES_TODAY, with the expected top pick
and the words its reasons must contain.

    Scenario("strategic_outranks_tactical_equally_late",
             people={"Ana": P("tactical", logs=[120]), "Bo": P("strategic", logs=[84])},
             top="Bo", reasons=["overdue by 6 weeks"])

Every date is counted in days before the scenario's `today` (a log of 40 is an
interaction 40 days before it; a promise due -3 was due 3 days ago... see `Promise`), so a
scenario reads as the situation it describes. tests/test_scenarios.py holds the list;
tests/test_scenarios_rhythm.py and tests/test_scenarios_jobs.py add theirs in the same shape
(`from scenarios import P, Log, Promise, Scenario, check`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta

TODAY = date(2025, 3, 14)  # a Friday: TIES_TODAY in conftest


@dataclass(frozen=True)
class Log:
    """An interaction `ago` days before today, and what happened in it."""

    ago: int
    note: str | None = None
    channel: str = "call"
    gave: bool = False  # you helped them
    received: bool = False  # they helped you
    theirs: bool = False  # they reached out


@dataclass(frozen=True)
class Promise:
    """A promise made `made` days before today, due `due` days after today (negative:
    overdue; None: undated), done `done` days before today (None: open)."""

    text: str
    due: int | None = None
    made: int = 0
    done: int | None = None


@dataclass(frozen=True)
class P:
    """A person: their type, interactions (days ago, or `Log`s), and the rest of what
    ranks them. `added` (days ago) defaults to the day of their first interaction."""

    type: str | None = "social"
    logs: tuple | list = ()
    added: int | None = None
    every: int | None = None  # a personal cadence, in days (ties add --every)
    promises: tuple | list = ()
    birthday: tuple[int, int] | None = None  # (month, day)
    industry: str | None = None
    company: str | None = None
    archived: bool = False
    snoozed: int | None = None  # snoozed until this many days after today
    imported: bool = False  # created by an import
    fields: dict = field(default_factory=dict)  # any other column of person


@dataclass(frozen=True)
class Scenario:
    """A named situation: the store, the day, the expected top pick (None: no one is
    suggested) and substrings its reasons must contain; `absent` are never suggested;
    `listed` must all be suggested; `args` go to `ties next`."""

    name: str
    people: dict[str, P]
    top: str | None
    reasons: tuple | list = ()
    today: date = TODAY
    args: tuple | list = ()
    settings: dict = field(default_factory=dict)
    absent: tuple | list = ()
    listed: tuple | list = ()
    not_reasons: tuple | list = ()  # substrings no reason of the top pick contains

    def __str__(self) -> str:
        return self.name


def _log(entry) -> Log:
    return entry if isinstance(entry, Log) else Log(int(entry))


def build(db_path, scenario: Scenario) -> None:
    """Fill the (empty) test store with the scenario's people, in one transaction."""
    from ties.core import settings as config
    from ties.core.records import InteractionRecord
    from ties.storage import db, store

    today = scenario.today
    conn = db.open_store(db_path)
    session = db.orm_session(conn)
    try:
        with session.begin():
            for key, value in scenario.settings.items():
                store.set_setting(session, key, config.stored_form(key, str(value)))
            batch = None
            for name, p in scenario.people.items():
                logs = sorted((_log(e) for e in p.logs), key=lambda g: -g.ago)
                added = p.added if p.added is not None else (logs[0].ago if logs else 0)
                fields = {"type": p.type, "industry": p.industry, "company": p.company,
                          "cadence_days": p.every, "archived": p.archived, **p.fields}
                if p.birthday:
                    fields["birthday_month"], fields["birthday_day"] = p.birthday
                if p.snoozed is not None:
                    fields["snoozed_until"] = today + timedelta(days=p.snoozed)
                if p.imported:
                    if batch is None:
                        batch = store._open_batch(session, "csv", "scenario.csv")
                    fields["import_id"] = batch.id
                pid = store.add_person(session, name=name, fields=fields, tags=[],
                                       today=today - timedelta(days=added), first=None,
                                       another=True)
                for g in logs:
                    store.log(session, [pid], InteractionRecord(
                        when=today - timedelta(days=g.ago), channel=g.channel, note=g.note,
                        gave=g.gave, received=g.received, they_reached_out=g.theirs),
                        force=True)
                for pr in p.promises:
                    fid = store.add_follow_up(
                        session, pid, pr.text,
                        None if pr.due is None else today + timedelta(days=pr.due),
                        today - timedelta(days=pr.made))
                    if pr.done is not None:
                        store.complete_follow_up(session, fid, today - timedelta(days=pr.done))
    finally:
        session.close()
        conn.close()


def suggestions(ties, scenario: Scenario) -> list[dict]:
    """`ties next --json` on the scenario's day."""
    result = ties("next", "--json", *scenario.args, TIES_TODAY=scenario.today.isoformat())
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def check(ties, db_path, scenario: Scenario) -> list[dict]:
    """Build the scenario, run `ties next --json`, and assert what it expects."""
    build(db_path, scenario)
    items = suggestions(ties, scenario)
    names = [i["name"] for i in items]
    if scenario.top is None:
        assert items == [], f"{scenario}: expected no one, got {names}"
    else:
        assert names, f"{scenario}: expected {scenario.top}, got no one"
        top = items[0]
        assert top["name"] == scenario.top, (f"{scenario}: expected {scenario.top} first, got "
                                             f"{names} ({top['reasons']})")
        said = " | ".join(top["reasons"])
        for words in scenario.reasons:
            assert words in said, f"{scenario}: {words!r} not in the reasons: {said}"
        for words in scenario.not_reasons:
            assert words not in said, f"{scenario}: {words!r} in the reasons: {said}"
        assert len(top["reasons"]) == len(set(top["reasons"])), "a reason said twice"
    for name in scenario.absent:
        assert name not in names, f"{scenario}: {name} suggested: {names}"
    for name in scenario.listed:
        assert name in names, f"{scenario}: {name} not suggested: {names}"
    return items
