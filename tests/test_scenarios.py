"""The ranking, judged on named situations (issue 17, item 6): each a small store at fixed
dates, read through the real `ties next --json`, with the expected top pick and reasons.
The shape lives in tests/scenarios.py; docs/scoring.md works through the same numbers.

Today is Friday 14 March 2025 unless a scenario says otherwise: the week `next` looks at
runs to Thursday 20 March. Cadences by type: strategic 42 days, social 30, tactical 60.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scenarios import Log, P, Promise, Scenario, check

SOFTWARE = {"industry": "Software"}


def talks(last: int, n: int = 6, over: int = 200, note: str | None = "her move to Lisbon"
          ) -> list[Log]:
    """`n` interactions spread evenly over `over` days, the last `last` days ago (with
    `note`): a once strong tie."""
    days = [last + over - round(i * over / (n - 1)) for i in range(n)]
    return [Log(d, note=note if d == last else None) for d in days]


RECONNECT = "reconnect: you were close"

SCENARIOS = [
    # Due by type cadence --------------------------------------------------------------
    Scenario("social_tie_past_their_month_is_overdue",
             {"Ana": P("social", logs=[40])}, top="Ana",
             reasons=["overdue by 10 days (social: every month)"]),
    Scenario("social_tie_due_within_the_week_is_suggested_with_the_day",
             {"Ana": P("social", logs=[25])}, top="Ana",
             reasons=["due on Wednesday (social: every month)"]),
    Scenario("social_tie_due_the_day_after_the_week_is_not_suggested",
             {"Ana": P("social", logs=[23])}, top=None),
    Scenario("strategic_tie_past_six_weeks_is_overdue",
             {"Ana": P("strategic", logs=[50])}, top="Ana",
             reasons=["overdue by 8 days (strategic: every 6 weeks)"]),
    Scenario("tactical_tie_within_two_months_is_not_suggested",
             {"Ana": P("tactical", logs=[50])}, top=None),
    Scenario("someone_added_and_never_met_counts_from_when_added",
             {"Ana": P("social", added=35)}, top="Ana",
             reasons=["not in touch since you added them"]),
    Scenario("strategic_outranks_tactical_equally_late",
             {"Tia": P("tactical", logs=[120]), "Sol": P("strategic", logs=[84])},
             top="Sol", reasons=["overdue by 6 weeks (strategic"], listed=["Tia"]),
    Scenario("much_later_tactical_outranks_barely_late_strategic",
             {"Tia": P("tactical", logs=[300]), "Sol": P("strategic", logs=[45])},
             top="Tia", listed=["Sol"]),
    Scenario("untyped_people_are_never_suggested",
             {"Una": P(None, logs=[400])}, top=None),
    Scenario("type_filter_suggests_only_that_type",
             {"Tia": P("tactical", logs=[300]), "Sol": P("strategic", logs=[45])},
             top="Sol", args=["--type", "strategic"], absent=["Tia"]),
    # --every --------------------------------------------------------------------------
    Scenario("personal_cadence_brings_someone_in_before_their_type_would",
             {"Ana": P("social", logs=[15], every=14)}, top="Ana",
             reasons=["overdue by 1 day (every 2 weeks, as you set)"]),
    Scenario("personal_cadence_keeps_someone_out_after_their_type_would",
             {"Ana": P("social", logs=[40], every=90)}, top=None),
    # Promises -------------------------------------------------------------------------
    Scenario("promise_due_today_comes_before_anyone_overdue",
             {"Ova": P("strategic", logs=[400]),
              "Pia": P("social", logs=[3], promises=[Promise("send the paper", due=0)])},
             top="Pia", reasons=["you promised: send the paper (due today)"],
             not_reasons=["due on", "overdue by"]),
    Scenario("overdue_promise_says_by_how_much",
             {"Pia": P("social", logs=[3], promises=[Promise("send the paper", due=-3)])},
             top="Pia", reasons=["you promised: send the paper (overdue by 3 days)"]),
    Scenario("more_overdue_promise_comes_first",
             {"Ada": P("social", logs=[3], promises=[Promise("intro to Bo", due=-1)]),
              "Pia": P("social", logs=[3], promises=[Promise("send the paper", due=-5)])},
             top="Pia", listed=["Ada"]),
    Scenario("promise_due_on_the_last_day_of_the_week_brings_them_in",
             {"Pia": P("social", logs=[3], promises=[Promise("send the paper", due=6)])},
             top="Pia", reasons=["you promised: send the paper (due on Thursday)"]),
    Scenario("promise_due_the_day_after_the_week_does_not",
             {"Pia": P("social", logs=[3], promises=[Promise("send the paper", due=7)])},
             top=None),
    Scenario("kept_promise_no_longer_brings_them_in",
             {"Pia": P("social", logs=[3],
                       promises=[Promise("send the paper", due=-3, made=10, done=2)])},
             top=None),
    Scenario("undated_promise_two_weeks_old_brings_them_in",
             {"Pia": P("social", logs=[20], promises=[Promise("send the paper", made=14)])},
             top="Pia", reasons=["you promised 'send the paper' 2 weeks ago"]),
    Scenario("undated_promise_thirteen_days_old_does_not",
             {"Pia": P("social", logs=[20], promises=[Promise("send the paper", made=13)])},
             top=None),
    Scenario("undated_promise_is_mentioned_when_they_are_due",
             {"Pia": P("social", logs=[40], promises=[Promise("send the paper", made=2)])},
             top="Pia", reasons=["overdue by 10 days", "you promised: send the paper"]),
    # Birthdays ------------------------------------------------------------------------
    Scenario("birthday_this_week_brings_them_in",
             {"Bea": P("social", logs=[5], birthday=(3, 18))}, top="Bea",
             reasons=["birthday on Tuesday (18 March): say happy birthday"],
             not_reasons=["due in"]),
    Scenario("birthday_on_the_last_day_of_the_week_brings_them_in",
             {"Bea": P("social", logs=[5], birthday=(3, 20))}, top="Bea",
             reasons=["birthday on Thursday (20 March)"]),
    Scenario("birthday_the_day_after_the_week_does_not",
             {"Bea": P("social", logs=[5], birthday=(3, 21))}, top=None),
    Scenario("birthday_outranks_someone_overdue",
             {"Ova": P("strategic", logs=[200]), "Bea": P("social", logs=[5], birthday=(3, 14))},
             top="Bea", reasons=["birthday today"]),
    # Reciprocity ----------------------------------------------------------------------
    Scenario("they_reached_out_twice_in_a_row_your_turn",
             {"Ana": P("social", logs=[40, 35]),
              "Bo": P("social", logs=[Log(40, theirs=True), Log(35, theirs=True)])},
             top="Bo", reasons=["they reached out the last 2 times: your turn"]),
    Scenario("they_reached_out_once_is_not_your_turn_yet",
             {"Bo": P("social", logs=[Log(40), Log(35, theirs=True)])}, top="Bo",
             not_reasons=["your turn"]),
    Scenario("unreturned_favour_says_give_back",
             {"Ana": P("social", logs=[40, 35]),
              "Bo": P("social", logs=[40, Log(35, received=True)])},
             top="Bo", reasons=["they helped you in February: time to give back"]),
    Scenario("returned_favour_is_no_longer_owed",
             {"Bo": P("social", logs=[Log(40, received=True), Log(35, gave=True)])}, top="Bo",
             not_reasons=["give back"]),
    Scenario("never_gave_after_three_talks_ask_how_to_help_the_week_they_come_due",
             {"Ana": P("social", logs=[90, 60, 28])}, top="Ana",
             reasons=["ask how you can help: you haven't offered anything yet"]),
    Scenario("after_two_talks_it_is_too_early_to_ask",
             {"Ana": P("social", logs=[60, 28])}, top="Ana", not_reasons=["ask how"]),
    Scenario("having_given_once_no_ask",
             {"Ana": P("social", logs=[90, Log(60, gave=True), 28])}, top="Ana",
             not_reasons=["ask how"]),
    # Stretch --------------------------------------------------------------------------
    Scenario("stretch_offers_someone_outside_where_your_time_goes_with_the_share",
             {"Sam": P("social", logs=[40], **SOFTWARE), "Sue": P("social", logs=[10], **SOFTWARE),
              "Syd": P("social", logs=[20], **SOFTWARE),
              "Fay": P("social", logs=[100, 16], industry="Farming")},
             top="Fay", args=["--count", "1"],
             reasons=["stretch: Farming, outside where most of your time goes (3 of your "
                      "last 4 people were in Software)"]),
    Scenario("stretch_needs_them_half_way_to_due",
             {"Sam": P("social", logs=[40], **SOFTWARE), "Sue": P("social", logs=[10], **SOFTWARE),
              "Fay": P("social", logs=[100, 14], industry="Farming")},
             top="Sam", args=["--count", "1"], absent=["Fay"]),
    Scenario("stretch_switched_off_gives_the_plain_ranking",
             {"Sam": P("social", logs=[40], **SOFTWARE), "Sue": P("social", logs=[10], **SOFTWARE),
              "Fay": P("social", logs=[100, 16], industry="Farming")},
             top="Sam", args=["--count", "1"], settings={"next.stretch": "off"},
             not_reasons=["stretch"]),
    # Snoozed, archived, imports -------------------------------------------------------
    Scenario("snoozed_tie_is_not_suggested",
             {"Ana": P("social", logs=[400], snoozed=1), "Bo": P("social", logs=[40])},
             top="Bo", absent=["Ana"]),
    Scenario("snooze_ending_today_brings_them_back",
             {"Ana": P("social", logs=[400], snoozed=0), "Bo": P("social", logs=[40])},
             top="Ana"),
    Scenario("archived_tie_is_never_suggested_even_with_a_promise",
             {"Ana": P("social", logs=[400], archived=True,
                       promises=[Promise("send the paper", due=-3)])}, top=None),
    Scenario("imported_contact_never_met_stays_out",
             {"Imo": P("social", added=400, imported=True, birthday=(3, 15))}, top=None),
    Scenario("imported_contact_with_a_promise_comes_in",
             {"Imo": P("social", added=400, imported=True,
                       promises=[Promise("send the deck", due=0)])},
             top="Imo", reasons=["you promised: send the deck (due today)"]),
    Scenario("imported_contact_once_met_is_a_tie_like_any_other",
             {"Imo": P("social", logs=[40], imported=True)}, top="Imo",
             reasons=["overdue by 10 days"]),
    # Reconnect (issue 17, item 3) -----------------------------------------------------
    Scenario("dormant_strong_tie_is_offered_to_reconnect_with_what_you_last_talked_about",
             {"Lia": P("social", logs=talks(400))}, top="Lia",
             reasons=["reconnect: you were close (6 talks over 7 months) and haven't spoken "
                      "since February 2024; last time: 'her move to Lisbon'"],
             not_reasons=["overdue by"]),
    Scenario("silent_365_days_is_dormant",
             {"Lia": P("social", logs=talks(365))}, top="Lia", reasons=[RECONNECT]),
    Scenario("silent_364_days_is_not_yet_dormant",
             {"Lia": P("social", logs=talks(364))}, top="Lia",
             reasons=["fading: you usually talk every 6 weeks; it's been 12 months"],
             not_reasons=["reconnect"]),
    Scenario("six_talks_make_a_tie_once_strong",
             {"Lia": P("social", logs=talks(400, n=6))}, top="Lia", reasons=[RECONNECT]),
    Scenario("five_talks_are_not_enough_to_reconnect",
             {"Lia": P("social", logs=talks(400, n=5))}, top="Lia", not_reasons=["reconnect"]),
    Scenario("talks_over_half_a_year_are_sustained",
             {"Lia": P("social", logs=talks(400, over=182))}, top="Lia",
             reasons=["(6 talks over 6 months)"]),
    Scenario("talks_within_less_than_half_a_year_are_a_burst_not_a_strong_tie",
             {"Lia": P("social", logs=talks(400, over=181))}, top="Lia",
             not_reasons=["reconnect"]),
    Scenario("an_older_note_is_dated",
             {"Lia": P("social", logs=[*talks(400, note=None)[:-1],
                                       Log(450, note="the sailing trip"), Log(400)])},
             top="Lia", reasons=["on 20 December 2023 you talked about 'the sailing trip'"]),
    Scenario("no_note_no_last_time",
             {"Lia": P("social", logs=talks(400, note=None))}, top="Lia",
             reasons=["haven't spoken since February 2024"], not_reasons=["last time"]),
    Scenario("reconnect_takes_the_last_slot_from_someone_merely_overdue",
             {"Ova": P("strategic", added=2000), "Lia": P("tactical", logs=talks(400))},
             top="Lia", args=["--count", "1"], reasons=[RECONNECT], absent=["Ova"]),
    Scenario("reconnect_never_displaces_a_promise_due",
             {"Pia": P("social", logs=[3], promises=[Promise("send the paper", due=0)]),
              "Lia": P("tactical", logs=talks(400))},
             top="Pia", args=["--count", "1"], absent=["Lia"]),
    Scenario("reconnect_switched_off_gives_the_plain_ranking",
             {"Lia": P("social", logs=talks(400))}, top="Lia",
             settings={"next.reconnect": "off"},
             reasons=["dormant since February 2024: you were close (6 talks over 7 months), "
                      "a good time to reconnect"],
             not_reasons=["reconnect:", "fading"]),
    Scenario("archived_dormant_tie_is_not_offered",
             {"Lia": P("social", logs=talks(400), archived=True)}, top=None),
    Scenario("snoozed_dormant_tie_is_not_offered",
             {"Lia": P("social", logs=talks(400), snoozed=3)}, top=None),
    Scenario("a_cadence_of_years_you_set_keeps_a_dormant_tie_out",
             {"Lia": P("social", logs=talks(400), every=730)}, top=None),
    # Determinism ----------------------------------------------------------------------
    Scenario("equal_scores_break_by_name",
             {"Bea": P("social", logs=[40]), "Ana": P("social", logs=[40])}, top="Ana",
             listed=["Bea"]),
    Scenario("equal_scores_break_by_name_without_case_or_accents",
             {"Éva": P("social", logs=[40]), "eric": P("social", logs=[40]),
              "Fritz": P("social", logs=[40])}, top="eric", listed=["Éva", "Fritz"]),
    Scenario("count_caps_the_list_keeping_the_best",
             {"Ana": P("social", logs=[35]), "Bo": P("social", logs=[60]),
              "Cy": P("social", logs=[45])},
             top="Bo", args=["--count", "2"], listed=["Cy"], absent=["Ana"]),
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=str)
def test_scenario(ties, db_path, scenario):
    check(ties, db_path, scenario)


def test_scenario_names_are_unique_and_there_are_at_least_thirty():
    names = [s.name for s in SCENARIOS]
    assert len(names) == len(set(names))
    assert len(names) >= 30


def test_the_same_store_and_day_give_the_same_list(ties, db_path):
    scenario = next(s for s in SCENARIOS if s.name == "equal_scores_break_by_name_without_"
                    "case_or_accents")
    first = check(ties, db_path, scenario)
    from scenarios import suggestions

    assert suggestions(ties, scenario) == first


def test_reconnect_rotates_week_by_week_and_holds_within_a_week(ties, db_path):
    """Two dormant ties: one offered from Monday to Sunday, the other the next week."""
    from datetime import date

    from scenarios import suggestions

    scenario = Scenario("two_dormant_ties", {"Lia": P("social", logs=talks(400)),
                                             "Mo": P("social", logs=talks(420))}, top="Mo")
    check(ties, db_path, scenario)

    def offered(day: date) -> list[str]:
        items = suggestions(ties, Scenario("on", {}, None, today=day))
        return [i["name"] for i in items if i["reconnect"]]

    this_week = [offered(date(2025, 3, d)) for d in (10, 14, 16)]  # Monday .. Sunday
    next_week = [offered(date(2025, 3, d)) for d in (17, 23)]
    assert this_week == [["Mo"]] * 3
    assert next_week == [["Lia"]] * 2
    assert offered(date(2025, 3, 24)) == ["Mo"]


def test_reconnect_sql_applies_exactly_the_pure_rule(ties, db_path):
    """queries.reconnect_pool finds exactly the people scoring.dormant says are dormant."""
    from scenarios import TODAY, build
    from ties.core import scoring
    from ties.storage import db, queries

    people = {f"{s.name}:{name}": p for s in SCENARIOS if "reconnect" in s.name
              or "dormant" in s.name or "talks" in s.name for name, p in s.people.items()}
    build(db_path, Scenario("all", people, None))
    conn = db.open_store(db_path)
    try:
        cfg = queries.settings(conn)
        everyone = queries._facts_of(conn, [r[0] for r in conn.execute(
            "SELECT id FROM person WHERE type IS NOT NULL AND NOT archived AND "
            "(snoozed_until IS NULL OR snoozed_until <= ?)", [TODAY.isoformat()])], cfg)
        pool = {r[0] for r in queries.reconnect_pool(conn, TODAY, cfg)}
    finally:
        conn.close()
    expected = {f.id for f in everyone if scoring.dormant(f, TODAY)}
    assert 3 <= len(expected) < len(everyone)
    assert pool == expected


# Follow-through (issue 17, item 5) ------------------------------------------------------

FOLLOW = Scenario(
    "last_week_you_reached_one_of_the_two_next_suggested",
    {"Ana": P("social", logs=[60, 8]),  # due on Monday 3 March, reached on Thursday 6th
     "Bo": P("social", logs=[60]),  # due, not reached
     "Cy": P("social", logs=[10]),  # added on Tuesday 4 March: not on Monday's list
     "Di": P("social", logs=[20, 1])},  # not due that Monday; reached this week
    top="Bo")


def test_report_shows_follow_through_for_the_last_four_complete_weeks_without_being_asked(
        ties, db_path):
    import json

    check(ties, db_path, FOLLOW)
    result = ties("report", "--json")
    assert result.exit_code == 0
    weeks = json.loads(result.stdout)["summary"]["follow_through"]
    assert [w["week"] for w in weeks] == ["2025-02-10", "2025-02-17", "2025-02-24",
                                          "2025-03-03"]
    assert weeks[-1] == {"week": "2025-03-03", "suggested": 2, "reached": 1}
    # Ana and Bo came due on 12 February (their first talk, 13 January, plus 30 days):
    # on each Monday's list from 10 February, and not reached until 6 March.
    assert [(w["suggested"], w["reached"]) for w in weeks[:3]] == [(2, 0)] * 3
    table = ties("report")
    assert ("Follow-through, people 'ties next' suggested that you reached that week: "
            "0 of 2 (week of 10 Feb) · 0 of 2 (week of 17 Feb) · 0 of 2 (week of 24 Feb) · "
            "1 of 2 (week of 3 Mar) · 1 of 8 in 4 weeks") in " ".join(table.stdout.split())


REBUILT = ["they_reached_out_twice_in_a_row_your_turn", "unreturned_favour_says_give_back",
           "never_gave_after_three_talks_ask_how_to_help_the_week_they_come_due",
           "more_overdue_promise_comes_first", "undated_promise_two_weeks_old_brings_them_in",
           "birthday_this_week_brings_them_in",
           "stretch_offers_someone_outside_where_your_time_goes_with_the_share",
           "dormant_strong_tie_is_offered_to_reconnect_with_what_you_last_talked_about",
           "snoozed_tie_is_not_suggested", "imported_contact_with_a_promise_comes_in"]


@pytest.mark.parametrize("name", REBUILT)
def test_a_past_weeks_list_is_rebuilt_as_it_was_whatever_came_after(db_path, name):
    """The list of a past Monday, rebuilt from history (views.suggestions with past), is
    the list that Monday gave, after later interactions (yours and theirs, with help),
    later promises, promises kept later and people added later."""
    from datetime import timedelta

    from scenarios import build
    from ties import views
    from ties.core.records import InteractionRecord
    from ties.storage import db, queries, store

    scenario = next(s for s in SCENARIOS if s.name == name)
    build(db_path, scenario)
    monday = scenario.today + timedelta(days=1)

    def week(past: bool) -> list[tuple]:
        conn = db.open_store(db_path)
        try:
            cfg = queries.settings(conn)
            return [(s.facts, round(s.score, 6), s.stretch, s.reconnect) for s in
                    views.suggestions(conn, monday, cfg, 3, None, past=past)]
        finally:
            conn.close()

    then = week(past=False)
    assert then
    conn = db.open_store(db_path)
    session = db.orm_session(conn)
    try:
        with session.begin():
            ids = [r[0] for r in conn.execute("SELECT id FROM person ORDER BY id")]
            for n, pid in enumerate(ids):
                store.log(session, [pid], InteractionRecord(
                    when=monday + timedelta(days=n % 3), gave=n % 2 == 0,
                    received=n % 2 == 1, they_reached_out=n % 3 == 1), force=True)
            for fid in [r[0] for r in conn.execute("SELECT id FROM follow_up WHERE done IS NULL")]:
                store.complete_follow_up(session, fid, monday)
            store.add_follow_up(session, ids[0], "later", monday, monday)
            store.add_person(session, name="Later", fields={"type": "strategic"}, tags=[],
                             today=monday, first=None)
    finally:
        session.close()
        conn.close()
    assert week(past=False) != then
    assert week(past=True) == then


def test_follow_through_writes_nothing_on_read(ties, db_path):
    from conftest import snapshot

    check(ties, db_path, FOLLOW)
    before = snapshot(db_path)
    assert ties("report").exit_code == 0
    assert ties("report", "--json").exit_code == 0
    assert ties("next").exit_code == 0
    assert snapshot(db_path) == before


@pytest.mark.parametrize(("name", "type_", "cadence", "last", "extra", "points"), [
    ("Sol", "strategic", 42, 84, {}, 30.0),
    ("Tia", "tactical", 60, 120, {}, 12.0),
    ("Pia", "social", 30, 3, {"promises": ("overdue", -3, 10)}, 1004.0),
    ("Pia", "social", 30, 20, {"promises": ("undated", None, 14)}, 59.67),
    ("Bea", "social", 30, 5, {"birthday": (3, 18)}, 101.67),
    ("Ova", "strategic", 42, 200, {}, 76.43),
    ("Bo", "social", 30, 35, {"their_streak": 2, "interactions": 2}, 14.67),
    ("Bo", "social", 30, 35, {"last_received": 35, "interactions": 2}, 16.25),
    ("Ana", "social", 30, 28, {"interactions": 3}, 11.33),
])
def test_scoring_doc_examples_are_what_scoring_gives(name, type_, cadence, last, extra,
                                                     points):
    """The worked examples of docs/scoring.md ('Every signal, worked through')."""
    from datetime import timedelta

    from scenarios import TODAY
    from ties.core import scoring

    def ago(n):
        return TODAY - timedelta(days=n)

    extra = dict(extra)
    if "promises" in extra:
        text, due, made = extra["promises"]
        extra["promises"] = (scoring.Promise(
            text, None if due is None else TODAY + timedelta(days=due), ago(made)),)
    if "last_received" in extra:
        extra["last_received"] = ago(extra["last_received"])
    facts = scoring.Facts(id=1, name=name, type=type_, cadence=cadence, created=ago(400),
                          last_contact=ago(last), **{"interactions": 1, **extra})
    assert round(scoring.score(facts, TODAY).score, 2) == points
    # and the doc's table says so, on the person's row
    doc = (Path(__file__).parent.parent / "docs" / "scoring.md").read_text()
    table = doc[doc.index("## Every signal, worked through"):doc.index("## Worked example")]
    assert any(re.search(rf"\b{name}\b", row) and f"{points:.2f}" in row
               for row in table.splitlines() if row.startswith("|")), (name, points)
