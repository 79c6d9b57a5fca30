"""Scoring is pure: tables of scenarios and hypothesis properties, no database."""

from __future__ import annotations

import random
import subprocess
import sys
import zlib
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ties.core.scoring import (
    Comfort,
    Facts,
    Promise,
    Weights,
    comfort,
    is_candidate,
    rank,
    score,
    suggest,
)

TODAY = date(2025, 3, 14)


def zone_of(industries: dict | None = None, companies: dict | None = None) -> Comfort:
    """A comfort zone from how many recent people had each industry and each company
    (kept apart: no one has both)."""
    rows = [(k, None, n) for k, n in (industries or {}).items()]
    rows += [(None, k, n) for k, n in (companies or {}).items()]
    return comfort(rows, sum(n for _, _, n in rows))


def person(name="P", type_="social", days=60, cadence=30, **kw) -> Facts:
    """Someone seen `days` ago; the id is given, or the same for the same name in every
    process (hash() of a str changes with PYTHONHASHSEED)."""
    return Facts(id=kw.pop("id", zlib.crc32(name.encode()) % 10_000), name=name, type=type_,
                 cadence=cadence,
                 created=date(2024, 1, 1), last_contact=TODAY - timedelta(days=days),
                 sort_key=name.lower(), **kw)


def test_strategic_long_overdue_outranks_tactical_just_seen():
    ranked = rank([person("Tac", "tactical", days=58, cadence=60),
                   person("Strat", "strategic", days=120, cadence=42)], TODAY)
    assert [s.facts.name for s in ranked] == ["Strat", "Tac"]


def test_someone_seen_today_is_not_suggested():
    assert rank([person("Seen", "strategic", days=0, cadence=42)], TODAY) == []


def test_longer_unseen_ranks_higher_among_equals():
    ranked = rank([person("A", days=40), person("B", days=70), person("C", days=50)], TODAY)
    assert [s.facts.name for s in ranked] == ["B", "C", "A"]


def test_strategic_weighs_most_tactical_least_at_same_overdue():
    ranked = rank([person(t, t, days=60, cadence=30) for t in ("tactical", "social",
                                                                "strategic")], TODAY)
    assert [s.facts.type for s in ranked] == ["strategic", "social", "tactical"]


def test_unreturned_help_raises_priority_and_says_so():
    plain = person("Plain", days=45)
    owed = person("Owed", days=45, last_received=date(2025, 3, 1))
    ranked = rank([plain, owed], TODAY)
    assert ranked[0].facts.name == "Owed"
    assert "they helped you in March: time to give back" in ranked[0].reasons


def test_returned_help_does_not_count():
    s = score(person(days=45, last_received=date(2025, 2, 1), last_gave=date(2025, 2, 10)),
              TODAY)
    assert not any("give back" in r for r in s.reasons)


def test_old_favours_count_less_than_recent_ones():
    recent = score(person(last_received=TODAY - timedelta(days=10)), TODAY).score
    old = score(person(last_received=TODAY - timedelta(days=300)), TODAY).score
    assert recent > old > score(person(), TODAY).score


def test_due_follow_up_comes_first_with_the_promise_as_reason():
    promised = person("Promised", "tactical", days=1, cadence=60,
                      promises=(Promise("send the CRDT paper", TODAY - timedelta(days=2)),))
    ranked = rank([person("Overdue", "strategic", days=400, cadence=42), promised], TODAY)
    assert ranked[0].facts.name == "Promised"
    assert ranked[0].reasons[0] == "you promised: send the CRDT paper (overdue by 2 days)"


def test_follow_up_due_later_this_week_is_a_reason_too():
    s = score(person(days=1, promises=(Promise("intro", TODAY + timedelta(days=3)),)), TODAY)
    assert s.reasons[0] == "you promised: intro (due on Monday)"
    assert is_candidate(s.facts, TODAY)


def test_they_reached_out_last_times_your_turn():
    s = score(person(their_streak=3), TODAY)
    assert "they reached out the last 3 times: your turn" in s.reasons


def test_regression_give_back_and_ask_how_to_help_were_said_side_by_side():
    """A review: the row said 'time to give back' and, on the weeks the ask came round,
    'ask how you can help' beside it: the same advice twice. The give-back says it (and
    what for); the points stay, as the SQL bound counts them."""
    asked = person(days=30, interactions=4, gave=0)
    owed = person(days=30, interactions=4, gave=0, last_received=TODAY - timedelta(days=20))
    alone, both = score(asked, TODAY), score(owed, TODAY)
    assert any("ask how" in r for r in alone.reasons)
    assert not any("ask how" in r for r in both.reasons)
    assert any("time to give back" in r for r in both.reasons)
    assert both.score - alone.score == pytest.approx(_unreturned_points(owed))


def _unreturned_points(f) -> float:
    from ties.core.scoring import _unreturned

    return _unreturned(f, TODAY)


def test_never_gave_after_several_interactions_prompts_to_help():
    s = score(person(days=30, interactions=4, gave=0), TODAY)
    assert "ask how you can help: you haven't offered anything yet" in s.reasons
    assert not any("ask how" in r for r in score(person(days=30, interactions=4, gave=1),
                                                 TODAY).reasons)


def test_never_contacted_is_due_from_the_day_they_were_added():
    f = Facts(id=1, name="New", type="social", cadence=30, created=TODAY - timedelta(days=40))
    s = score(f, TODAY)
    assert s.due == TODAY - timedelta(days=10)
    assert s.reasons[0] == "not in touch since you added them 6 weeks ago (social: every month)"


def test_birthday_in_coming_week_is_mentioned():
    s = score(person(birthday=(3, 18)), TODAY)
    assert "birthday on Tuesday (18 March): say happy birthday" in s.reasons


def test_reasons_use_kind_words():
    ranked = rank([person(f"P{i}", t, days=d, their_streak=2, interactions=5,
                          last_received=TODAY - timedelta(days=20))
                   for i, (t, d) in enumerate([("strategic", 300), ("social", 31),
                                               ("tactical", 1000)])], TODAY)
    text = " ".join(r for s in ranked for r in s.reasons).lower()
    for word in ("neglect", "fail", "guilt", "ignored", "bad"):
        assert word not in text


def test_stretch_pick_is_outside_the_dominant_industry():
    zone = zone_of({"software": 9, "finance": 1})
    due = [person(f"Soft{i}", "strategic", days=100 + i, industry="software") for i in range(6)]
    outsider = person("Nurse", "social", days=25, cadence=30, industry="Healthcare")
    picks = suggest(due, TODAY, 5, stretch_pool=[outsider], zone=zone)
    assert len(picks) == 5
    assert picks[-1].facts.name == "Nurse" and picks[-1].stretch
    assert picks[-1].reasons[0] == ("stretch: Healthcare, outside where most of your time "
                                    "goes (9 of your last 10 people were in software)")
    assert not any(p.stretch for p in picks[:-1])


def test_stretch_marks_a_pick_already_outside_the_circle():
    zone = zone_of({"software": 9})
    picks = suggest([person("Soft", days=100, industry="software"),
                     person("Bio", days=90, industry="biotech")], TODAY, 5,
                    stretch_pool=[], zone=zone)
    assert [(p.facts.name, p.stretch) for p in picks] == [("Soft", False), ("Bio", True)]


def test_equal_scores_rank_by_name_whatever_the_input_order():
    people = [person(n, days=60) for n in ("Cy", "Al", "Bo")]
    assert [s.facts.name for s in rank(people, TODAY)] == ["Al", "Bo", "Cy"]
    assert [s.facts.name for s in rank(list(reversed(people)), TODAY)] == ["Al", "Bo", "Cy"]


facts_strategy = st.builds(
    lambda i, t, days, cadence, gave, rec, streak: Facts(
        id=i, name=f"N{i % 7}", type=t, cadence=cadence, created=date(2020, 1, 1),
        last_contact=TODAY - timedelta(days=days), gave=gave,
        last_received=(TODAY - timedelta(days=rec)) if rec is not None else None,
        their_streak=streak, sort_key=f"n{i % 7}"),
    st.integers(1, 10_000), st.sampled_from(["tactical", "social", "strategic"]),
    st.integers(0, 2000), st.integers(1, 365), st.integers(0, 5),
    st.one_of(st.none(), st.integers(0, 1000)), st.integers(0, 5),
)


@given(facts_strategy, st.integers(1, 500))
def test_more_days_since_contact_never_lowers_the_score(f, extra):
    later = replace(f, last_contact=f.last_contact - timedelta(days=extra))
    assert score(later, TODAY).score >= score(f, TODAY).score


@given(st.lists(facts_strategy, max_size=30, unique_by=lambda f: f.id), st.randoms())
def test_ranking_is_a_total_order_independent_of_insertion_order(people, rnd):
    shuffled = list(people)
    rnd.shuffle(shuffled)
    a = [(s.facts.id, s.score) for s in rank(people, TODAY)]
    b = [(s.facts.id, s.score) for s in rank(shuffled, TODAY)]
    assert a == b
    keys = [s.rank_key for s in rank(people, TODAY)]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)


@given(facts_strategy, st.floats(0.1, 5), st.floats(0.1, 5))
def test_higher_type_weight_never_lowers_the_score(f, w1, w2):
    low, high = sorted((w1, w2))
    assert score(f, TODAY, Weights(high, high, high)).score >= \
        score(f, TODAY, Weights(low, low, low)).score


def test_docs_worked_example_matches_the_code():
    """docs/scoring.md's main example, as facts (tests/test_docs.py runs its session):
    her last contact is the job lead she sent, so what she gave is owed from that day."""
    doc = (Path(__file__).parent.parent / "docs" / "scoring.md").read_text()
    ana = Facts(id=1, name="Ana Lima", type="strategic", cadence=42, created=date(2024, 11, 15),
                first_contact=date(2024, 11, 15), last_contact=date(2025, 1, 10),
                interactions=3, gave=1, last_gave=date(2024, 12, 2),
                last_received=date(2025, 1, 10), their_streak=2)
    s = score(ana, TODAY)
    recency = 10 * (63 / 42) * 1.5
    owed = 6 * 0.5 ** (63 / 90)
    assert s.score == pytest.approx(recency + owed + 3)
    assert f"**{recency:.2f}**" in doc
    assert f"**{owed:.2f}**" in doc
    assert f"**{s.score:.2f}**" in doc
    assert s.reasons == ["overdue by 3 weeks (strategic: every 6 weeks)",
                         "they helped you in January: time to give back",
                         "they reached out the last 2 times: your turn"]


def _random_people() -> list[Facts]:
    rnd = random.Random(4)
    return [person(f"P{i % 150}", rnd.choice(["tactical", "social", "strategic"]),
                   days=rnd.randint(0, 400), id=i, industry=rnd.choice(["a", "b", None]))
            for i in range(200)]


def _suggested(people: list[Facts]) -> list[int]:
    zone = zone_of({"a": 10})
    return [s.facts.id for s in suggest(people, TODAY, 5, stretch_pool=people, zone=zone)]


@settings(max_examples=25, deadline=None)
@given(st.randoms(use_true_random=False))
def test_suggestions_do_not_depend_on_the_order_people_come_in(rnd):
    people = _random_people()
    shuffled = list(people)
    rnd.shuffle(shuffled)
    assert _suggested(shuffled) == _suggested(people)


def test_suggestions_are_the_same_in_another_process_with_another_hash_seed():
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import test_scoring as t; "
            "print(t._suggested(t._random_people()))")
    here = str(Path(__file__).parent)
    printed = {subprocess.run([sys.executable, "-c", code, here], capture_output=True,
                              text=True, check=True, env={"PYTHONHASHSEED": seed,
                                                          "PATH": "/usr/bin:/bin"}).stdout
               for seed in ("0", "1", "2")}
    assert printed == {f"{_suggested(_random_people())}\n"}


def test_shortlist_keeps_someone_overdue_beyond_a_promise_regression_forced_only():
    """Bug: with one suggestion asked for, a promise due today (1000 points) filled the
    shortlist alone, although a strategic tie 67 days into a daily cadence scored 1005."""
    from ties.core.scoring import shortlist

    entries = [(2, 0.0, 0.0, True), (3, 1005.0, 0.0, False)]
    assert sorted(shortlist(entries, 1)) == [2, 3]


def test_shortlist_threshold_boundary_equal_bound_in_just_below_out():
    from ties.core.scoring import shortlist

    entries = [(1, 50.0, 0.0, False), (2, 40.0, 0.0, False), (3, 30.0, 10.0, False),
               (4, 30.0, 9.9, False)]
    # the second-best floor is 40: 30 + 10 can still reach it, 30 + 9.9 cannot
    assert sorted(shortlist(entries, 2)) == [1, 2, 3]
    assert sorted(shortlist(entries, 4)) == [1, 2, 3, 4]
    assert shortlist([(1, 5.0, 0.0, True), (2, 900.0, 50.0, False)], 0) == [1]


# Boundaries and the points of each rule (numbers other than the docs' example) ---------

def _extra(**kw) -> float:
    """The points a fact adds to an overdue social tie (60 days on a 30-day cadence)."""
    return score(person(id=1, **kw), TODAY).score - score(person(id=1), TODAY).score


def test_week_boundary_due_in_6_days_is_suggested_in_7_is_not():
    six = person(days=24)
    seven = person(days=23)
    assert is_candidate(six, TODAY) and not is_candidate(seven, TODAY)
    assert score(six, TODAY).reasons == ["due on Thursday (social: every month)"]
    assert score(seven, TODAY).reasons == ["due in 7 days (social: every month)"]
    assert rank([six, seven], TODAY) == [score(six, TODAY)]


def test_week_boundary_promise_due_in_6_days_counts_in_7_does_not():
    six = person(days=0, promises=(Promise("intro", TODAY + timedelta(days=6)),))
    seven = person(days=0, promises=(Promise("intro", TODAY + timedelta(days=7)),))
    assert is_candidate(six, TODAY) and not is_candidate(seven, TODAY)
    assert score(six, TODAY).score == 1000.0
    assert score(six, TODAY).reasons[0] == "you promised: intro (due on Thursday)"
    assert score(seven, TODAY).score == 0.0


@pytest.mark.parametrize(("due", "points", "words"), [
    (-3, 1003.0, "overdue by 3 days"), (0, 1000.0, "due today"), (1, 1000.0, "due tomorrow")])
def test_a_promise_is_1000_points_plus_a_day_overdue(due, points, words):
    f = person(days=0, promises=(Promise("x", TODAY + timedelta(days=due)),))
    s = score(f, TODAY)
    assert s.score == points and s.reasons[0] == f"you promised: x ({words})"


def test_week_boundary_birthday_in_6_days_counts_in_7_does_not():
    assert _extra(birthday=(3, 20)) == 100.0
    assert ("birthday on Thursday (20 March): say happy birthday"
            in score(person(birthday=(3, 20)), TODAY).reasons)
    assert _extra(birthday=(3, 21)) == 0.0
    assert not any("birthday" in r for r in score(person(birthday=(3, 21)), TODAY).reasons)


def test_a_birthday_today_counts_and_says_today():
    s = score(person(birthday=(3, 14)), TODAY)
    assert _extra(birthday=(3, 14)) == 100.0
    assert "birthday today (14 March): say happy birthday" in s.reasons


def test_your_turn_is_3_points_from_a_streak_of_2():
    assert _extra(their_streak=2) == 3.0
    assert _extra(their_streak=1) == 0.0


def test_ask_how_to_help_is_2_points_from_3_interactions_without_giving():
    def extra(**kw):  # someone coming due today, when the ask shows
        return (score(person(id=1, days=30, **kw), TODAY).score
                - score(person(id=1, days=30), TODAY).score)
    assert extra(interactions=3) == 2.0
    assert extra(interactions=2) == 0.0
    assert extra(interactions=3, gave=1) == 0.0


def test_each_undated_promise_is_3_points_and_a_reason():
    s = score(person(promises=(Promise("u", None), Promise("v", None))), TODAY)
    assert _extra(promises=(Promise("u", None), Promise("v", None))) == 6.0
    assert s.reasons[-2:] == ["you promised: u", "you promised: v"]


def test_unreturned_help_is_6_points_halving_every_90_days_and_nothing_once_returned():
    assert _extra(last_received=TODAY) == 6.0
    assert _extra(last_received=TODAY - timedelta(days=90)) == pytest.approx(3.0)
    assert _extra(last_received=TODAY + timedelta(days=5)) == 6.0  # dated ahead: full
    assert _extra(last_received=TODAY, last_gave=TODAY) == 0.0
    assert _extra(last_received=TODAY, last_gave=TODAY - timedelta(days=1)) == 6.0
    assert "they helped you in December 2024: time to give back" in score(
        person(last_received=date(2024, 12, 1)), TODAY).reasons


def test_recency_is_10_points_when_exactly_due_times_the_type_weight():
    assert score(person(days=30), TODAY).score == 10.0
    assert score(person(days=30, type_="strategic"), TODAY).score == 15.0
    assert score(person(days=30, type_="tactical"), TODAY).score == 6.0
    assert score(person(days=30, type_="untyped"), TODAY).score == 6.0  # weighed as tactical
    assert score(person(days=-5), TODAY).score == 0.0  # contact dated ahead: not negative


@pytest.mark.parametrize(("cadence", "words"), [
    (1, "every day"), (7, "every week"), (14, "every 2 weeks"), (30, "every month"),
    (45, "every 45 days"), (365, "every year"), (730, "every 2 years")])
def test_cadences_in_words(cadence, words):
    assert score(person(cadence=cadence, days=0), TODAY).reasons[0].endswith(
        f"(social: {words})")


@pytest.mark.parametrize(("days", "reason"), [
    (31, "overdue by 1 day"), (30, "due today"), (29, "due tomorrow"),
    (25, "due on Wednesday"), (23, "due in 7 days"), (2, "due in 4 weeks")])
def test_recency_reasons_by_how_due(days, reason):
    assert score(person(days=days), TODAY).reasons[0] == f"{reason} (social: every month)"


def test_someone_never_contacted_says_since_when_and_is_due_from_then():
    f = Facts(id=1, name="N", type="social", cadence=30, created=TODAY - timedelta(days=3))
    s = score(f, TODAY)
    assert s.reasons == ["not in touch since you added them 3 days ago (social: every month)"]
    assert s.due == TODAY + timedelta(days=27) and s.score == pytest.approx(1.0)


def test_an_import_never_contacted_is_not_suggested_unless_a_promise_is_due():
    cold = Facts(id=1, name="N", type="social", cadence=30, created=date(2024, 1, 1),
                 imported=True)
    assert not is_candidate(cold, TODAY)
    assert is_candidate(replace(cold, last_contact=TODAY - timedelta(days=40)), TODAY)
    assert is_candidate(replace(cold, promises=(Promise("x", TODAY),)), TODAY)
    assert is_candidate(replace(cold, imported=False), TODAY)


def test_stretch_pool_skips_the_cold_the_excluded_the_circled_and_the_not_yet_half_due():
    from ties.core.scoring import pick_stretch

    zone = zone_of({"software": 3})
    base = person("Out", days=15, cadence=30, industry="health")  # exactly half-way
    assert pick_stretch([base], zone, TODAY).facts.name == "Out"
    assert pick_stretch([replace(base, last_contact=TODAY - timedelta(days=14))], zone,
                        TODAY) is None
    assert pick_stretch([base], zone, TODAY, exclude=[base.id]) is None
    assert pick_stretch([replace(base, industry="Software")], zone, TODAY) is None
    assert pick_stretch([replace(base, industry=None)], zone, TODAY) is None
    assert pick_stretch([replace(base, imported=True, last_contact=None,
                                 created=TODAY - timedelta(days=100))], zone, TODAY) is None
    assert pick_stretch([base], zone_of(), TODAY) is None
    better = person("Better", days=40, cadence=30, industry="law")
    assert pick_stretch([base, better], zone, TODAY).facts.name == "Better"
    assert pick_stretch([better, base], zone, TODAY).facts.name == "Better"


def test_stretch_reason_names_the_share_with_the_users_spelling():
    zone = comfort([("Software", "Acme", 2), ("software ", "Initech", 1),
                    ("Law", None, 1)], 4)
    pick = suggest([], TODAY, 3, stretch_pool=[person("Nurse", industry="Health")], zone=zone)
    assert pick[0].reasons[0] == ("stretch: Health, outside where most of your time goes "
                                  "(3 of your last 4 people were in Software; 2 of the 3 of "
                                  "your last 4 people with a company were at Acme)")
    assert pick[0].stretch
    assert suggest([person("A")], TODAY, 0, zone=zone) == []
    assert suggest([person("A", industry="SOFTWARE")], TODAY, 1,
                   stretch_pool=[person("B", industry="health")], zone=zone)[0].facts.name == "B"


# Issue 15: birthdays and old promises bring people in -----------------------------------

def test_birthday_brings_someone_not_due_into_next_day_6_in_day_7_out():
    seen = person(days=1)  # a month to go before they are due
    assert not is_candidate(seen, TODAY)
    six, seven = replace(seen, birthday=(3, 20)), replace(seen, birthday=(3, 21))
    assert is_candidate(six, TODAY) and not is_candidate(seven, TODAY)
    assert score(six, TODAY).reasons == ["birthday on Thursday (20 March): say happy birthday"]
    # an imported contact you never met stays out: a large import never floods the list
    assert not is_candidate(replace(six, imported=True, last_contact=None, created=TODAY),
                            TODAY)


@pytest.mark.parametrize(("today", "expected"), [
    (date(2025, 2, 22), None),  # 1 March, standing in for 29 February, is 7 days away
    (date(2025, 2, 23), date(2025, 3, 1)),
    (date(2025, 3, 1), date(2025, 3, 1)),
    (date(2028, 2, 23), date(2028, 2, 29)),  # a leap year has the day itself
    (date(2028, 2, 22), None),
])
def test_a_29_february_birthday_falls_on_1_march_in_a_common_year(today, expected):
    from ties.core.scoring import birthday_keys, birthday_this_week

    f = replace(person(birthday=(2, 29)), last_contact=today - timedelta(days=1))  # not due
    assert birthday_this_week(f, today) == expected
    assert is_candidate(f, today) == (expected is not None)
    assert (229 in birthday_keys(today)) == (expected is not None)


@settings(max_examples=30)
@given(st.dates(date(2023, 1, 1), date(2030, 12, 31)), st.dates(date(2024, 1, 1),
                                                                 date(2024, 12, 31)))
def test_birthday_keys_are_the_birthdays_of_the_week_as_scoring_sees_them(today, born):
    """The SQL matches people on birthday_keys; scoring asks next_birthday: one week."""
    from ties.core.scoring import birthday_keys, birthday_this_week

    month, day = born.month, born.day
    f = person(birthday=(month, day))
    assert (month * 100 + day in birthday_keys(today)) == \
        (birthday_this_week(f, today) is not None)


def test_an_undated_promise_brings_its_person_in_from_14_days_13_is_too_soon():
    seen = person(days=1)

    def made(days):
        return replace(seen, promises=(Promise("send the deck", None,
                                               TODAY - timedelta(days=days)),))
    assert not is_candidate(made(13), TODAY)
    assert is_candidate(made(14), TODAY)
    assert score(made(21), TODAY).reasons == ["you promised 'send the deck' 3 weeks ago"]
    assert score(made(14), TODAY).score - score(made(13), TODAY).score == 50.0
    # a promise brings in even an imported contact you never met
    cold = replace(made(14), imported=True, last_contact=None, created=TODAY)
    assert is_candidate(cold, TODAY)


def test_a_row_brought_in_by_a_promise_or_birthday_lists_no_far_off_cadence():
    tactical = person(type_="tactical", days=1, cadence=60)  # due in 2 months
    promised = replace(tactical, promises=(Promise("intro", TODAY + timedelta(days=2)),))
    assert score(promised, TODAY).reasons == ["you promised: intro (due on Sunday)"]
    born = replace(tactical, birthday=(3, 15))
    assert score(born, TODAY).reasons == ["birthday tomorrow (15 March): say happy birthday"]
    old = replace(tactical, promises=(Promise("intro", None, TODAY - timedelta(days=30)),))
    assert score(old, TODAY).reasons == ["you promised 'intro' 4 weeks ago"]
    # someone due anyway keeps their cadence among the reasons
    assert score(replace(born, last_contact=TODAY - timedelta(days=70)), TODAY).reasons == [
        "birthday tomorrow (15 March): say happy birthday",
        "overdue by 10 days (tactical: every 2 months)"]


def test_each_reason_appears_once_regression_the_same_promise_twice():
    twice = person(promises=(Promise("send the deck", None), Promise("send the deck", None)))
    reasons = score(twice, TODAY).reasons
    assert reasons.count("you promised: send the deck") == 1
    assert len(reasons) == len(set(reasons))


@pytest.mark.parametrize("first_run", range(-10, 60, 3))
def test_ask_how_you_can_help_is_not_repeated_week_after_week_regression_8_runs(first_run):
    """Bug: 'ask how you can help' sat on the same rows every week. Eight weekly runs with
    nothing logged: it shows in the week someone comes due, then one week in four."""
    asker = person(days=30 + first_run, interactions=5, gave=0)  # due `first_run` days ago
    shown = [i for i in range(8)
             if "ask how you can help: you haven't offered anything yet"
             in score(asker, TODAY + timedelta(days=7 * i)).reasons]
    weeks_due = [i for i in range(8) if is_candidate(asker, TODAY + timedelta(days=7 * i))]
    assert len(shown) == 2 and shown[1] - shown[0] == 4
    assert set(shown) <= set(weeks_due)


def test_ask_shows_in_the_week_someone_comes_due_and_not_before():
    def shown(days):
        return any("ask how" in r for r in score(person(days=days, interactions=3), TODAY).reasons)
    # cadence 30: due in 6 days (in), in 7 (out); the week after coming due, four weeks on
    assert [shown(d) for d in (23, 24, 30, 31, 51, 52, 58, 59)] == [
        False, True, True, False, False, True, True, False]


# Issue 15: the comfort zone by shares ---------------------------------------------------

def test_one_manufacturing_contact_among_eight_software_ones_is_the_stretch_pick():
    zone = zone_of({"software": 8, "manufacturing": 1})
    maker = person("Mia", "tactical", days=40, cadence=60, industry="Manufacturing")
    coder = person("Cody", "tactical", days=50, cadence=60, industry="Software")
    picks = suggest([person("Due", days=40, industry="software")], TODAY, 2,
                    stretch_pool=[coder, maker], zone=zone)
    assert [(p.facts.name, p.stretch) for p in picks] == [("Due", False), ("Mia", True)]
    assert picks[1].reasons[0] == ("stretch: Manufacturing, outside where most of your time "
                                   "goes (8 of your last 9 people were in software)")


@pytest.mark.parametrize(("counts", "zone"), [
    ({"a": 3, "b": 1, "c": 1}, ("a",)),  # 3 of 5: more than half
    ({"a": 2, "b": 1, "c": 1}, ("a", "b", "c")),  # 2 of 4 is half, not most; b and c tie
    ({"a": 4, "b": 3, "c": 1}, ("a", "b")),  # 4 of 8, then 7 of 8
    ({"a": 5, "b": 4}, ("a",)),
    ({"a": 1}, ("a",)),
    ({}, ()),
])
def test_the_zone_is_the_largest_values_making_more_than_half(counts, zone):
    assert zone_of(counts).industries.zone == zone


def test_a_colleague_in_another_industry_is_no_stretch_nor_is_someone_unknown():
    zone = zone_of({"software": 5}, {"Acme": 4, "Globex": 1})
    assert zone.companies.zone == ("acme",)
    assert not zone.outside("Manufacturing", "ACME ")  # works at your company
    assert not zone.outside("software", "Initech")
    assert zone.outside("Manufacturing", "Globex")
    assert zone.outside(None, "Initech")
    assert not zone.outside(None, None)


def test_the_users_spelling_is_the_one_most_recent_people_have():
    zone = comfort([("Software", None, 1), ("software", None, 2), ("SaaS", None, 1)], 4)
    assert zone.industries.names() == "software"
    assert zone.words() == "3 of your last 4 people were in software"
    assert comfort([("FinTech", None, 1), ("fintech ", None, 1)], 2).industries.names() \
        == "FinTech"  # a tie: the first in order


@pytest.mark.parametrize(("industries", "companies", "words"), [
    ({"software": 8, "law": 1}, {}, "8 of your last 9 people were in software"),
    ({"software": 2}, {}, "all of your last 2 people were in software"),
    ({"software": 1}, {}, "your last person was in software"),
    ({"Acme": 2, "Globex": 2}, {}, "all of your last 4 people were in Acme or Globex"),
])
def test_the_share_in_words(industries, companies, words):
    assert zone_of(industries, companies).words() == words


def test_the_share_of_industry_and_company_says_the_count_of_people_once():
    zone = comfort([("software", "Acme", 5), ("software", "Globex", 3), ("law", "Globex", 1)], 9)
    assert zone.words() == "8 of your last 9 people were in software, and 5 of the 9 at Acme"


def test_the_share_says_when_some_recent_people_have_no_industry():
    zone = comfort([("software", None, 5), (None, "Acme", 3), ("law", "Acme", 1)], 9)
    assert zone.words() == ("5 of the 6 of your last 9 people with an industry were in "
                            "software; all 4 of your last 9 people with a company were at "
                            "Acme")


def test_the_zone_is_worked_out_once_regression_sorted_again_for_every_person():
    """Bug: the stretch pool asked each of 10,000 people whether they were outside, and
    each question sorted the 500 companies again: 'ties next' took 17 s instead of 1."""
    zone = zone_of({f"industry {i}": 1 + i % 3 for i in range(50)},
                   {f"company {i}": 1 + i % 7 for i in range(500)})
    assert zone.companies.zone is zone.companies.zone
    assert zone.industries.members is zone.industries.members
