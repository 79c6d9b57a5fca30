from __future__ import annotations

import json
from datetime import date

import pytest

from conftest import built_store
from ties.core import report
from ties.core.report import Tie


@pytest.fixture
def network(ties, db_path):
    """Today is Friday 14 March 2025; the period is the 90 days after 14 December 2024."""
    built_store("test_cli_report.network", db_path, lambda: _build_network(ties))


def _build_network(ties) -> None:
    ties("add", "Ana Lima", "--type", "strategic", "--company", "Globex", "--industry",
         "software", "--on", "2024-06-01", "--working-on", "platform", "--struggles", "hiring",
         "--cares-about", "mentoring", "--note", "prefers mornings")
    for on, via, flags in [("2024-07-15", "call", []), ("2024-09-01", "in-person", ["--gave"]),
                           ("2024-10-20", "video", ["--received"]),
                           ("2025-01-05", "in-person", ["--gave"]),
                           ("2025-02-20", "in-person", ["--received", "--they-reached-out"]),
                           ("2025-03-10", "call", [])]:
        assert ties("log", "Ana", "--on", on, "--via", via, *flags).exit_code == 0
    ties("add", "Bo Chen", "--type", "social", "--company", "Acme", "--industry", "software",
         "--on", "2024-10-01", "--via", "message")
    ties("log", "Bo", "--on", "2025-03-03", "--via", "message", "--received")
    ties("add", "Chidi Okafor", "--type", "strategic", "--company", "Northwind",
         "--industry", "healthcare", "--on", "2024-08-01")
    ties("add", "Dana Whitfield", "--type", "tactical", "--company", "Acme", "--on",
         "2025-03-01")
    ties("add", "Old Friend", "--type", "social", "--on", "2023-01-01")
    ties("archive", "Old Friend")


def test_report_summary_numbers(ties, network):
    result = ties("report", "--json")
    assert result.exit_code == 0
    s = json.loads(result.stdout)["summary"]
    assert (s["people"], s["strong"], s["active"]) == (4, 1, 3)
    assert s["by_type"] == {"strategic": {"count": 2, "due": 1},
                            "social": {"count": 1, "due": 0},
                            "tactical": {"count": 1, "due": 0}}
    assert s["strategic_slipping"] is True
    assert (s["gave"], s["received"]) == (1, 2)
    assert s["owe"] == ["Ana Lima", "Bo Chen"]
    # Dana has no industry: her circle is her company, as in 'ties next'.
    assert s["industries"] == {"count": 1, "companies": 2, "largest": "software",
                               "largest_share": 0.667,
                               "spread": [{"name": "software", "people": 2}],
                               "companies_spread": [{"name": "Acme", "people": 2},
                                                    {"name": "Globex", "people": 1}]}
    assert s["slipping_ties"] == ["Chidi Okafor"]
    assert s["type"] is None
    # Weeks from Mon 23 Dec 2024 to this one (Mon 10 Mar 2025): Ana on Sun 5 Jan (week 2),
    # Ana 20 Feb, Dana 1 Mar, Bo 3 Mar, Ana 10 Mar (the last four weeks).
    assert s["weekly"] == [0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]
    assert s["streak_weeks"] == 4
    assert s["period"] == {"since": "2024-12-14", "until": "2025-03-14"}


def test_report_rows(ties, network):
    people = {p["name"]: p for p in json.loads(ties("report", "--json").stdout)["people"]}
    assert set(people) == {"Ana Lima", "Bo Chen", "Chidi Okafor", "Dana Whitfield"}
    ana = people["Ana Lima"]
    assert {k: ana[k] for k in ("type", "company", "industry", "last_contact", "days_since",
                                "interactions", "interactions_in_period", "gave", "received",
                                "status", "due")} == {
        "type": "strategic", "company": "Globex", "industry": "software",
        "last_contact": "2025-03-10", "days_since": 4, "interactions": 7,
        "interactions_in_period": 3, "gave": 2, "received": 2, "status": "strong",
        "due": "2025-04-24"}
    # due: her own rhythm, the median of the gaps 44, 48, 49, 77, 46, 18 = (46+48)/2 = 47,
    # blended with strategic's 42: (6*47 + 3*42) / 9 = 45.3 -> 45 days after 10 March
    # recency 20*(1-4/84)=19.05; frequency 15*min(1, 7/(2*286/42))=7.71; sustained:
    # 282 days from first to last contact, at most 6 gaps * 42 = 252: 25*252/282=22.34;
    # depth 15*(4+0.5*3)/7=11.79; knowing 10; reciprocity 15  -> 85.88 -> 86
    # (the worked example in docs/report.md)
    assert ana["strength"] == 86
    assert people["Chidi Okafor"]["status"] == "fading"  # more than twice the cadence
    assert people["Dana Whitfield"]["status"] == "new"
    assert people["Bo Chen"]["status"] == "steady"


def test_report_json_shape(ties, network):
    data = json.loads(ties("report", "--json").stdout)
    assert list(data) == ["summary", "people"]
    assert list(data["summary"]) == [
        "people", "strong", "active", "period", "type", "by_type", "strategic_slipping",
        "slipping_ties", "fading", "dormant", "dormant_once_close", "gave", "received",
        "owe", "industries", "weekly", "streak_weeks", "follow_through"]
    assert list(data["people"][0]) == [
        "id", "name", "type", "company", "industry", "last_contact", "days_since",
        "interactions", "interactions_in_period", "gave", "received", "strength", "status",
        "due", "snoozed_until"]


@pytest.mark.parametrize(("sort", "first"), [("strength", "Ana Lima"), ("name", "Ana Lima"),
                                             ("due", "Chidi Okafor"), ("last", "Ana Lima"),
                                             ("balance", "Bo Chen")])
def test_report_sort(ties, network, sort, first):
    data = json.loads(ties("report", "--json", "--sort", sort).stdout)
    assert data["people"][0]["name"] == first


def test_report_type_limit_and_since(ties, network):
    data = json.loads(ties("report", "--json", "--type", "strategic").stdout)
    assert [p["name"] for p in data["people"]] == ["Ana Lima", "Chidi Okafor"]
    assert len(json.loads(ties("report", "--json", "--limit", "2").stdout)["people"]) == 2
    data = json.loads(ties("report", "--json", "--since", "2025-03-01").stdout)
    assert data["summary"]["active"] == 2
    assert (data["summary"]["gave"], data["summary"]["received"]) == (0, 1)


def test_report_refuses_bad_options(ties, network):
    for args, expected in [(["--sort", "age"], "ties: --sort must be one of strength, due, "
                                                "last, name, balance, not 'age'.\n"),
                           (["--since", "tomorrow"], None), (["--type", "boss"], None)]:
        result = ties("report", *args)
        assert result.exit_code == 1
        assert result.stderr.count("\n") == 1
        if expected:
            assert result.stderr == expected


def test_report_text_summary_lines(ties, network):
    result = ties("report", COLUMNS="200")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "4 people · 1 strong tie · 3 active this quarter"
    assert lines[1] == "strategic 2 (1 due) · social 1 (0 due) · tactical 1 (0 due)"
    assert lines[2].startswith("Your strategic ties are the ones slipping: 1 of 2 are due "
                               "(Chidi Okafor).")
    assert lines[3] == ("Fading: Chidi Okafor (silent well beyond your rhythm): reach out "
                        "before the tie goes quiet.")
    assert lines[4] == ("Help this quarter: you gave 1 time, received 2 · your turn to give "
                        "back: Ana Lima, Bo Chen")
    assert lines[5] == "Industries of your active ties: software 2"
    assert lines[6] == "Companies: Acme 2, Globex 1"
    assert lines[7] == ("The largest circle, software, is 67% of your active ties. Most of "
                        "your time goes there: reach out to someone outside it.")
    assert lines[8] == "Last 12 weeks: ▁█▁▁▁▁▁▁████ 1 this week · streak 4 weeks"
    assert result.stderr == ""


@pytest.mark.parametrize("width", [80, 200])
def test_report_table_keeps_every_name_whole(ties, width):
    names = ["Maximilian Alexander Fitzgerald-Worthington", "王伟", "Zoë O'Neill-Smith",
             "Ana"]
    for n in names:
        ties("add", n, "--type", "strategic", "--company",
             "International Business Machines Corporation", "--on", "2024-01-01")
    result = ties("report", COLUMNS=str(width))
    assert result.exit_code == 0
    for n in names:
        assert n in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= width
    header = [line for line in result.stdout.splitlines() if line.startswith("Name")][0]
    assert ("Company" in header) == (width >= 120)


def test_report_empty_store(ties):
    result = ties("report", TIES_DB=None)  # a fresh install
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr.startswith("No one in ties yet.")


def test_report_plain_when_piped_and_coloured_in_a_terminal(ties, network, monkeypatch):
    result = ties("report")
    assert "\x1b" not in result.stdout
    monkeypatch.delenv("NO_COLOR")
    from rich.console import Console

    from ties.cli import render

    console = Console(force_terminal=True, width=120, color_system="standard")
    tie = Tie(1, "A", "strategic", 42, date(2025, 1, 1), last_contact=date(2025, 3, 1),
              interactions=3, first_contact=date(2025, 1, 1))
    rows = [report.Row(tie, report.strength(tie, date(2025, 3, 14)), "steady")]
    with console.capture() as cap:
        console.print(render.report_table(rows, date(2025, 3, 14), 120, date(2024, 12, 14)))
    assert "\x1b[" in cap.get()


def test_limit_note_goes_to_stderr(ties):
    for i in range(4):
        ties("add", f"P{i}")
    result = ties("report", "--limit", "2")
    assert result.stderr == "Showing 2 of 4; --all shows everyone, --limit N more.\n"
    assert len(json.loads(ties("report", "--json", "--all").stdout)["people"]) == 4


def test_report_type_filters_help_rhythm_and_streak_too(ties, network):
    """Issue 15: --type social filtered the table but not give/take or the rhythm chart."""
    s = json.loads(ties("report", "--json", "--type", "social").stdout)["summary"]
    assert s["type"] == "social"
    assert (s["people"], s["gave"], s["received"], s["owe"]) == (1, 0, 1, ["Bo Chen"])
    assert s["weekly"] == [0] * 10 + [1, 0]  # Bo on Monday 3 March only
    assert s["streak_weeks"] == 1
    assert s["industries"]["companies_spread"] == [{"name": "Acme", "people": 1}]
    s = json.loads(ties("report", "--json", "--type", "strategic").stdout)["summary"]
    assert (s["gave"], s["received"]) == (1, 1)  # Ana's, not Bo's received
    assert s["weekly"] == [0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1]
    assert s["streak_weeks"] == 1
    lines = ties("report", "--type", "social", COLUMNS="200").stdout.splitlines()
    assert lines[0] == "Social ties only: 1 person · 0 strong ties · 1 active this quarter"
    assert lines[1] == "social 1 (0 due)"
    assert lines[2] == "Help this quarter: you gave 0 times, received 1 · your turn to give " \
        "back: Bo Chen"


def test_report_type_counts_an_interaction_with_several_people_once(ties):
    ties("add", "Ana", "--type", "social", "--on", "2025-03-01")
    ties("add", "Bo", "--type", "social", "--on", "2025-03-01")
    ties("add", "Cy", "--type", "tactical", "--on", "2025-03-01")
    assert ties("log", "Ana", "Bo", "Cy", "--on", "2025-03-12", "--gave").exit_code == 0
    for kind in ("social", "tactical"):
        s = json.loads(ties("report", "--json", "--type", kind).stdout)["summary"]
        assert (s["gave"], s["weekly"][-1]) == (1, 1), kind
    s = json.loads(ties("report", "--json", "--type", "strategic").stdout)["summary"]
    assert (s["gave"], s["weekly"][-1], s["streak_weeks"]) == (0, 0, 0)


LINKEDIN = ("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
            "Iris,Imported,https://www.linkedin.com/in/iris,,Globex,CTO,01 Jan 2024\n"
            "Mo,Met,https://www.linkedin.com/in/mo,,Acme,CEO,01 Jan 2024\n")


def test_report_imported_contacts_never_met_have_no_due_date(ties, tmp_path):
    """Issue 15: imported contacts never met got a due date ('now')."""
    (tmp_path / "Connections.csv").write_text(LINKEDIN)
    assert ties("import", str(tmp_path / "Connections.csv")).exit_code == 0
    assert ties("log", "Mo", "--on", "2025-03-10").exit_code == 0
    people = {p["name"]: p for p in json.loads(ties("report", "--json").stdout)["people"]}
    assert (people["Iris Imported"]["status"], people["Iris Imported"]["due"]) == \
        ("imported", None)
    assert people["Mo Met"]["status"] != "imported"
    assert people["Mo Met"]["due"] is not None
    by_due = json.loads(ties("report", "--json", "--sort", "due").stdout)["people"]
    assert by_due[-1]["name"] == "Iris Imported"  # no due date sorts last
    row = [line for line in ties("report", COLUMNS="100").stdout.splitlines()
           if line.startswith("Iris")][0]
    assert row.split()[-2:] == ["imported", "—"]


def test_report_snoozed_people_show_as_snoozed_not_due_now(ties):
    """Issue 15: snoozed people showed as 'due now'."""
    ties("add", "Sam Snoozed", "--type", "strategic", "--on", "2024-06-01")
    ties("add", "Una Unsnoozed", "--type", "strategic", "--on", "2024-06-01")
    assert ties("snooze", "Sam", "--until", "2025-04-01").exit_code == 0
    data = json.loads(ties("report", "--json").stdout)
    people = {p["name"]: p for p in data["people"]}
    assert (people["Sam Snoozed"]["status"], people["Sam Snoozed"]["due"],
            people["Sam Snoozed"]["snoozed_until"]) == ("snoozed", "2025-04-01", "2025-04-01")
    assert people["Una Unsnoozed"]["status"] == "fading"
    assert data["summary"]["by_type"]["strategic"] == {"count": 2, "due": 1}
    row = [line for line in ties("report", COLUMNS="100").stdout.splitlines()
           if line.startswith("Sam")][0]
    assert row.split()[-2:] == ["snoozed", "2025-04-01"]


def test_report_a_snooze_ending_today_is_over(ties):
    ties("add", "Sam", "--type", "strategic", "--on", "2024-06-01")
    ties("snooze", "Sam", "--until", "2025-03-15")
    assert json.loads(ties("report", "--json").stdout)["people"][0]["status"] == "snoozed"
    on_the_day = ties("report", "--json", TIES_TODAY="2025-03-15")
    assert json.loads(on_the_day.stdout)["people"][0]["status"] == "fading"


def test_report_names_the_slipping_strategic_ties_most_overdue_first(ties):
    for name, on in (("Ana", "2025-01-01"), ("Bo", "2024-06-01"), ("Cy", "2024-12-01"),
                     ("Dee", "2025-03-10")):
        ties("add", name, "--type", "strategic", "--on", on)
    s = json.loads(ties("report", "--json").stdout)["summary"]
    assert s["strategic_slipping"] is True
    assert s["slipping_ties"] == ["Bo", "Cy", "Ana"]
    assert "slipping: 3 of 4 are due (Bo, Cy, Ana)." in ties("report", COLUMNS="200").stdout


def test_report_industries_and_companies_as_a_distribution_in_your_spelling(ties):
    """Issue 15: industries were a count and the largest, lower-cased ('software')."""
    for name, industry, company in (("A", "Software", "ACME Corp"), ("B", "software ", "Acme"),
                                    ("C", "Software", "acme"), ("D", "FinTech", "Acme"),
                                    ("E", "fintech", None), ("F", None, "Globex")):
        args = ["--industry", industry] if industry else []
        args += ["--company", company] if company else []
        assert ties("add", name, "--type", "social", "--on", "2025-03-10", *args).exit_code == 0
    s = json.loads(ties("report", "--json").stdout)["summary"]["industries"]
    assert s["spread"] == [{"name": "Software", "people": 3}, {"name": "FinTech", "people": 2}]
    assert s["companies_spread"] == [{"name": "Acme", "people": 3},
                                     {"name": "ACME Corp", "people": 1},
                                     {"name": "Globex", "people": 1}]
    assert (s["count"], s["companies"], s["largest"]) == (2, 3, "Software")
    lines = ties("report", COLUMNS="200").stdout.splitlines()
    assert "Industries of your active ties: Software 3, FinTech 2" in lines
    assert "Companies: Acme 3, ACME Corp 1, Globex 1" in lines
