"""Named situations for the learned rhythm and fading (issue 17, items 1 and 2): a store
built by commands at fixed dates, then `ties next --json` and `ties report --json` on
TIES_TODAY (Friday 14 March 2025), with the expected top pick and its reasons."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

TODAY = date(2025, 3, 14)


def history(ties, name: str, *ago: int, kind: str = "social", every: str | None = None):
    """Add `name`, met on the first of `ago` (days before today), and log the others."""
    first, *rest = ago
    extra = ["--every", every] if every else []
    assert ties("add", name, "--type", kind, "--on", _day(first), *extra).exit_code == 0
    for n in rest:
        assert ties("log", name, "--on", _day(n)).exit_code == 0


def _day(ago: int) -> str:
    return (TODAY - timedelta(days=ago)).isoformat()


def next_items(ties, **env) -> list[dict]:
    result = ties("next", "--json", **env)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def report_people(ties) -> dict[str, dict]:
    result = ties("report", "--json", "--all")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    return {p["name"]: p for p in data["people"]} | {"": data["summary"]}


def test_a_friend_seen_every_two_weeks_comes_due_before_the_monthly_cadence(ties):
    # every 14 days for 12 weeks, last seen three weeks ago: 6 gaps of 14 days, so
    # (6 x 14 + 3 x 30) / 9 = 19 days, due 2 days ago; the type alone would wait 30
    history(ties, "Ana Lima", 105, 91, 77, 63, 49, 35, 21)
    top = next_items(ties)[0]
    assert top["name"] == "Ana Lima"
    assert (top["every"], top["usual_gap"], top["fading"]) == (19, 14, False)
    assert top["due"] == _day(2)
    assert top["reasons"] == ["you usually talk every 2 weeks; it's been 3 weeks"]
    assert top["score"] == round(10 * 21 / 19, 2)  # docs/scoring.md's worked example
    assert report_people(ties)["Ana Lima"]["due"] == top["due"]  # one expected interval


def test_a_tie_silent_for_over_three_usual_gaps_is_fading_in_next_and_report(ties):
    history(ties, "Bo Chen", 106, 92, 78, 64, 50)  # every 2 weeks, silent 50 days
    history(ties, "Cy Diaz", 200, 60, kind="social")  # plain overdue by a month
    items = next_items(ties)
    assert [i["name"] for i in items][:2] == ["Bo Chen", "Cy Diaz"]
    assert items[0]["fading"] is True
    assert items[0]["reasons"] == ["fading: you usually talk every 2 weeks; it's been 7 weeks"]
    assert (items[0]["every"], items[0]["score"]) == (21, round(10 * 50 / 21 + 5, 2))
    people = report_people(ties)
    assert people["Bo Chen"]["status"] == "fading"
    assert people[""]["fading"] == ["Bo Chen"]
    shown = ties("report")
    assert "Fading: Bo Chen (silent well beyond your rhythm)" in shown.stdout


def test_fading_begins_the_day_after_three_usual_gaps(ties, monkeypatch):
    # every 14 days, last contact on 18 February: 42 days later is 1 April
    history(ties, "Bo Chen", 80, 66, 52, 38, 24)
    last = TODAY - timedelta(days=24)
    on_day = (last + timedelta(days=42)).isoformat()
    after = (last + timedelta(days=43)).isoformat()
    assert next_items(ties, TIES_TODAY=on_day)[0]["fading"] is False
    assert next_items(ties, TIES_TODAY=after)[0]["fading"] is True


def test_every_wins_over_the_learned_rhythm(ties):
    history(ties, "Ana Lima", 106, 92, 78, 64, 50, every="60d")
    history(ties, "Dee Ortiz", 200, 90)
    items = next_items(ties)
    assert [i["name"] for i in items] == ["Dee Ortiz"]  # Ana is due in 10 days
    ana = report_people(ties)["Ana Lima"]
    assert ana["status"] != "fading"
    assert ana["due"] == _day(50 - 60)


@pytest.mark.parametrize(("logs", "been"), [((300,), "10 months"), ((300, 200), "7 months")])
def test_a_person_with_one_or_two_interactions_fades_by_twice_the_cadence(ties, logs, been):
    history(ties, "Eve Park", *logs)
    top = next_items(ties)[0]
    assert top["fading"] is True and top["usual_gap"] is None
    assert top["reasons"][0] == f"fading: it's been {been} (social: every month)"
    assert report_people(ties)["Eve Park"]["status"] == "fading"


def test_three_contact_episodes_are_not_enough_history_four_are(ties):
    history(ties, "Fay Kim", 64, 50, 36)  # two gaps: the type's month counts
    fay = next_items(ties)[0]
    assert (fay["every"], fay["usual_gap"]) == (30, None)
    assert fay["reasons"] == ["overdue by 6 days (social: every month)"]
    assert ties("log", "Fay", "--on", _day(22)).exit_code == 0  # a third gap
    assert report_people(ties)["Fay Kim"]["due"] == _day(22 - 22)  # (3x14 + 3x30) / 6


def test_a_burst_of_logs_in_one_week_does_not_make_the_rhythm_every_two_days(ties):
    # monthly for months, then three logs in one week, two weeks ago
    history(ties, "Gil Lee", 150, 120, 90, 60, 18, 16, 14)
    gil = report_people(ties)["Gil Lee"]
    # episodes 150, 120, 90, 60, 18: gaps 30, 30, 30, 42: typical 30; due in 16 days
    assert gil["due"] == _day(14 - 30)
    assert gil["status"] != "due"


def test_deleting_an_interaction_takes_the_rhythm_back_with_it(ties):
    history(ties, "Hal Wu", 106, 92, 78, 64)
    assert next_items(ties)[0]["usual_gap"] == 14
    last = json.loads(ties("show", "Hal Wu", "--json").stdout)["history"][0]["id"]
    assert ties("interaction", "rm", str(last), "--yes").exit_code == 0
    hal = next_items(ties)[0]
    assert (hal["usual_gap"], hal["every"]) == (None, 30)


def test_show_says_the_usual_gap_and_the_interval_it_gives(ties):
    history(ties, "Ana Lima", 105, 91, 77, 63, 49, 35, 21)
    shown = ties("show", "Ana Lima")
    assert ("every 1m (the type's default); you usually talk every 2 weeks; counting the "
            "social cadence (every month) in, due every 19 days") in " ".join(
                shown.stdout.split())
    data = json.loads(ties("show", "Ana Lima", "--json").stdout)
    assert (data["every_effective_days"], data["usual_gap_days"],
            data["expected_every_days"]) == (30, 14, 19)
    assert ties("edit", "Ana Lima", "--every", "6w").exit_code == 0
    data = json.loads(ties("show", "Ana Lima", "--json").stdout)
    assert (data["usual_gap_days"], data["expected_every_days"]) == (None, 42)
    assert "you usually talk" not in ties("show", "Ana Lima").stdout


def test_regression_show_and_next_called_the_blended_interval_the_social_cadence(ties):
    # seen every 90 days (3 gaps), social (every month): due every 60 days, the blend.
    # next said "but with the social cadence every 9 weeks", show "so due every 60 days"
    history(ties, "Ida Moe", 350, 260, 170, 80)
    words = ("you usually talk every 3 months; counting the social cadence (every month) "
             "in, due every 60 days")
    assert next_items(ties)[0]["reasons"] == [words + "; it's been 80 days"]
    assert words in " ".join(ties("show", "Ida Moe").stdout.split())
    assert "social cadence every" not in ties("show", "Ida Moe").stdout


def test_regression_the_tactical_blend_said_every_2_months_due_every_2_months(ties):
    # seen every 90 days (3 gaps), tactical (every 2 months): due every 75 days, which
    # rounds to 2 months as the cadence does; "counting the tactical cadence (every 2
    # months) in, due every 2 months" said nothing. The blend is said in days (always).
    history(ties, "Ida Moe", 350, 260, 170, 80, kind="tactical")
    words = ("you usually talk every 3 months; counting the tactical cadence (every 2 "
             "months) in, due every 75 days")
    assert next_items(ties)[0]["reasons"] == [words + "; it's been 80 days"]
    assert words in " ".join(ties("show", "Ida Moe").stdout.split())


def test_regression_dormant_ties_were_called_fading_and_report_lists_them_apart(ties):
    # Lia: six talks over 200 days, the last 400 days ago: once close, dormant.
    # Kim: two talks, the last 400 days ago: dormant. Mo: past twice the cadence: fading.
    history(ties, "Lia Park", *range(600, 399, -40))
    history(ties, "Kim Ode", 500, 400)
    history(ties, "Mo Reyes", 200, 70)
    assert ties("config", "next.reconnect", "off").exit_code == 0  # not the weekly pick
    items = {i["name"]: i for i in next_items(ties)}
    assert items["Lia Park"]["reasons"][0] == (
        "dormant since February 2024: you were close (6 talks over 7 months), a good time "
        "to reconnect")
    assert items["Kim Ode"]["reasons"][0] == (
        "dormant: not in touch since February 2024 (social: every month)")
    assert items["Mo Reyes"]["reasons"][0] == "fading: it's been 2 months (social: every month)"
    assert [(items[n]["stage"], items[n]["fading"]) for n in ("Lia Park", "Kim Ode",
                                                               "Mo Reyes")] == [
        ("dormant", False), ("dormant", False), ("fading", True)]
    people = report_people(ties)
    assert [people[n]["status"] for n in ("Lia Park", "Kim Ode", "Mo Reyes")] == [
        "dormant", "dormant", "fading"]
    assert (people[""]["fading"], people[""]["dormant"], people[""]["dormant_once_close"]) \
        == (["Mo Reyes"], ["Kim Ode", "Lia Park"], ["Lia Park"])  # the most overdue first
    lines = ties("report", COLUMNS="200").stdout.splitlines()
    assert ("Fading: Mo Reyes (silent well beyond your rhythm): reach out before the tie "
            "goes quiet.") in lines
    assert ("Dormant, once close: Lia Park (silent a year or more): worth reconnecting; "
            "'ties next' offers one a week.") in lines
    assert "Dormant: Kim Ode (silent a year or more)." in lines
