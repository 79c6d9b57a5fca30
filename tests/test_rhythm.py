"""The learned rhythm (core.rhythm): contact episodes, the typical gap, the expected
interval and fading. Pure tables, boundary pins and a few hypothesis properties."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ties.core import report, rhythm, scoring
from ties.core.rhythm import (
    EPISODE_DAYS,
    FADING_FACTOR,
    FADING_INTERVALS,
    MIN_GAPS,
    RHYTHM_WINDOW,
    episodes,
    expected_interval,
    fading,
    learn,
)

D0 = date(2024, 1, 1)


def days(*offsets: int) -> list[date]:
    return [D0 + timedelta(days=n) for n in offsets]


def test_a_contact_six_days_into_an_episode_belongs_to_it_and_seven_days_starts_another():
    assert episodes(days(0, EPISODE_DAYS - 1)) == days(0)
    assert episodes(days(0, EPISODE_DAYS)) == days(0, EPISODE_DAYS)


def test_a_burst_of_three_logs_in_a_week_is_one_episode_not_a_rhythm_of_two_days():
    # every two weeks, with a burst of three logs in one week
    assert learn(days(0, 14, 16, 18, 28, 42)) == (14, 3)
    # the smallest history there is: the burst and one more contact
    assert learn(days(0, 2, 4, 60)) == (60, 1)


def test_the_typical_gap_is_the_median_of_the_gaps_robust_to_one_long_silence():
    assert learn(days(0, 14, 28, 200)) == (14, 3)  # gaps 14, 14, 172


def test_an_even_count_of_gaps_takes_the_middle_two_rounded_half_up():
    assert learn(days(0, 10, 21, 35, 50)) == (13, 4)  # 10 11 | 14 15: 12.5 -> 13
    assert learn(days(0, 10, 20, 34, 48)) == (12, 4)  # 10 10 | 14 14: 12


def test_no_gap_no_rhythm():
    assert learn([]) == (None, 0)
    assert learn(days(0, 3, 5)) == (None, 0)


def test_only_the_latest_gaps_count_so_a_changed_pace_is_followed():
    old = [n * 60 for n in range(10)]  # every two months for a long while
    start = old[-1]
    recent = [start + 14 * n for n in range(1, RHYTHM_WINDOW + 1)]
    assert learn(days(*old, *recent)) == (14, RHYTHM_WINDOW)
    # one gap fewer than the window: an old gap is still in it, and the median too
    assert learn(days(*old, *recent[:7]))[0] == 14


def test_three_gaps_are_enough_two_are_not():
    assert not rhythm.learned(14, MIN_GAPS - 1)
    assert rhythm.learned(14, MIN_GAPS)
    assert not rhythm.learned(14, MIN_GAPS, fixed=True)  # --every wins
    assert not rhythm.learned(None, 5)


# The worked example of docs/scoring.md ------------------------------------------------

def test_the_worked_example_blends_two_weeks_with_a_month():
    # social (30 days), typical gap 14 on 6 gaps: (6 x 14 + 3 x 30) / 9 = 19.33 -> 19
    assert expected_interval(30, 14, 6) == 19
    # on 3 gaps: half each, (42 + 90) / 6 = 22
    assert expected_interval(30, 14, 3) == 22
    # on 12 gaps (the most that count): (168 + 90) / 15 = 17.2 -> 17
    assert expected_interval(30, 14, 12) == 17


def test_the_blend_rounds_half_up():
    assert expected_interval(30, 15, 3) == 23  # (45 + 90) / 6 = 22.5 -> 23
    assert expected_interval(31, 14, 3) == 23  # (42 + 93) / 6 = 22.5 -> 23


def test_without_enough_history_or_with_every_the_cadence_is_the_interval():
    assert expected_interval(30, 14, MIN_GAPS - 1) == 30
    assert expected_interval(30, 14, 6, fixed=True) == 30
    assert expected_interval(30, None, 0) == 30


def test_fading_starts_the_day_after_three_usual_gaps():
    typical, gaps = 14, 6
    interval = expected_interval(30, typical, gaps)
    assert not fading(FADING_FACTOR * typical, typical, gaps, interval)
    assert fading(FADING_FACTOR * typical + 1, typical, gaps, interval)


def test_fading_counts_their_own_gap_once_learned_else_twice_the_interval():
    # learned: three usual gaps (42), not twice the interval (2 x 19 = 38)
    assert not fading(42, 14, MIN_GAPS + 3, 19)
    assert fading(43, 14, MIN_GAPS + 3, 19)
    # not learned (too little history, or their own --every): twice the interval
    for gaps, fixed in ((MIN_GAPS - 1, False), (6, True)):
        assert not fading(FADING_INTERVALS * 30, 14, gaps, 30, fixed)
        assert fading(FADING_INTERVALS * 30 + 1, 14, gaps, 30, fixed)
    # beyond three usual gaps (21) but not yet due (the type's 90 days pull it to 49)
    interval = expected_interval(90, 7, 3)
    assert interval == 49
    assert not fading(49, 7, 3, interval)  # the due day: due, not yet fading
    assert fading(50, 7, 3, interval)


@pytest.mark.parametrize(("gap", "words"), [
    (7, "week"), (10, "10 days"), (13, "13 days"), (14, "2 weeks"), (62, "9 weeks"),
    (63, "2 months"), (30, "4 weeks"), (45, "6 weeks"), (91, "3 months"),
    (714, "23 months"), (730, "2 years")])
def test_the_usual_gap_in_words(gap, words):
    assert rhythm.every(gap) == words


# Properties ---------------------------------------------------------------------------

contact_days = st.lists(st.integers(0, 2000), max_size=40)


@settings(max_examples=40, deadline=None)
@given(contact_days)
def test_a_rhythm_is_never_shorter_than_a_week_nor_rests_on_more_than_the_window(offsets):
    typical, gaps = learn(days(*offsets))
    assert gaps <= RHYTHM_WINDOW
    assert (typical is None) == (gaps == 0)
    if typical is not None:
        assert typical >= EPISODE_DAYS


@settings(max_examples=40, deadline=None)
@given(contact_days, st.integers(0, 2000))
def test_logging_twice_on_a_day_already_logged_changes_no_rhythm(offsets, extra):
    assert learn(days(*offsets, *offsets)) == learn(days(*offsets))


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 3650), st.integers(7, 3650), st.integers(0, RHYTHM_WINDOW))
def test_the_interval_lies_between_the_cadence_and_the_persons_own_gap(cadence, typical, gaps):
    interval = expected_interval(cadence, typical, gaps)
    assert min(cadence, typical) <= interval <= max(cadence, typical)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["strategic", "social", "tactical"]),
                          st.one_of(st.none(), st.integers(-5, 4000)),
                          st.one_of(st.none(), st.integers(7, 3650)),
                          st.integers(0, RHYTHM_WINDOW)), min_size=1, max_size=20))
def test_the_interval_in_sql_is_the_interval_in_python(people):
    """queries._cadence_sql (every due date's SQL) equals rhythm.expected_interval."""
    from ties.storage import queries

    cfg = {"cadence.strategic": 42, "cadence.social": 30, "cadence.tactical": 60}
    sql, params = queries._cadence_sql(cfg)
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE p (id INTEGER, type TEXT, cadence_days INTEGER)")
    conn.execute("CREATE TABLE s (person_id INTEGER, rhythm_days INTEGER, "
                 "rhythm_gaps INTEGER)")
    for i, (kind, every, typical, gaps) in enumerate(people):
        conn.execute("INSERT INTO p VALUES (?, ?, ?)", (i, kind, every))
        conn.execute("INSERT INTO s VALUES (?, ?, ?)", (i, typical, gaps if typical else 0))
    got = dict(conn.execute(f"SELECT p.id, {sql} FROM p JOIN s ON s.person_id = p.id",
                            params))
    for i, (kind, every, typical, gaps) in enumerate(people):
        fixed = every is not None and 1 <= every <= 3650
        f = scoring.Facts(id=i, name="x", type=kind,
                          cadence=every if fixed else cfg[f"cadence.{kind}"],
                          created=D0, fixed=fixed, rhythm=typical,
                          rhythm_gaps=gaps if typical else 0)
        assert got[i] == f.interval, (kind, every, typical, gaps)


# What next says -----------------------------------------------------------------------

TODAY = date(2025, 3, 14)  # a Friday


def facts(silent: int, typical: int | None = 14, gaps: int = 6, fixed: bool = False,
          cadence: int = 30, interactions: int = 7) -> scoring.Facts:
    return scoring.Facts(id=1, name="Ana", type="social", cadence=cadence,
                         created=date(2024, 1, 1), interactions=interactions,
                         last_contact=TODAY - timedelta(days=silent), fixed=fixed,
                         rhythm=typical, rhythm_gaps=gaps, gave=1)


@pytest.mark.parametrize(("silent", "reason"), [
    (19, "due today (you usually talk every 2 weeks)"),
    (17, "due on Sunday (you usually talk every 2 weeks)"),
    (13, "due on Thursday (you usually talk every 2 weeks)"),
    (12, "due in 7 days (you usually talk every 2 weeks)"),
    (20, "you usually talk every 2 weeks; it's been 3 weeks"),
    (42, "you usually talk every 2 weeks; it's been 6 weeks"),
    (43, "fading: you usually talk every 2 weeks; it's been 6 weeks"),
])
def test_the_reason_speaks_of_their_own_rhythm(silent, reason):
    assert scoring.score(facts(silent), TODAY).reasons == [reason]


def test_fading_adds_its_points_from_the_day_after_three_usual_gaps():
    before, after = scoring.score(facts(42), TODAY), scoring.score(facts(43), TODAY)
    assert before.score == pytest.approx(10 * 42 / 19)
    assert after.score == pytest.approx(10 * 43 / 19 + scoring.FADING_POINTS)


def test_with_two_gaps_or_their_own_every_the_reason_is_the_cadences():
    assert scoring.score(facts(43, gaps=2), TODAY).reasons == [
        "overdue by 13 days (social: every month)"]
    assert scoring.score(facts(43, fixed=True), TODAY).reasons == [
        "overdue by 13 days (every month, as you set)"]  # theirs, not social's
    assert scoring.score(facts(43, gaps=2), TODAY).score == pytest.approx(10 * 43 / 30)


def test_the_learned_interval_decides_who_is_due_this_week():
    # due in 7 days is next week; in 6 days this week (interval 19)
    assert not scoring.is_candidate(facts(12), TODAY)
    assert scoring.is_candidate(facts(13), TODAY)
    assert scoring.due_date(facts(13)) == TODAY + timedelta(days=6)


# The ladder's words (issue 17 review, items 1-3) -----------------------------------------

def test_regression_a_dormant_tie_was_called_fading_in_next_and_report():
    # once strong (7 talks, first to last over 300 days), silent 400 days
    f = replace(facts(400, typical=42), first_contact=TODAY - timedelta(days=700))
    assert scoring.stage(f, TODAY) == "dormant"
    assert scoring.score(f, TODAY).reasons == [
        "dormant since February 2024: you were close (7 talks over 10 months), a good "
        "time to reconnect"]
    t = report.Tie(1, "Ana", "social", 30, date(2023, 1, 1), first_contact=f.first_contact,
                   last_contact=f.last_contact, interactions=7, rhythm=42, rhythm_gaps=6)
    assert report.status(t, TODAY) == "dormant" and report.once_close(t)


def test_a_dormant_tie_never_close_is_said_as_dormant_with_its_rhythm():
    f = facts(400, typical=None, gaps=0, interactions=2)
    assert scoring.score(f, TODAY).reasons == [
        "dormant: not in touch since February 2024 (social: every month)"]


@pytest.mark.parametrize(("silent", "stage"), [
    (18, None), (19, "due"), (42, "due"), (43, "fading"), (364, "fading"), (365, "dormant")])
def test_the_ladder_due_fading_dormant_is_one_for_next_and_report(silent, stage):
    f = facts(silent)  # interval 19, usual gap 14: fading after 42 days
    assert scoring.stage(f, TODAY) == stage
    t = report.Tie(1, "Ana", "social", 30, date(2023, 1, 1), first_contact=date(2023, 1, 1),
                   last_contact=f.last_contact, interactions=7, rhythm=14, rhythm_gaps=6)
    assert report.status(t, TODAY, 50) == (stage or "steady")


def test_regression_the_report_status_reconnect_shared_a_word_with_next_s_pick():
    assert "reconnect" not in report.STATUSES
    assert set(report.DUE_STATUSES) == set(rhythm.STAGES) == {"due", "fading", "dormant"}
    twice = report.Tie(1, "Ana", "social", 30, date(2023, 1, 1),
                       first_contact=date(2023, 1, 1),
                       last_contact=TODAY - timedelta(days=61), interactions=3)
    assert report.status(twice, TODAY, 50) == "fading"  # was "reconnect"
    assert scoring.score(facts(61, typical=None, gaps=0), TODAY).reasons == [
        "fading: it's been 9 weeks (social: every month)"]


def test_regression_it_s_been_3_months_was_said_beside_every_3_months():
    # usual gap 95 days ("3 months"), the monthly type pulls the interval to 63: at 80
    # days they are past due, and "every 3 months; it's been 3 months" said otherwise
    f = facts(80, typical=95, gaps=3)
    assert f.interval == 63
    assert scoring.score(f, TODAY).reasons == [
        "you usually talk every 3 months; counting the social cadence (every month) in, "
        "due every 63 days; it's been 80 days"]
    # rounding: a usual 84 days and 85 days of silence are both "3 months" (and 12 weeks)
    g = facts(85, typical=84, gaps=12, cadence=60)
    assert g.interval == 79
    assert scoring.score(g, TODAY).reasons == ["you usually talk every 84 days; it's been 85 days"]


def test_regression_the_blended_interval_was_called_the_social_cadence():
    # social (every month) with a usual gap of 90 days on 3 gaps: due every 60 days, the
    # blend; 'with the social cadence every 9 weeks' said the cadence was 9 weeks
    f = facts(80, typical=90, gaps=3)
    assert f.interval == 60
    assert scoring.score(f, TODAY).reasons == [
        "you usually talk every 3 months; counting the social cadence (every month) in, "
        "due every 60 days; it's been 80 days"]
    # the cadence said is the one that applies: the type's own, here six weeks
    g = replace(facts(80, typical=90, gaps=3, cadence=42), type="strategic")
    assert g.interval == 66
    assert scoring.score(g, TODAY).reasons[0].startswith(
        "you usually talk every 3 months; counting the strategic cadence (every 6 weeks) in, "
        "due every 66 days; it's been 80 days")


@pytest.mark.parametrize(("typical", "gaps", "cadence", "kind", "words"), [
    # 75 days would round to the tactical cadence's "2 months"
    (90, 3, 60, "tactical", "usually talk every 3 months; counting the tactical cadence "
                            "(every 2 months) in, due every 75 days"),
    # 77 days would round to the usual gap's "3 months" (show) or "11 weeks" (next)
    (92, 4, 60, "tactical", "usually talk every 3 months; counting the tactical cadence "
                            "(every 2 months) in, due every 78 days"),
    (45, 3, 42, "strategic", "usually talk every 6 weeks; counting the strategic cadence "
                             "(every 6 weeks) in, due every 44 days"),
])
def test_regression_the_blend_read_as_the_cadence_or_the_usual_gap_it_is_said_in_days(
        typical, gaps, cadence, kind, words):
    interval = rhythm.expected_interval(cadence, typical, gaps)
    assert scoring.blend_words(kind, cadence, typical, interval) == "you " + words


def test_blend_words_name_the_cadence_even_without_a_type():
    assert scoring.blend_words(None, 60, 120, 90) == (
        "you usually talk every 4 months; counting the cadence (every 2 months) in, due "
        "every 90 days")


@pytest.mark.parametrize(("silent", "reason"), [
    (18, "due tomorrow (you usually talk every 2 weeks)"),  # the day before due
    (19, "due today (you usually talk every 2 weeks)"),  # the due day
    (20, "you usually talk every 2 weeks; it's been 3 weeks"),  # the day after
])
def test_the_day_before_due_and_the_due_day_never_say_how_long_it_has_been(silent, reason):
    assert scoring.score(facts(silent), TODAY).reasons == [reason]


def test_fading_never_starts_on_the_due_day_itself():
    # three usual gaps (30) are long past, but the monthly cadence has the interval at 35
    f = facts(35, typical=10, gaps=3, cadence=60)
    assert f.interval == 35
    assert scoring.score(f, TODAY).reasons == ["due today (you usually talk every 10 days)"]
    assert scoring.stage(f, TODAY) == "due"
    assert scoring.score(facts(36, typical=10, gaps=3, cadence=60), TODAY).reasons == [
        "fading: you usually talk every 10 days; it's been 5 weeks"]


@pytest.mark.parametrize(("silent", "reason"), [
    (29, "due tomorrow (social: every month)"), (30, "due today (social: every month)"),
    (31, "overdue by 1 day (social: every month)")])
def test_the_day_before_due_and_the_due_day_on_the_type_s_cadence(silent, reason):
    assert scoring.score(facts(silent, typical=None, gaps=0), TODAY).reasons == [reason]


_EVERY = re.compile(r"every (?:(\d+) )?(day|week|month|year)s?")
_BEEN = re.compile(r"it's been (\d+) (day|week|month|year)s?")


_DAYS = {"day": 1, "week": 7, "month": 30.44, "year": 365.25}


def _said(reason: str) -> tuple[float, float] | None:
    """(the last rhythm said, the silence said) in days, as the words say them, or
    None when the reason does not say how long it has been."""
    been = _BEEN.search(reason)
    if been is None:
        return None
    number, unit = _EVERY.findall(reason)[-1]
    return (int(number or 1) * _DAYS[unit],
            int(been.group(1)) * _DAYS[been.group(2)])


@settings(max_examples=60, deadline=None)
@given(cadence=st.integers(1, 400), typical=st.integers(1, 400), gaps=st.integers(0, 12),
       fixed=st.booleans(), silent=st.integers(0, 800))
def test_the_words_for_rhythm_and_silence_order_as_the_due_decision(
        cadence, typical, gaps, fixed, silent):
    f = facts(silent, typical=typical, gaps=gaps, fixed=fixed, cadence=cadence)
    for reason in scoring.score(f, TODAY).reasons:
        said = _said(reason)
        if said is None:
            continue
        every, been = said
        assert been > every, (reason, f.interval)  # past due: longer, never equal
        assert silent > f.interval, reason  # how long it has been: only once past due


@pytest.mark.slow
@settings(max_examples=3000, deadline=None, derandomize=True)
@given(cadence=st.integers(1, 800), typical=st.integers(1, 800), gaps=st.integers(0, 12),
       fixed=st.booleans(), silent=st.integers(0, 2000))
def test_the_words_for_rhythm_and_silence_order_as_the_due_decision_deep(
        cadence, typical, gaps, fixed, silent):
    test_the_words_for_rhythm_and_silence_order_as_the_due_decision.hypothesis.inner_test(
        cadence, typical, gaps, fixed, silent)


@settings(max_examples=60, deadline=None)
@given(stated=st.integers(1, 2000), silent=st.integers(1, 2000))
def test_lengths_keep_the_order_of_the_days(stated, silent):
    every, been = _said("every " + "; it's been ".join(rhythm.lengths(stated, silent)))
    assert (been > every) - (been < every) == (silent > stated) - (silent < stated)
