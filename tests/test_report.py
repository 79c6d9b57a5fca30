"""The report's model is pure: tie strength, status words, rhythm. No database here (the SQL
that computes the same is held to it in test_one_definition.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ties.core import report
from ties.core.report import Row, Tie

TODAY = date(2025, 3, 14)  # a Friday


def tie(cadence=30, last=None, first=None, created=date(2024, 1, 1), **kw) -> Tie:
    """A tie last seen `last` days ago, first met `first` days ago."""
    return Tie(kw.pop("id", 1), kw.pop("name", "A"), kw.pop("type", "social"), cadence, created,
               first_contact=TODAY - timedelta(days=first) if first is not None else None,
               last_contact=TODAY - timedelta(days=last) if last is not None else None, **kw)


def test_strength_parts_of_an_ordinary_tie():
    t = tie(30, last=15, first=90, interactions=4, in_person=1, voice=2, known=2,
            has_notes=True, gave=1, received=3)
    parts = report.strength_parts(t, TODAY)
    assert parts == {
        "recency": 20 * (1 - 15 / 60),  # 15: half-way to twice the cadence
        "frequency": pytest.approx(15 * 4 / 6),  # 4 in 3 cadences; full at 2 a cadence
        "sustained": pytest.approx(25 * 75 / (75 + 30)),  # 17.86: from 90 to 15 days ago
        "depth": pytest.approx(15 * (1 + 0.5 * 2 + 0.2 * 1) / 4),  # 8.25
        "knowing": 3 * 2 + 1,
        "reciprocity": 15 * 1 / 3,
    }
    assert report.strength(t, TODAY) == 63  # 63.11


def test_the_strongest_tie_nears_100_and_an_empty_one_scores_0():
    t = tie(30, last=0, first=3650, interactions=250, in_person=250, gave=2, received=2,
            known=3, has_notes=True)
    parts = report.strength_parts(t, TODAY)
    assert parts == {"recency": 20.0, "frequency": 15.0,
                     "sustained": pytest.approx(25 * 3650 / 3680),
                     "depth": 15.0, "knowing": 10, "reciprocity": 15.0}
    assert report.strength(t, TODAY) == 100  # 99.8
    assert report.status(t, TODAY) == "strong"
    empty = tie(30)
    assert report.strength(empty, TODAY) == 0
    assert report.status(empty, TODAY) == "due"  # never in touch: it cannot fade


@pytest.mark.parametrize(("last", "first", "interactions", "days"), [
    (0, 0, 1, 0),  # one contact: no span
    (3, 5, 2, 2),  # a burst: two days
    (0, 35, 6, 35),  # weekly for six weeks on a 30-day cadence
    (0, 365, 2, 30),  # two contacts a year apart: at most one cadence per gap
    (0, 360, 13, 360),  # monthly for a year
])
def test_sustained_days_span_first_to_last_contact_at_most_a_cadence_per_gap(
        last, first, interactions, days):
    t = tie(30, last=last, first=first, interactions=interactions)
    assert report.sustained_days(t) == days
    assert report.strength_parts(t, TODAY)["sustained"] == pytest.approx(25 * days / (days + 30))


def test_sustained_earns_half_at_30_days():
    assert report.strength_parts(tie(30, last=0, first=30, interactions=2),
                                 TODAY)["sustained"] == 12.5


@pytest.mark.parametrize(("days", "points"), [(0, 20.0), (30, 10.0), (59, 20 / 60),
                                              (60, 0.0), (90, 0.0)])
def test_recency_falls_to_zero_at_twice_the_cadence(days, points):
    assert report.strength_parts(tie(30, last=days), TODAY)["recency"] == \
        pytest.approx(points)


def test_recency_of_a_contact_dated_after_today_is_full():
    assert report.strength_parts(tie(30, last=-3), TODAY)["recency"] == 20.0


def test_frequency_counts_at_least_one_cadence_and_is_capped():
    # met 10 days ago on a 30-day cadence: one interaction is keeping to the cadence
    assert report.strength_parts(tie(30, last=10, first=10, interactions=1),
                                 TODAY)["frequency"] == 7.5
    assert report.strength_parts(tie(30, last=1, first=60, interactions=50),
                                 TODAY)["frequency"] == 15.0


def test_frequency_and_depth_need_interactions_and_a_first_contact():
    for t in (tie(30, last=1, first=None, interactions=3, in_person=3),
              tie(30, last=1, first=10, interactions=0)):
        parts = report.strength_parts(t, TODAY)
        assert (parts["frequency"], parts["depth"]) == (0.0, 0.0)


@pytest.mark.parametrize(("in_person", "voice", "depth"), [(1, 0, 15.0), (0, 1, 7.5),
                                                           (0, 0, 3.0)])
def test_depth_weighs_in_person_1_voice_half_writing_a_fifth(in_person, voice, depth):
    t = tie(30, last=1, first=10, interactions=1, in_person=in_person, voice=voice)
    assert report.strength_parts(t, TODAY)["depth"] == pytest.approx(depth)


@pytest.mark.parametrize(("gave", "received", "points"), [(0, 0, 0.0), (2, 0, 3.0),
                                                          (0, 1, 3.0), (1, 2, 7.5),
                                                          (4, 4, 15.0)])
def test_reciprocity_is_the_balance_both_ways_or_3_one_way(gave, received, points):
    assert report.strength_parts(tie(gave=gave, received=received),
                                 TODAY)["reciprocity"] == points


def test_knowing_is_3_a_talking_point_and_1_for_notes():
    assert report.strength_parts(tie(known=1), TODAY)["knowing"] == 3
    assert report.strength_parts(tie(known=0, has_notes=True), TODAY)["knowing"] == 1


def test_strength_rounds_half_up():
    assert report.strength(tie(gave=1, received=2), TODAY) == 8  # 7.5
    assert report.strength(tie(30, last=15), TODAY) == 15  # 15.0
    assert report.strength(tie(30, last=3), TODAY) == 19  # 19.0
    assert report.strength(tie(30, last=8), TODAY) == 17  # 17.33
    assert report.strength(tie(30, last=10), TODAY) == 17  # 16.67


@pytest.mark.parametrize(("score", "expected"), [(70, "strong"), (69, "steady"),
                                                 (100, "strong"), (0, "steady")])
def test_strength_exactly_70_is_strong_69_steady(score, expected):
    t = tie(30, last=5, first=200, interactions=10)
    assert report.status(t, TODAY, score) == expected


def test_status_computes_the_strength_when_not_given():
    strong = tie(30, last=0, first=90, interactions=6, in_person=6, gave=2, received=2,
                 known=3)
    assert report.strength(strong, TODAY) == 93  # 92.75
    assert report.status(strong, TODAY) == "strong"
    assert report.status(tie(30, last=5, first=200, interactions=10), TODAY) == "steady"


@pytest.mark.parametrize(("first", "interactions", "expected"), [
    (29, 2, "new"), (30, 2, "steady"), (29, 3, "steady"), (0, 0, "new")])
def test_new_means_met_under_30_days_ago_with_at_most_two_interactions(
        first, interactions, expected):
    t = tie(30, last=0 if interactions else None, first=first if interactions else None,
            created=TODAY - timedelta(days=first), interactions=interactions)
    assert report.status(t, TODAY, 50) == expected


@pytest.mark.parametrize(("days", "expected"), [(29, "steady"), (30, "due"), (60, "due"),
                                                (61, "fading"), (364, "fading"),
                                                (365, "dormant")])
def test_due_at_the_cadence_fading_past_twice_it_dormant_from_a_year(days, expected):
    t = tie(30, last=days, first=400, interactions=5)
    assert report.status(t, TODAY, 50) == expected


def test_a_tie_never_contacted_is_due_from_when_it_was_added():
    t = tie(30, created=TODAY - timedelta(days=40))
    assert t.due == TODAY - timedelta(days=10)
    assert report.status(t, TODAY, 0) == "due"


@pytest.mark.parametrize(("gave", "received", "expected"), [
    (None, None, False), (None, 5, True), (9, 5, True), (5, 5, False), (3, 5, False)])
def test_owes_when_they_helped_since_you_last_gave(gave, received, expected):
    t = tie(last_gave=TODAY - timedelta(days=gave) if gave is not None else None,
            last_received=TODAY - timedelta(days=received) if received is not None else None)
    assert report.owes(t) is expected


def test_period_counts_fill_each_row_and_default_to_zero():
    rows = [Row(tie(id=1), 10, "due"), Row(tie(id=2), 20, "steady")]
    filled = report.with_period_counts(rows, {2: 4})
    assert [(r.tie.id, r.tie.in_period, r.strength, r.status) for r in filled] == [
        (1, 0, 10, "due"), (2, 4, 20, "steady")]


def test_weeks_start_on_monday():
    assert report.week_start(date(2025, 3, 10)) == date(2025, 3, 10)
    assert report.week_start(date(2025, 3, 16)) == date(2025, 3, 10)
    assert report.week_start(TODAY) == date(2025, 3, 10)


def test_weekly_counts_boundaries_first_monday_in_sunday_before_out_after_today_out():
    first_monday = date(2024, 12, 23)  # 11 weeks before this one
    counts = report.weekly_counts({first_monday: 1, first_monday - timedelta(days=1): 7,
                                   date(2024, 12, 29): 2, date(2024, 12, 30): 3,
                                   TODAY: 4, TODAY + timedelta(days=1): 8}, TODAY)
    assert counts == [3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4]
    assert report.weekly_counts({TODAY: 1}, TODAY, weeks=2) == [0, 1]


def test_streak_counts_weeks_and_this_week_does_not_break_it_yet():
    assert report.streak([date(2025, 3, 3), date(2025, 2, 24)], TODAY) == 2
    assert report.streak([date(2025, 3, 12), date(2025, 3, 3)], TODAY) == 2
    assert report.streak([date(2025, 3, 12), date(2025, 2, 24)], TODAY) == 1
    assert report.streak([date(2025, 2, 24)], TODAY) == 0
    assert report.streak([], TODAY) == 0


def _types(strategic, social=(0, 0), tactical=(0, 0)):
    return {k: {"count": c, "due": d} for k, (c, d) in
            (("strategic", strategic), ("social", social), ("tactical", tactical))}


@pytest.mark.parametrize(("by_type", "expected"), [
    (_types((4, 2)), "strategic"),  # exactly half
    (_types((5, 2)), None),  # under half
    (_types((4, 2), social=(2, 1)), "strategic"),  # an equal share elsewhere
    (_types((4, 2), social=(3, 2)), None),  # a larger share elsewhere
    (_types((0, 0), social=(2, 2)), None),
    (_types((2, 2), tactical=(0, 0)), "strategic"),
])
def test_strategic_is_slipping_at_half_due_unless_another_type_slips_more(by_type, expected):
    assert report.slipping(by_type) == expected


def test_sparkline_scales_to_the_busiest_week_and_shows_any_activity():
    assert report.sparkline([]) == ""
    assert report.sparkline([0, 0]) == "▁▁"
    assert report.sparkline([0, 1, 8, 4, 100]) == "▁▂▂▂█"
    assert report.sparkline([8, 4, 1, 7]) == "█▄▂▇"


def test_recency_needs_a_contact_not_just_a_recent_add():
    t = tie(30, created=TODAY - timedelta(days=5))
    assert report.strength_parts(t, TODAY)["recency"] == 0.0


def test_sparkline_of_one_busy_week_is_a_full_bar():
    assert report.sparkline([1]) == "█"
    assert report.sparkline([0, 1]) == "▁█"


def test_status_snoozed_until_after_today_and_imported_never_met():
    snoozed = tie(30, last=100, first=200, interactions=2, snoozed_until=TODAY + timedelta(1))
    assert report.status(snoozed, TODAY) == "snoozed"
    assert snoozed.due == TODAY + timedelta(1)  # not before the snooze ends
    snoozed.snoozed_until = TODAY
    assert report.status(snoozed, TODAY) == "fading"
    assert snoozed.due == TODAY  # due since the snooze ended, not since the cadence ran out
    never = tie(30, imported=True)
    assert (report.status(never, TODAY), never.due) == ("imported", None)
    met = tie(30, last=3, first=3, interactions=1, imported=True)
    assert (report.status(met, TODAY, 10), met.due) == ("new", TODAY + timedelta(27))


def test_spellings_count_by_folded_key_and_show_the_most_common_spelling():
    s = report.Spellings()
    for value, n in (("Software", 2), ("software ", 1), (" SOFTWARE", 1), ("Big  Pharma", 1),
                     ("big pharma", 1), ("", 5), (None, 3), ("   ", 2)):
        s.add(value, n)
    assert len(s) == 2
    assert s.spread() == [("Software", 4), ("Big Pharma", 2)]  # a tie: code-point order
    assert s.totals() == {"software": 4, "big pharma": 2}


def test_fold_ignores_case_and_spacing_only():
    assert report.fold("  Straße   Bau ") == report.fold("STRASSE bau") == "strasse bau"
    assert report.fold("Software") != report.fold("Soft ware")
