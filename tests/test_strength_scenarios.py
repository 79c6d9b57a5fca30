"""Tie strength calibrated on named scenarios (issue 15): sustained, two-way, recent
contact outranks a burst. Each store is built through the store layer as the commands
build it, and read back through the real `ties report --json`."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from ties.core import report
from ties.core.records import InteractionRecord

TODAY = date(2025, 3, 14)  # TIES_TODAY in conftest


def _build(db_path, people) -> None:
    """people: name -> (type, [(days ago, channel, gave, received, they reached out)]);
    each person is added on the day of their first interaction, which it records."""
    from ties.storage import db, store

    conn = db.open_store(db_path)
    session = db.orm_session(conn)
    try:
        with session.begin():
            for name, (kind, logs) in people.items():
                first, *rest = sorted(logs, reverse=True)
                pid = store.add_person(session, name=name, fields={"type": kind}, tags=[],
                                       today=TODAY - timedelta(days=first[0]),
                                       first=_record(first))
                for log in rest:
                    store.log(session, [pid], _record(log), force=True)
    finally:
        session.close()
        conn.close()


def _record(log) -> InteractionRecord:
    ago, channel, gave, received, theirs = log
    return InteractionRecord(when=TODAY - timedelta(days=ago), channel=channel, gave=gave,
                             received=received, they_reached_out=theirs)


def _strengths(ties) -> dict[str, tuple[int, str]]:
    result = ties("report", "--json", "--all")
    assert result.exit_code == 0, result.stderr
    return {p["name"]: (p["strength"], p["status"])
            for p in json.loads(result.stdout)["people"]}


# Weekly for six weeks, alternating in person and by call, each of you reaching out in
# turn; you helped once and they helped once.
WEEKLY_SIX_WEEKS = ("social", [(3 + 7 * w, "in-person" if w % 2 else "call", w == 1, w == 4,
                                w % 2 == 0) for w in range(6)])
# A colleague logged twice in one week, in person, both ways (the burst issue 15 saw
# ranked above everyone: "Bo 72").
COLLEAGUE_BURST = ("tactical", [(5, "in-person", True, False, False),
                                (1, "in-person", False, True, True)])
# A strategic tie seen monthly for a year, the same mix and help as the weekly one.
MONTHLY_FOR_A_YEAR = ("strategic", [(5 + 30 * m, "in-person" if m % 2 else "call", m == 1,
                                     m == 4, m % 2 == 0) for m in range(13)])


@pytest.fixture
def scenarios(ties, db_path):
    _build(db_path, {"Weekly Six": WEEKLY_SIX_WEEKS, "Colleague Burst": COLLEAGUE_BURST,
                     "Monthly Year": MONTHLY_FOR_A_YEAR})
    return _strengths(ties)


def test_weekly_two_way_contact_for_six_weeks_is_strong(scenarios):
    strength, status = scenarios["Weekly Six"]
    assert strength >= report.STRONG
    assert status == "strong"


def test_two_logs_in_one_week_with_a_colleague_are_not_strong(scenarios):
    strength, status = scenarios["Colleague Burst"]
    assert strength < report.STRONG
    assert status == "new"  # met this week: not strong, whatever the numbers


def test_a_strategic_tie_seen_monthly_for_a_year_outranks_a_burst_and_six_weeks(scenarios):
    assert scenarios["Monthly Year"][0] > scenarios["Weekly Six"][0] > \
        scenarios["Colleague Burst"][0]


def test_scenario_strengths_sit_in_their_bands(scenarios):
    """The calibration itself: a change to the model that moves a scenario out of its
    band is a change of meaning, to be made on purpose."""
    assert 70 <= scenarios["Weekly Six"][0] <= 80
    assert 45 <= scenarios["Colleague Burst"][0] <= 69
    assert 75 <= scenarios["Monthly Year"][0] <= 90


def test_regression_a_burst_of_two_logs_no_longer_outranks_sustained_contact(ties, db_path):
    """Issue 15: colleagues logged twice this week (Bo 72) ranked above strategic ties seen
    regularly, and six weeks of weekly contact made no strong tie."""
    _build(db_path, {"Bo Burst": ("tactical", [(4, "in-person", False, False, False),
                                                (2, "in-person", False, False, False)]),
                     "Regular Strategic": ("strategic", [(10 + 30 * m, "video", False, False,
                                                          m % 2 == 1) for m in range(8)])})
    result = ties("report", "--json")
    names = [p["name"] for p in json.loads(result.stdout)["people"]]
    assert names == ["Regular Strategic", "Bo Burst"]


@pytest.mark.parametrize(("strength", "status"), [(69, "steady"), (70, "strong")])
def test_the_strong_band_starts_at_70_not_69(strength, status):
    t = report.Tie(1, "A", "social", 30, date(2024, 1, 1), first_contact=TODAY - timedelta(
        days=100), last_contact=TODAY - timedelta(days=3), interactions=10)
    assert report.status(t, TODAY, strength) == status


def test_the_strong_band_boundary_through_the_report(ties, db_path, monkeypatch):
    """The same weekly tie is strong when the band starts at its strength, steady when it
    starts one point above: the report compares with >=, not >."""
    _build(db_path, {"Weekly Six": WEEKLY_SIX_WEEKS})
    strength = _strengths(ties)["Weekly Six"][0]
    monkeypatch.setattr(report, "STRONG", strength)
    assert _strengths(ties)["Weekly Six"] == (strength, "strong")
    monkeypatch.setattr(report, "STRONG", strength + 1)
    assert _strengths(ties)["Weekly Six"] == (strength, "steady")
