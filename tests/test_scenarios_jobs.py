"""Named situations for job changes (issue 17 item 4): a store built by commands at fixed
dates, then `ties next --json` on a fixed day has the expected top pick with the expected
reasons. Each is one row: (name, steps, today, top pick, its reasons)."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"


def linkedin(*rows: tuple[str, str, str]) -> str:
    """A LinkedIn Connections.csv with (name, company, role) rows."""
    return HEADER + "".join(
        f"{name.split()[0]},{name.split()[1]},https://www.linkedin.com/in/"
        f"{name.replace(' ', '').lower()},,{company},{role},01 Feb 2024\n"
        for name, company, role in rows)


@dataclass
class Scenario:
    name: str
    steps: list[tuple]  # (day, *args): a ties command on that day; ("import", text) imports
    today: str
    top: str | None  # the first pick's name (None: nobody)
    reasons: list[str]  # the first pick's reasons, exactly


ANA_AT = ("Ana Lima", "Initech", "VP")


def at(day: str, *args: str) -> tuple:
    return (day, *args)


SCENARIOS = [
    Scenario("a job change brings in someone not due, with one reason",
             [at("2025-02-01", "import", linkedin(ANA_AT), "--type", "social"),
              at("2025-03-01", "log", "Ana Lima"),
              at("2025-03-10", "import", linkedin(("Ana Lima", "Globex", "CTO")))],
             "2025-03-14", "Ana Lima", ["started at Globex as CTO: congratulate them"]),
    Scenario("a job change outranks someone merely overdue",
             [at("2025-01-01", "add", "Bo Chen", "--type", "strategic"),
              at("2025-02-01", "import", linkedin(ANA_AT), "--type", "tactical"),
              at("2025-03-01", "log", "Ana Lima"),
              at("2025-03-10", "import", linkedin(("Ana Lima", "Globex", "CTO")))],
             "2025-03-14", "Ana Lima", ["started at Globex as CTO: congratulate them"]),
    Scenario("a promise due outranks a job change",
             [at("2025-02-01", "import", linkedin(ANA_AT), "--type", "social"),
              at("2025-03-01", "log", "Ana Lima"),
              at("2025-03-01", "add", "Bo Chen", "--type", "social"),
              at("2025-03-02", "follow-up", "Bo Chen", "send the deck", "--due", "2025-03-13"),
              at("2025-03-10", "import", linkedin(("Ana Lima", "Globex", "CTO")))],
             "2025-03-14", "Bo Chen", ["you promised: send the deck (overdue by 1 day)"]),
    Scenario("a new role at the same company says became",
             [at("2025-02-01", "import", linkedin(ANA_AT), "--type", "social"),
              at("2025-03-01", "log", "Ana Lima"),
              at("2025-03-10", "import", linkedin(("Ana Lima", "Initech", "CTO")))],
             "2025-03-14", "Ana Lima", ["became CTO at Initech: congratulate them"]),
    Scenario("a new company without a role says moved to",
             [at("2025-02-01", "import", linkedin(ANA_AT), "--type", "social"),
              at("2025-03-01", "log", "Ana Lima"),
              at("2025-03-10", "import", linkedin(("Ana Lima", "Globex", "")))],
             "2025-03-14", "Ana Lima", ["moved to Globex: congratulate them"]),
    Scenario("a company you typed over the import's is kept: no congratulations",
             [at("2025-02-01", "import", linkedin(ANA_AT), "--type", "social"),
              at("2025-03-01", "log", "Ana Lima"),
              at("2025-03-02", "edit", "Ana Lima", "--company", "Initech Labs"),
              at("2025-03-10", "import", linkedin(("Ana Lima", "Globex", "CTO")))],
             "2025-03-14", None, []),
    Scenario("a typo fixed by hand is not a job change",
             [at("2025-03-01", "add", "Eva Ruiz", "--type", "social", "--company", "Intiech"),
              at("2025-03-02", "edit", "Eva Ruiz", "--company", "Initech")],
             "2025-03-14", None, []),
    Scenario("a job change told by hand with --moved is congratulated",
             [at("2025-03-01", "add", "Eva Ruiz", "--type", "social", "--company", "Initech"),
              at("2025-03-12", "edit", "Eva Ruiz", "--company", "Globex", "--moved")],
             "2025-03-14", "Eva Ruiz", ["moved to Globex: congratulate them"]),
    Scenario("day 27 after the change it is still news",
             [at("2025-02-01", "add", "Eva Ruiz", "--type", "social", "--every", "90d",
                 "--company", "Initech"),
              at("2025-02-15", "edit", "Eva Ruiz", "--company", "Globex", "--moved")],
             "2025-03-14", "Eva Ruiz", ["moved to Globex: congratulate them"]),
    Scenario("day 28 after the change it is old news",
             [at("2025-02-01", "add", "Eva Ruiz", "--type", "social", "--every", "90d",
                 "--company", "Initech"),
              at("2025-02-14", "edit", "Eva Ruiz", "--company", "Globex", "--moved")],
             "2025-03-14", None, []),
    Scenario("a job change and a birthday in one week: both said, each once",
             [at("2025-03-01", "add", "Eva Ruiz", "--type", "social", "--company", "Initech",
                 "--birthday", "1990-03-16"),
              at("2025-03-12", "edit", "Eva Ruiz", "--company", "Globex", "--role", "CTO",
                 "--moved")],
             "2025-03-14", "Eva Ruiz",
             ["birthday on Sunday (16 March): say happy birthday",
              "started at Globex as CTO: congratulate them"]),
    Scenario("only the latest of two job changes is said",
             [at("2025-03-01", "add", "Eva Ruiz", "--type", "social", "--company", "Initech"),
              at("2025-03-05", "edit", "Eva Ruiz", "--company", "Globex", "--moved"),
              at("2025-03-12", "edit", "Eva Ruiz", "--role", "CTO", "--moved")],
             "2025-03-14", "Eva Ruiz", ["became CTO at Globex: congratulate them"]),
    Scenario("a connection you never met who moved stays out of next",
             [at("2025-02-01", "import", linkedin(ANA_AT), "--type", "social"),
              at("2025-03-10", "import", linkedin(("Ana Lima", "Globex", "CTO")))],
             "2025-03-14", None, []),
    Scenario("a snoozed person who moved waits for the snooze to end",
             [at("2025-03-01", "add", "Eva Ruiz", "--type", "social", "--company", "Initech"),
              at("2025-03-10", "edit", "Eva Ruiz", "--company", "Globex", "--moved"),
              at("2025-03-10", "snooze", "Eva Ruiz", "--until", "2025-03-20")],
             "2025-03-14", None, []),
    Scenario("undoing the re-import takes the congratulations back",
             [at("2025-02-01", "import", linkedin(ANA_AT), "--type", "social"),
              at("2025-03-01", "log", "Ana Lima"),
              at("2025-03-10", "import", linkedin(("Ana Lima", "Globex", "CTO"))),
              at("2025-03-11", "import", "--undo")],
             "2025-03-14", None, []),
]


@pytest.mark.parametrize("case", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_job_change_scenario(ties, tmp_path, case: Scenario):
    for n, (day, command, *args) in enumerate(case.steps):
        if command == "import" and args and args[0] != "--undo":
            path = tmp_path / f"file{n}.csv"
            path.write_text(args[0])
            args = [str(path), *args[1:]]
        result = ties(command, *args, TIES_TODAY=day)
        assert result.exit_code == 0, (command, args, result.stderr)
    result = ties("next", "--json", TIES_TODAY=case.today)
    assert result.exit_code == 0, result.stderr
    picks = json.loads(result.stdout)
    if case.top is None:
        assert picks == []
        return
    assert (picks[0]["name"], picks[0]["reasons"]) == (case.top, case.reasons)
