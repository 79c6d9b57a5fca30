"""Each rule has one definition: the SQL that finds, bounds and measures people takes its
numbers from the pure modules (scoring.py, report.py), so changing a number there changes
both paths. Every test here changes a number (or a rule's input) and checks that the SQL
and the pure model still agree, and that the change mattered."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import fresh_store
from ties.core import report, scoring
from ties.core.records import InteractionRecord
from ties.core.report import Row, Tie

TODAY = date(2025, 3, 14)


# The Python model of the report: the oracle the SQL is held to ------------------------

ORDERS = {
    "strength": lambda r: (-r.strength, r.tie.sort_key, r.tie.id),
    "due": lambda r: (r.tie.due is None, r.tie.due or date.min, r.tie.sort_key, r.tie.id),
    "last": lambda r: (-(r.tie.last_contact or date.min).toordinal(), r.tie.sort_key, r.tie.id),
    "name": lambda r: (r.tie.sort_key, r.tie.id),
    "balance": lambda r: (r.tie.gave - r.tie.received, r.tie.sort_key, r.tie.id),
}


def test_every_sort_the_report_offers_has_an_order_here():
    assert tuple(ORDERS) == report.SORTS


def report_ties(conn, settings_: dict) -> list[Tie]:
    """Everyone not archived as a report.Tie, read with plain SQL (no model numbers)."""
    from ties.storage import queries

    cadence, cparams = queries._base_cadence_sql(settings_)
    iso = queries._iso
    return [
        Tie(r[0], r[1], r[2], r[3], iso(r[4]), r[5], r[6], r[7] and iso(r[7]),
            r[8] and iso(r[8]), r[9], 0, r[10], r[11], r[12] and iso(r[12]),
            r[13] and iso(r[13]), r[14], r[15], r[16], bool(r[17]), r[18],
            r[19] is not None, r[20] and iso(r[20]), r[21] is not None and 1 <= r[21] <= 3650,
            r[22], r[23])
        for r in conn.execute(
            f"SELECT p.id, p.name, p.type, {cadence}, p.created, p.company, p.industry, "
            "s.first_contact, s.last_contact, s.interactions, s.gave, s.received, "
            f"s.last_gave, s.last_received, s.in_person, s.voice, {queries._KNOWN}, "
            "CASE WHEN p.notes IS NOT NULL THEN 1 ELSE 0 END, p.name_key, p.import_id, "
            "p.snoozed_until, p.cadence_days, s.rhythm_days, s.rhythm_gaps "
            "FROM person p JOIN person_stats s ON s.person_id = p.id WHERE NOT p.archived",
            cparams)
    ]


def python_rows(ties: list[Tie], today: date, by: str) -> list[Row]:
    rows = []
    for t in ties:
        s = report.strength(t, today)
        rows.append(Row(t, s, report.status(t, today, s)))
    return sorted(rows, key=ORDERS[by])


def python_summary(rows: list[Row], today: date, since: date, act: dict) -> report.Summary:
    ties = [r.tie for r in rows]
    active = [t for t in ties if t.last_contact and t.last_contact > since]
    by_type = {}
    for kind in ("strategic", "social", "tactical"):
        of_kind = [r for r in rows if r.tie.type == kind]
        by_type[kind] = {"count": len(of_kind),
                         "due": sum(1 for r in of_kind if r.status in report.DUE_STATUSES)}
    industries, companies = report.Spellings(), report.Spellings()
    circles = report.Spellings(key=lambda v: scoring.circle(v, None))
    for t in active:
        industries.add(t.industry)
        companies.add(t.company)
        circles.add(t.industry or t.company)
    zone = scoring.ComfortZone(circles.totals())
    owe = sorted((t for t in ties if report.owes(t) and t.last_received > since),
                 key=lambda t: (t.last_received, t.sort_key))
    slipping = report.slipping(by_type)
    slipping_ties = [r.tie.name for r in sorted(rows, key=ORDERS["due"])
                     if r.tie.type == "strategic" and r.status in report.DUE_STATUSES]
    return report.Summary(
        people=len(ties), strong=sum(1 for r in rows if r.strength >= report.STRONG),
        active=len(active), by_type=by_type, slipping=slipping,
        gave=act["gave"], received=act["received"], owe=[t.name for t in owe],
        industries=len(industries), companies=len(companies),
        largest=circles.spelling(zone.dominant) if zone.dominant else None,
        largest_share=zone.circles[zone.dominant] / zone.total if zone.dominant else 0.0,
        weekly=report.weekly_counts(act["per_day"], today),
        streak_weeks=report.streak(act["weeks"], today), since=since, today=today,
        slipping_ties=slipping_ties if slipping else [],
        industry_spread=industries.spread(), company_spread=companies.spread(),
        fading=[r.tie.name for r in sorted(rows, key=ORDERS["due"]) if r.status == "fading"],
        dormant=[r.tie.name for r in sorted(rows, key=ORDERS["due"]) if r.status == "dormant"],
        once_close=[r.tie.name for r in sorted(rows, key=ORDERS["due"])
                    if r.status == "dormant" and report.once_close(r.tie)])


def fill(conn, people) -> None:
    """people: (type, days since added, cadence, known, notes, logs, industry, company[,
    extra]) with logs as (days ago, channel, gave, received) and extra {"snoozed": days
    from today the snooze ends, "imported": True}."""
    from datetime import UTC, datetime

    from ties.storage import db, store
    from ties.storage.models import ImportBatch, Person

    session = db.orm_session(conn)
    with session.begin():
        batch = None
        for i, (kind, age, every, known, notes, logs, industry, company, *more) in \
                enumerate(people):
            extra = more[0] if more else {}
            fields = {"type": kind, "cadence_days": every, "industry": industry,
                      "company": company, "notes": "n" if notes else None,
                      "working_on": "w" if known > 0 else None,
                      "struggles": "s" if known > 1 else None,
                      "cares_about": "c" if known > 2 else None}
            pid = store.add_person(session, name=f"P{i}", fields=fields, tags=[],
                                   today=TODAY - timedelta(days=age), first=None)
            if extra:
                person = session.get(Person, pid)
                if "snoozed" in extra:
                    person.snoozed_until = TODAY + timedelta(days=extra["snoozed"])
                if extra.get("imported"):
                    if batch is None:
                        batch = ImportBatch(format="csv", source="test.csv",
                                            imported_at=datetime(2025, 1, 1, tzinfo=UTC))
                        session.add(batch)
                        session.flush()
                    person.import_id = batch.id
                session.add(person)
                session.flush()
            for ago, channel, gave, received in logs:
                store.log(session, [pid], InteractionRecord(
                    when=TODAY - timedelta(days=ago), channel=channel, gave=gave,
                    received=received), force=True)
    session.close()


def report_agrees(conn, since_days: int) -> list[tuple]:
    """Asserts report_page (SQL) equals the Python model for every sort; returns the rows
    (id, strength, status) of the Python model, by name."""
    from ties.storage import db, queries

    start = TODAY - timedelta(days=since_days)
    cfg = queries.settings(conn)
    with db.transaction(conn, write=False):
        ties = report_ties(conn, cfg)
        for by in report.SORTS:
            summary, page = queries.report_page(conn, TODAY, start, cfg, None, by, None)
            expected = python_rows(ties, TODAY, by)
            assert [(r.tie.id, r.strength, r.status) for r in page] == \
                [(r.tie.id, r.strength, r.status) for r in expected], by
        act = queries.activity(conn, TODAY, start)
        assert summary == python_summary(expected, TODAY, start, act)
    return [(r.tie.id, r.strength, r.status) for r in python_rows(ties, TODAY, "name")]


report_stores = dict(people=st.lists(st.tuples(
    st.sampled_from(["tactical", "social", "strategic", None]), st.integers(0, 800),
    st.one_of(st.none(), st.integers(1, 120)), st.integers(0, 3), st.booleans(),
    st.lists(st.tuples(st.integers(0, 900), st.sampled_from(["in-person", "call", "video",
                                                             "message", "event"]),
                       st.booleans(), st.booleans()), max_size=8),
    st.sampled_from(["a", "B ", None]), st.sampled_from(["Acme", None])), max_size=12),
    since=st.integers(1, 400))


HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


@settings(max_examples=12, suppress_health_check=HEALTH)
@given(**report_stores)
def test_sql_report_equals_the_python_model(tmp_path_factory, people, since):
    """report_page (SQL) and report.strength/status with the summary's rules agree exactly."""
    _report_equals_model(tmp_path_factory, people, since)


@pytest.mark.slow
@settings(max_examples=40, suppress_health_check=HEALTH)
@given(**report_stores)
def test_sql_report_equals_the_python_model_deep_run(tmp_path_factory, people, since):
    _report_equals_model(tmp_path_factory, people, since)


def _report_equals_model(tmp_path_factory, people, since) -> None:
    from ties.storage import db

    with fresh_store(tmp_path_factory, "sqlreport") as location:
        conn = db.open_store(location)
        try:
            fill(conn, people)
            report_agrees(conn, since)
        finally:
            conn.close()


# One network where every number of the strength model shows: each part, each status.
NETWORK = [
    # recency, frequency and depth: in person, by call, in writing; help both ways
    ("strategic", 400, 42, 3, True, [(300, "in-person", True, False), (200, "call", False,
                                     True), (100, "message", True, True),
                                     (10, "in-person", False, True)], "software", "Globex"),
    # strong and not due: often, in person, known, help both ways
    ("social", 300, 60, 3, True, [(d, "in-person", d % 40 == 0, d % 50 == 0)
                                  for d in range(0, 300, 10)], "software", "Acme"),
    # steady: just under strong
    ("social", 200, 60, 1, False, [(d, "video", False, False) for d in range(5, 200, 25)],
     None, "Acme"),
    # help only one way; due
    ("tactical", 200, 30, 0, False, [(150, "message", False, True), (35, "call", False,
                                     False)], "health", None),
    # fading: more than two cadences
    ("social", 500, 30, 2, True, [(400, "in-person", True, False), (70, "video", False,
                                  False)], None, None),
    # due: every two weeks, silent 35 days: past due, not beyond three usual gaps (42)
    ("social", 400, None, 0, False, [(d, "call", False, False) for d in (77, 63, 49, 35)],
     None, None),
    # fading, silent 250 days: short of a year
    ("social", 400, 30, 0, False, [(300, "call", False, False), (250, "call", False, False)],
     None, None),
    # dormant, once close: six talks over 200 days, the last 400 days ago
    ("social", 700, 30, 0, False, [(d, "call", False, False) for d in range(600, 399, -40)],
     None, None),
    # new: met 20 days ago, two interactions
    ("strategic", 20, 42, 0, False, [(20, "event", False, False), (5, "message", False,
                                     False)], "finance", "Initech"),
    # met 25 days ago, three interactions: not new
    ("strategic", 25, 42, 0, False, [(25, "event", False, False), (20, "call", False, False),
                                     (15, "call", True, False)], "finance", None),
    # met 40 days ago, two interactions: not new
    ("social", 40, 60, 0, False, [(40, "event", False, False), (10, "call", False, False)],
     None, None),
    # snoozed until after today, though long due: snoozed, due when the snooze ends
    ("strategic", 300, 42, 0, False, [(200, "call", False, False)], "Finance", None,
     {"snoozed": 20}),
    # a snooze that ended yesterday: due again
    ("social", 300, 30, 0, False, [(45, "call", False, False)], None, None,
     {"snoozed": -1}),
    # fading: every two weeks (the type's cadence, a month, blended in), silent 158 days
    ("social", 400, None, 0, False, [(d, "call", False, False) for d in (200, 186, 172, 158)],
     None, None),
    # imported, never met: no due date
    ("tactical", 100, 60, 1, True, [], "software", "Globex", {"imported": True}),
    # imported and met since: an ordinary tie
    ("tactical", 100, 60, 0, False, [(10, "video", False, False)], None, "acme",
     {"imported": True}),
]

# Each number of report.py changed to another value: both paths follow.
REPORT_CHANGES = [
    ("RECENCY_POINTS", 40), ("RECENCY_CADENCES", 3), ("FREQUENCY_POINTS", 10),
    ("FULL_FREQUENCY", 4), ("SUSTAINED_POINTS", 5), ("SUSTAINED_HALF_DAYS", 200),
    ("DEPTH_POINTS", 33), ("VOICE_WEIGHT", 0.9),
    ("WRITTEN_WEIGHT", 0.7), ("KNOWN_POINTS", 9), ("NOTES_POINTS", 11),
    ("BALANCE_POINTS", 40), ("ONE_WAY_POINTS", 12.0), ("STRONG", 60), ("STRONG", 97),
    ("NEW_DAYS", 50), ("NEW_INTERACTIONS", 3),
]


@pytest.fixture(scope="module")
def network_store(tmp_path_factory):
    from ties.storage import db

    with fresh_store(tmp_path_factory, "network") as location:
        conn = db.open_store(location)
        fill(conn, NETWORK)
        yield conn
        conn.close()


def test_the_network_shows_every_status(network_store):
    statuses = {s for _, _, s in report_agrees(network_store, 90)}
    assert statuses == set(report.STATUSES)


@pytest.mark.parametrize(("name", "value"), REPORT_CHANGES,
                         ids=[f"{n}={v}" for n, v in REPORT_CHANGES])
def test_changing_a_number_of_the_strength_model_changes_sql_and_python_alike(
        network_store, monkeypatch, name, value):
    before = report_agrees(network_store, 90)
    monkeypatch.setattr(report, name, value)
    after = report_agrees(network_store, 90)
    assert after != before, f"changing {name} changed nothing: the network misses it"


def test_every_number_of_the_strength_model_is_changed_by_a_test():
    numbers = {n for n, v in vars(report).items()
               if n.isupper() and isinstance(v, int | float) and not isinstance(v, bool)}
    assert numbers == {n for n, _ in REPORT_CHANGES}


# scoring.py: the bound `ties next` loads candidates by --------------------------------

def _bounds(conn) -> dict[int, tuple[float, float]]:
    from ties.storage import dialect, queries

    cfg = queries.settings(conn)
    bound, params = queries._bound_sql(dialect.of(conn), cfg, TODAY)
    return {r[0]: (r[1], r[2]) for r in conn.execute(
        f"SELECT p.id, {bound} FROM person p JOIN person_stats s ON s.person_id = p.id "
        f"{queries._PROMISES}", [TODAY.isoformat(), *params])}


@pytest.fixture(scope="module")
def scored_store(tmp_path_factory):
    """People for whom every point scoring gives is exactly the bound's: help received
    today and not returned, birthdays in the coming week, undated promises (one made
    three weeks ago), the ask in its week and out of it, a fading tie, a job change 20 days
    ago."""
    from ties.storage import db, store

    with fresh_store(tmp_path_factory, "scored") as location:
        conn = db.open_store(location)
        session = db.orm_session(conn)
        with session.begin():
            def person(name, kind, added, every=None, **fields):
                return store.add_person(session, name=name, fields={
                    "type": kind, "cadence_days": every, **fields}, tags=[],
                    today=TODAY - timedelta(days=added), first=None)

            def meet(pid, ago, **flags):
                store.log(session, [pid], InteractionRecord(when=TODAY - timedelta(days=ago),
                                                        **flags), force=True)
            # three interactions, never gave, they reached out the last two times
            a = person("Asker", "strategic", 300, birthday_month=3, birthday_day=17)
            for ago, reached in ((90, False), (80, True), (70, True)):
                meet(a, ago, they_reached_out=reached)
            store.add_follow_up(session, a, "undated", None, TODAY - timedelta(days=20))
            store.add_follow_up(session, a, "another", None, TODAY)
            b = person("Helper", "social", 100)
            meet(b, 50, gave=True)
            meet(b, 0, received=True)
            c = person("Quiet", "tactical", 200, every=20)
            meet(c, 65)
            d = person("Four", "social", 300)
            for ago in (100, 95, 80, 61):  # 100 and 95: one episode, so no rhythm yet
                meet(d, ago, they_reached_out=True)
            e = person("Fader", "social", 400)  # every 2 weeks, silent for 158 days
            for ago in (200, 186, 172, 158):
                meet(e, ago)
            m = person("Mover", "social", 100, company="Initech")  # a job change 20 days ago
            meet(m, 40)
            store.record_job(session, m, {"company": "Umbrella"}, TODAY - timedelta(days=20))
        session.close()
        yield conn
        conn.close()


def _scores(conn) -> dict[int, float]:
    from ties.core import scoring
    from ties.storage import queries

    cfg = queries.settings(conn)
    ids = [r[0] for r in conn.execute("SELECT id FROM person")]
    weights = scoring.Weights(cfg["weight.strategic"], cfg["weight.social"],
                              cfg["weight.tactical"])
    return {f.id: scoring.score(f, TODAY, weights).score
            for f in queries._facts_of(conn, ids, cfg)}


def _bound_agrees(conn) -> dict[int, float]:
    scores, bounds = _scores(conn), _bounds(conn)
    for pid, score in scores.items():
        recency, bonus = bounds[pid]
        assert recency + bonus == pytest.approx(score, abs=1e-9), pid
    return scores


SCORING_CHANGES = [
    ("DUE_POINTS", 7.0), ("UNRETURNED_POINTS", 9.0), ("YOUR_TURN_POINTS", 5.0),
    ("YOUR_TURN_STREAK", 3), ("ASK_HOW_TO_HELP_POINTS", 4.0), ("ASK_AFTER", 4),
    ("UNDATED_PROMISE_POINTS", 1.0), ("BIRTHDAY_POINTS", 7.5),
    ("STALE_PROMISE_POINTS", 20.0), ("STALE_PROMISE_AFTER", 30), ("ASK_EVERY", 31),
    ("FADING_POINTS", 8.0), ("JOB_POINTS", 60.0), ("JOB_NEWS_DAYS", 20),
]


def test_the_bound_is_every_point_scoring_gives(scored_store):
    scores = _bound_agrees(scored_store)
    assert all(s > 0 for s in scores.values())


@pytest.mark.parametrize(("name", "value"), SCORING_CHANGES,
                         ids=[f"{n}={v}" for n, v in SCORING_CHANGES])
def test_changing_a_number_of_scoring_changes_sql_and_python_alike(
        scored_store, monkeypatch, name, value):
    before = _bound_agrees(scored_store)
    monkeypatch.setattr(scoring, name, value)
    after = _bound_agrees(scored_store)
    assert after != before, f"changing {name} changed nothing: the people miss it"


def test_every_number_the_bound_uses_is_changed_by_a_test():
    changed = {n for n, _ in SCORING_CHANGES}
    # the rest are promises due in the week (always loaded), the favour's half-life (the
    # bound takes the undecayed points), the week and the stretch window (not points)
    # and the reconnect's rule (not points: test_scenarios.py holds its SQL to
    # scoring.dormant with people on each side of each number)
    others = {"PROMISE_POINTS", "FAVOUR_HALF_LIFE", "WEEK", "STRETCH_WINDOW",
              "RECONNECT_TALKS", "RECONNECT_SPAN", "DORMANT_AFTER"}
    numbers = {n for n, v in vars(scoring).items()
               if n.isupper() and isinstance(v, int | float) and not isinstance(v, bool)}
    assert numbers == changed | others


# "Imported but never contacted" and "circle": one definition each ----------------------

def test_never_contacted_import_is_the_same_rule_in_sql_and_python(ties, db_path, tmp_path):
    from ties.storage import db, queries

    contacts = tmp_path / "contacts.csv"
    contacts.write_text("name,type,company\nIda Imported,social,Acme\n"
                        "Jo Imported,social,Acme\n", encoding="utf-8")
    assert ties("import", str(contacts)).exit_code == 0
    assert ties("log", "Jo Imported", "--on", "2025-01-02").exit_code == 0
    assert ties("add", "Kim Typed", "--type", "social").exit_code == 0
    conn = db.open_store(db_path)
    try:
        with db.transaction(conn, write=False):
            in_sql = dict(conn.execute(
                f"SELECT p.id, CASE WHEN {queries.NEVER_CONTACTED_IMPORT} THEN 1 ELSE 0 END "
                "FROM person p JOIN person_stats s ON s.person_id = p.id").fetchall())
            facts = queries._facts_of(conn, list(in_sql), queries.settings(conn))
    finally:
        conn.close()
    in_python = {f.id: int(scoring.never_contacted_import(f.imported, f.last_contact))
                 for f in facts}
    assert in_sql == in_python
    assert sorted(in_python.values()) == [0, 0, 1]


@pytest.mark.parametrize(("industry", "company", "expected"), [
    ("Health ", "Acme", "health"), (None, " Acme", "acme"), ("", "Acme", "acme"),
    (None, None, None), ("", "", None), ("  ", "Acme", None),
])
def test_a_circle_is_the_industry_else_the_company(industry, company, expected):
    assert scoring.circle(industry, company) == expected


def test_next_and_report_name_the_same_circle(ties):
    """Bug: with companies but no industries recorded, 'ties next' said your circle was
    mostly acme while 'ties report' said no industries were recorded."""
    import json

    for name, company in (("Ana", "Acme"), ("Bo", "Acme"), ("Cy", "Globex")):
        assert ties("add", name, "--type", "social", "--company", company,
                    "--on", "2025-03-01").exit_code == 0
    ties("add", "Dee", "--type", "social", "--industry", "health", "--on", "2024-01-01")
    stretch = [i for i in json.loads(ties("next", "--json").stdout) if i["stretch"]]
    assert [i["name"] for i in stretch] == ["Dee"]
    summary = json.loads(ties("report", "--json").stdout)["summary"]
    # the same circle, in the spelling the user typed
    assert summary["industries"]["largest"] == "Acme"
    assert scoring.circle(summary["industries"]["largest"], None) == "acme"
    assert summary["industries"]["largest_share"] == 0.667


# The ladder's numbers (core.rhythm): both the report's SQL and the bound follow them ------

RHYTHM_CHANGES = [("FADING_FACTOR", 2), ("FADING_INTERVALS", 3), ("DORMANT_AFTER", 200)]


@pytest.mark.parametrize(("name", "value"), RHYTHM_CHANGES,
                         ids=[f"{n}={v}" for n, v in RHYTHM_CHANGES])
def test_changing_a_number_of_the_ladder_changes_sql_and_python_alike(
        network_store, scored_store, monkeypatch, name, value):
    from ties.core import rhythm

    before, bound_before = report_agrees(network_store, 90), _bound_agrees(scored_store)
    monkeypatch.setattr(rhythm, name, value)
    after = report_agrees(network_store, 90)
    assert after != before, f"changing {name} changed no status: the network misses it"
    _bound_agrees(scored_store)  # still an exact bound
    assert bound_before is not None
