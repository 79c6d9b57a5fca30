"""ties import of a calendar (.ics) and a mailbox (mbox, Maildir), end to end through the
real CLI: small files written here, each showing one thing a user relies on."""

from __future__ import annotations

import json

import pytest

from conftest import rows

CALENDAR = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//ties tests//EN
BEGIN:VEVENT
UID:sync-1@example.com
DTSTART:20250310T100000Z
DTEND:20250310T110000Z
SUMMARY:Weekly sync
DESCRIPTION:the secret agenda
LOCATION:https://meet.google.com/abc-defg-hij
ORGANIZER;CN=Bo Chen:mailto:bo@example.com
ATTENDEE;CN=Ana Lima;PARTSTAT=ACCEPTED:mailto:ANA@example.com
ATTENDEE;CN=Bo Chen;PARTSTAT=ACCEPTED:mailto:bo@example.com
ATTENDEE;CN=Me;PARTSTAT=ACCEPTED:mailto:me@example.com
END:VEVENT
BEGIN:VEVENT
UID:coffee-1@example.com
DTSTART:20250311T090000Z
DTEND:20250311T093000Z
SUMMARY:Coffee with Ana
LOCATION:Cafe Central
ORGANIZER;CN=Me:mailto:me@example.com
ATTENDEE;CN=Ana Lima;PARTSTAT=ACCEPTED:mailto:ana@home.example
ATTENDEE;CN=Zed Doe;PARTSTAT=ACCEPTED:mailto:zed@x.example
END:VEVENT
BEGIN:VEVENT
UID:zed-2@example.com
DTSTART:20250312T090000Z
DTEND:20250312T093000Z
SUMMARY:Zed intro
ORGANIZER;CN=Me:mailto:me@example.com
ATTENDEE;CN=Zed Doe;PARTSTAT=ACCEPTED:mailto:zed@x.example
ATTENDEE;CN=Yan Li;PARTSTAT=ACCEPTED:mailto:yan@x.example
END:VEVENT
END:VCALENDAR
""".replace("\n", "\r\n")


@pytest.fixture
def calendar(tmp_path):
    path = tmp_path / "calendar.ics"
    path.write_text(CALENDAR)
    return str(path)


@pytest.fixture
def known(ties):
    assert ties("config", "me.email", "me@example.com, me@work.example").exit_code == 0
    ties("add", "Ana Lima", "--email", "ana@example.com", "--email", "ana@home.example",
         "--type", "social", "--no-log")
    ties("add", "Bo Chen", "--email", "bo@example.com", "--type", "strategic", "--no-log")


def history(ties, name):
    return json.loads(ties("show", name, "--json").stdout)["history"]


def test_import_without_your_addresses_is_refused_saying_how_to_set_them(ties, calendar,
                                                                         db_path):
    result = ties("import", calendar)
    assert result.exit_code == 1
    assert result.stderr == ("ties: Tell ties your own email addresses first, so it knows who "
                             "the others are: ties config me.email \"me@example.com, "
                             "me@work.example\".\n")


def test_config_me_email_checks_each_address_and_shows_them(ties):
    assert ties("config", "me.email", "Me@Example.com; me@work.example").stderr == \
        "me.email = me@example.com, me@work.example\n"
    assert "me@example.com, me@work.example" in ties("config").stdout
    bad = ties("config", "me.email", "me@example.com, not-an-address")
    assert bad.exit_code == 1 and "'not-an-address' doesn't look like an email" in bad.stderr
    assert json.loads(ties("config", "--json").stdout)["me.email"] == [
        "me@example.com", "me@work.example"]


def test_regression_config_me_email_refused_an_address_written_with_a_name(ties):
    """'Me <me@example.com>', as a mail program's From line writes it, was refused
    ("'Me' doesn't look like an email address"); the names are now left out."""
    result = ties("config", "me.email", 'Me <Me@Example.com>, "Lima, Ana" <ana@work.example>')
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "me.email = me@example.com, ana@work.example\n"
    bad = ties("config", "me.email", "Me <not-an-address>")
    assert bad.exit_code == 1 and "'not-an-address' doesn't look like an email" in bad.stderr


@pytest.mark.parametrize(("value", "ok"), [("0", False), ("1", True), ("1000", True),
                                           ("1001", False)])
def test_import_max_attendees_is_1_to_1000(ties, value, ok):
    assert (ties("config", "import.max_attendees", value).exit_code == 0) is ok


def test_a_calendar_import_logs_meetings_with_known_people_and_lists_the_unknown(
        ties, known, calendar):
    result = ties("import", calendar)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "Imported ics as import #1: 2 interactions created, 1 skipped." in result.stderr
    assert "    zed@x.example (Zed Doe): 2 times\n" in result.stderr
    assert "    yan@x.example (Yan Li): 1 time\n" in result.stderr
    ana = history(ties, "Ana Lima")
    assert [(h["date"], h["channel"], h["note"], h["they_reached_out"]) for h in ana] == [
        ("2025-03-11", "in-person", "Coffee with Ana", False),
        ("2025-03-10", "video", "Weekly sync", True)]
    assert [h["id"] for h in history(ties, "Bo Chen")] == [ana[1]["id"]]  # one meeting
    assert "secret agenda" not in json.dumps(ana)


def test_reimporting_the_calendar_adds_nothing(ties, known, calendar, db_path):
    ties("import", calendar)
    before = rows(db_path, "SELECT count(*) FROM interaction")
    again = ties("import", calendar)
    assert again.exit_code == 0
    assert "Imported ics: 0 interactions created, 3 skipped." in again.stderr
    assert rows(db_path, "SELECT count(*) FROM interaction") == before
    assert len(json.loads(ties("imports", "--json").stdout)) == 1


def test_dry_run_prints_the_plan_and_writes_nothing(ties, known, calendar):
    result = ties("import", calendar, "--dry-run")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == [
        "create     2025-03-10 video with Ana Lima, Bo Chen: Weekly sync (they reached out)",
        "create     2025-03-11 in-person with Ana Lima: Coffee with Ana"]
    assert lines[-1] == "Would import ics: 2 interactions created, 1 skipped."
    assert history(ties, "Ana Lima") == []
    plan = json.loads(ties("import", calendar, "--dry-run", "--json").stdout)
    assert plan["counts"]["created"] == 2 and plan["import"] is None
    assert plan["unknown"][0] == {"email": "zed@x.example", "name": "Zed Doe", "met": 2}
    assert history(ties, "Ana Lima") == []


def test_a_coffee_logged_by_hand_is_merged_not_duplicated_and_undo_unmerges(
        ties, known, calendar):
    ties("log", "Ana", "--on", "2025-03-11", "--via", "in-person")
    (mine,) = history(ties, "Ana Lima")
    result = ties("import", calendar)
    assert "1 interaction created, 1 merged into ones already here" in result.stderr
    ana = history(ties, "Ana Lima")
    assert len(ana) == 2
    assert (ana[0]["id"], ana[0]["note"]) == (mine["id"], "Coffee with Ana")
    undone = ties("import", "--undo")
    assert undone.exit_code == 0, undone.stderr
    assert [(h["id"], h["note"]) for h in history(ties, "Ana Lima")] == [(mine["id"], None)]


def test_add_new_adds_whom_you_met_twice_untyped_with_their_meetings(ties, known, calendar):
    result = ties("import", calendar, "--add-new")
    assert result.exit_code == 0, result.stderr
    assert "1 person added" in result.stderr and "'ties triage'" in result.stderr
    zed = json.loads(ties("show", "Zed Doe", "--json").stdout)
    assert (zed["email"], zed["type"]) == ("zed@x.example", None)
    assert [h["note"] for h in zed["history"]] == ["Zed intro", "Coffee with Ana"]
    assert ties("show", "Yan Li").exit_code == 1  # met once: not added
    assert ties("import", "--undo").exit_code == 0
    assert ties("show", "Zed Doe").exit_code == 1


def test_next_changes_after_a_calendar_import(ties, known, calendar):
    ties("log", "Bo", "--on", "2024-12-01")
    assert "Bo Chen" in ties("next").stdout
    ties("import", calendar)
    assert "Bo Chen" not in ties("next").stdout


def test_contact_options_are_refused_for_a_calendar(ties, known, calendar):
    result = ties("import", calendar, "--type", "social")
    assert result.exit_code == 1 and "--type, --tag and --skip-invalid" in result.stderr


def write_mail(box) -> None:
    """A thread Ana started, which you answered to Ana and Bo; and a thread with Zed, whose
    reply's body looks like headers."""
    import email.message

    def message(mid, sender, to, day, subject, reply=None, body="hello\n"):
        msg = email.message.EmailMessage()
        msg["From"], msg["To"], msg["Subject"], msg["Message-ID"] = sender, to, subject, mid
        msg["Date"] = f"{day} Mar 2025 10:00:00 +0000"
        if reply:
            msg["In-Reply-To"] = msg["References"] = reply
        msg.set_content(body)
        box.add(msg)

    message("<1@x>", "Ana Lima <ana@example.com>", "me@example.com", "10", "Lunch?")
    message("<2@x>", "Me <me@example.com>", "Ana Lima <ana@example.com>, Bo Chen "
            "<bo@example.com>", "10", "Re: Lunch?", "<1@x>")
    message("<3@x>", "Me <me@example.com>", "Zed Doe <zed@x.example>", "11", "Hi Zed")
    message("<4@x>", "Zed Doe <zed@x.example>", "me@example.com", "12", "Re: Hi Zed", "<3@x>",
            body="From: ana@example.com\nSubject: a secret in the body\n")
    box.flush()


@pytest.fixture
def mbox(tmp_path):
    import mailbox

    path = tmp_path / "Sent"  # Thunderbird's folders have no extension
    write_mail(mailbox.mbox(path))
    return str(path)


def test_a_mailbox_import_is_one_interaction_per_person_per_thread_per_day(ties, known, mbox):
    result = ties("import", mbox)
    assert result.exit_code == 0, result.stderr
    assert "Imported mail as import #1: 2 interactions created, 2 skipped." in result.stderr
    assert "    zed@x.example (Zed Doe): 2 times\n" in result.stderr
    assert [(h["date"], h["channel"], h["note"], h["they_reached_out"])
            for h in history(ties, "Ana Lima")] == [("2025-03-10", "email", "Lunch?", True)]
    assert [(h["note"], h["they_reached_out"]) for h in history(ties, "Bo Chen")] == [
        ("Re: Lunch?", True)]  # Ana started the thread: not you
    assert "secret" not in ties("show", "Ana Lima").stdout
    again = ties("import", mbox)
    assert "0 interactions created" in again.stderr
    assert len(history(ties, "Ana Lima")) == 1


def test_a_maildir_folder_is_imported_and_add_new_adds_zed(ties, known, tmp_path):
    import mailbox

    folder = tmp_path / "Maildir"
    write_mail(mailbox.Maildir(folder))
    result = ties("import", str(folder), "--add-new")
    assert result.exit_code == 0, result.stderr
    assert "4 interactions created, 1 person added" in result.stderr
    zed = json.loads(ties("show", "Zed Doe", "--json").stdout)
    assert [(h["date"], h["note"], h["they_reached_out"]) for h in zed["history"]] == [
        ("2025-03-12", "Re: Hi Zed", False), ("2025-03-11", "Hi Zed", False)]


def test_a_saved_eml_message_is_detected_imported_once_and_undone(ties, known, tmp_path):
    """Outlook, Apple Mail and Thunderbird save a message as .eml: it is a mailbox of
    one, found by its content (`ties import x.eml` was "can't tell what kind of file")."""
    path = tmp_path / "lunch.eml"
    path.write_text("From: Ana Lima <ana@example.com>\nTo: me@example.com\nSubject: "
                    "Lunch?\nDate: Wed, 12 Mar 2025 09:00:00 +0000\nMessage-ID: "
                    "<lunch@x.example>\n\nBody never read.\n")
    result = ties("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert "Imported mail as import #1: 1 interaction created." in result.stderr
    assert [(h["date"], h["note"], h["they_reached_out"]) for h in
            history(ties, "Ana Lima")] == [("2025-03-12", "Lunch?", True)]
    assert "0 interactions created" in ties("import", str(path)).stderr
    assert ties("import", "--undo").exit_code == 0
    assert history(ties, "Ana Lima") == []


def test_a_mailbox_from_standard_input_is_refused_asking_for_its_path(ties, known, mbox):
    from pathlib import Path

    result = ties("import", "-", input=Path(mbox).read_text())
    assert result.exit_code == 1
    assert "A mailbox is read from its path" in result.stderr


def test_a_folder_that_is_no_mail_folder_is_refused_saying_what_to_give(ties, known,
                                                                          tmp_path):
    (tmp_path / "Downloads").mkdir()
    result = ties("import", str(tmp_path / "Downloads"))
    assert result.exit_code == 1
    assert "is a folder, but not a mail folder (a Maildir" in result.stderr
    assert result.stderr.count("\n") == 1


def later_today(*starts: str) -> str:
    events = "".join(
        f"BEGIN:VEVENT\r\nUID:t{n}@example.com\r\nDTSTART:{start}\r\nSUMMARY:Call {n}\r\n"
        "ORGANIZER:mailto:me@example.com\r\nATTENDEE:mailto:ana@example.com\r\nEND:VEVENT\r\n"
        for n, start in enumerate(starts))
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n{events}END:VCALENDAR\r\n"


@pytest.mark.parametrize(("tz", "hour"), [("UTC", 18), ("Asia/Tokyo", 5),
                                        ("America/Los_Angeles", 18)])
def test_regression_events_later_today_were_imported_as_if_they_had_happened(
        ties, known, tmp_path, monkeypatch, tz, hour):
    import time as clock
    from datetime import UTC, datetime

    from ties.core import dates

    # now is hh:04 UTC on the pinned day, in every zone here still the 14th: an event a
    # minute before is in; a minute after, at 21:00Z and tomorrow at 09:00Z are not yet
    monkeypatch.setattr(dates, "now", lambda: datetime(2025, 3, 14, hour, 4, tzinfo=UTC))
    monkeypatch.setenv("TZ", tz)
    clock.tzset()
    try:
        path = tmp_path / "today.ics"
        path.write_text(later_today(f"20250314T{hour:02}0300Z", f"20250314T{hour:02}0500Z",
                                    "20250314T210000Z", "20250315T090000Z"))
        result = ties("import", str(path), "--dry-run")
    finally:
        monkeypatch.undo()
        clock.tzset()
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ("create     2025-03-14 event with Ana Lima: Call 0\n"
                             "  skipped 3: not yet happened\n"
                             "Would import ics: 1 interaction created, 3 skipped.\n")


def test_regression_ties_imports_showed_0_created_for_a_calendar_import(
        ties, known, calendar):
    ties("log", "Ana", "--on", "2025-03-11", "--via", "in-person")
    assert ties("import", calendar, "--add-new").exit_code == 0
    (batch,) = json.loads(ties("imports", "--json").stdout)
    assert (batch["created"], batch["updated"], batch["interactions"], batch["merged"]) == (
        1, 0, 3, 1)  # Zed added; the sync, the coffee with Zed and his intro logged; your
    # coffee with Ana merged into
    listed = ties("imports").stdout
    assert "1 created      0 updated  3 interactions (+1 merged)  active  calendar.ics" \
        in listed
    assert ties("import", "--undo").exit_code == 0
    (batch,) = json.loads(ties("imports", "--json").stdout)
    assert (batch["interactions"], batch["merged"], batch["undone_at"] is not None) == (
        0, 0, True)



def sent_and_inbox(tmp_path):
    """One thread: your two messages to Ana on 2 Nov in Sent, her replies (2 and 4 Nov)
    in Inbox."""
    import mailbox
    from email.message import EmailMessage

    def write(name, *messages):
        box = mailbox.mbox(tmp_path / name)
        for sender, to, day, hour, mid, refs in messages:
            m = EmailMessage()
            m["From"], m["To"], m["Subject"] = sender, to, "Coffee?"
            m["Date"] = f"{'Sun' if day == 2 else 'Tue'}, {day:02} Nov 2025 {hour}:00:00 +0000"
            m["Message-ID"] = mid
            if refs:
                m["In-Reply-To"], m["References"] = refs[-1], " ".join(refs)
            box.add(m)
        box.flush()
        return str(tmp_path / name)

    me, ana = "me@example.com", "ana@example.com"
    sent = write("Sent", (me, ana, 2, 9, "<s1@x>", []),
                 (me, ana, 2, 15, "<s2@x>", ["<s1@x>", "<a1@x>"]))
    inbox = write("Inbox", (ana, me, 2, 11, "<a1@x>", ["<s1@x>"]),
                  (ana, me, 4, 10, "<a2@x>", ["<s1@x>", "<a1@x>", "<s2@x>"]))
    return sent, inbox


def test_regression_sent_then_inbox_gave_a_second_interaction_and_they_reached_out(
        ties, known, tmp_path, monkeypatch):
    monkeypatch.setenv("TIES_TODAY", "2025-11-10")
    sent, inbox = sent_and_inbox(tmp_path)
    assert ties("import", sent).exit_code == 0
    plan = ties("import", inbox, "--dry-run")
    assert plan.exit_code == 0, plan.stderr
    assert plan.stdout.splitlines()[:2] == [
        "merge      2025-11-02 email with Ana Lima: Coffee?; into #1: imported before, "
        "from the same thread that day: merged into it",
        "create     2025-11-04 email with Ana Lima: Coffee?"]  # you started it: no "they"
    assert ties("import", inbox).exit_code == 0
    assert [(h["date"], h["they_reached_out"]) for h in history(ties, "Ana Lima")] == [
        ("2025-11-04", False), ("2025-11-02", False)]  # as one combined mailbox gives
    assert ties("import", sent).stderr.count("0 interactions created") == 1  # nothing new


BROKEN = CALENDAR.replace("END:VCALENDAR\r\n", """BEGIN:VEVENT
UID:no-start@example.com
SUMMARY:No start
ATTENDEE:mailto:ana@example.com
END:VEVENT
BEGIN:VEVENT
UID:two-starts@example.com
DTSTART:20250310T090000Z
DTSTART:20250311T090000Z
SUMMARY:Two starts
ATTENDEE:mailto:ana@example.com
END:VEVENT
X
BEGIN:VEVENT
UID:bad-rule@example.com
DTSTART:20250303T090000Z
RRULE:FREQ=WEEKLY;BYDAY=XX
SUMMARY:Bad rule
ATTENDEE:mailto:ana@example.com
END:VEVENT
END:VCALENDAR
""".replace("\n", "\r\n"))


def test_regression_one_event_without_a_start_refused_the_whole_calendar(ties, known,
                                                                          tmp_path):
    path = tmp_path / "broken.ics"
    path.write_text(BROKEN)
    result = ties("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr and "'DTSTART'" not in result.stderr
    assert ("  3 events could not be read (a repeat rule that is not one: 1, no start "
            "date: 1, two start dates: 1)\n") in result.stderr
    assert "Imported ics as import #1: 2 interactions created, 4 skipped." in result.stderr
    assert [h["note"] for h in history(ties, "Ana Lima")] == ["Coffee with Ana",
                                                              "Weekly sync"]
    skipped = json.loads(ties("import", str(path), "--dry-run", "--json").stdout)["skipped"]
    assert {k: v for k, v in skipped.items() if k.startswith("could not")} == {
        "could not be read (no start date)": 1, "could not be read (two start dates)": 1,
        "could not be read (a repeat rule that is not one)": 1}


def test_one_unreadable_event_is_said_with_its_reason_alone(ties, known, tmp_path):
    path = tmp_path / "one.ics"
    path.write_text(CALENDAR.replace("DTSTART:20250312T090000Z\r\n", ""))
    result = ties("import", str(path))
    assert "  1 event could not be read (no start date)\n" in result.stderr


# The progress bar ----------------------------------------------------------------------------

class Bar:
    """rich.progress.Progress as the import drives it: what it was told, in order."""

    made: list[Bar] = []

    def __init__(self, **kw):
        self.told: list[tuple[str, float]] = []
        self.description, self.completed, self.stopped = "", 0.0, False
        Bar.made.append(self)

    def start(self):
        pass

    def add_task(self, description, total=None):
        self.description = description
        self.told.append((description, 0.0))
        return 1

    def update(self, task, completed=None, description=None, total=None):
        self.description = description or self.description
        self.completed = self.completed if completed is None else completed
        self.told.append((self.description, self.completed))

    def stop(self):
        self.stopped = True


@pytest.fixture
def bar(monkeypatch):
    import rich.progress
    from rich.console import Console

    from ties.cli import data

    Bar.made = []
    monkeypatch.setattr(rich.progress, "Progress", Bar)
    terminal = {"on": True}
    monkeypatch.setattr(data, "console", lambda stderr=False: Console(
        stderr=stderr, force_terminal=terminal["on"]))
    return terminal


@pytest.mark.parametrize("kind", ["calendar", "mbox"])
def test_on_a_terminal_one_bar_covers_reading_planning_and_writing(ties, known, bar, kind,
                                                                   request):
    result = ties("import", request.getfixturevalue(kind))
    assert result.exit_code == 0, result.stderr
    [made] = Bar.made
    stages = [what for what, _ in made.told]
    assert stages[0] == "Reading" and stages[-1] == "Writing" and made.stopped
    assert "Planning" in stages and stages.index("Planning") < stages.index("Writing")
    done = [n for _, n in made.told]
    assert done == sorted(done) and done[-1] == 100
    assert any(0 < n <= 80 for what, n in made.told if what == "Reading")


def test_regression_a_dry_runs_bar_said_writing(ties, known, bar, calendar):
    """A review: `ties import FILE --dry-run` on a terminal showed 'Writing ... 100%'
    although a dry run writes nothing."""
    assert ties("import", calendar, "--dry-run").exit_code == 0
    [made] = Bar.made
    stages = [what for what, _ in made.told]
    assert "Writing" not in stages and stages[-1] == "Checking"


@pytest.mark.parametrize("kind", ["calendar", "mbox"])
def test_no_bar_with_json_or_off_a_terminal(ties, known, bar, kind, request):
    path = request.getfixturevalue(kind)
    assert ties("import", path, "--dry-run", "--json").exit_code == 0
    bar["on"] = False
    assert ties("import", path).exit_code == 0
    assert Bar.made == []
def test_regression_add_new_added_list_and_no_reply_senders_of_mail_without_list_id(
        ties, known, tmp_path):
    # a newsletter with only List-Unsubscribe, a notifier with no list header at all, and
    # a bounce: none is a person, however often they wrote
    path = tmp_path / "Inbox"
    text = ""
    for n in range(2):
        for sender, extra in (("news@shop.example", "List-Unsubscribe: <https://u.example>"),
                              ("no-reply@accounts.example", ""),
                              ("MAILER-DAEMON@mx.example", "")):
            text += (f"From - Mon Mar 10 10:00:00 2025\nFrom: {sender}\nTo: me@example.com\n"
                     f"Subject: Note {n}\nMessage-ID: <{sender}-{n}@x>\n"
                     f"Date: 10 Mar 2025 10:00:00 +0000\n{extra}\n\nbody\n\n")
    path.write_text(text.replace("\n\n\n", "\n\n"))
    result = ties("import", str(path), "--add-new")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        "  skipped 4: only no-reply and other machine addresses\n"
        "  skipped 2: bulk mail\n"
        "Imported mail: 0 interactions created, 6 skipped.\n")
    assert [p["name"] for p in json.loads(ties("list", "--json").stdout)] == [
        "Ana Lima", "Bo Chen"]


@pytest.mark.parametrize(("given", "content", "said"), [
    ("ics", "mbox", "Sent is not a calendar (.ics) file (no BEGIN:VCALENDAR): it looks like "
     "a mailbox (mbox file or Maildir folder). Drop -f, or give -f mail. Nothing was "
     "imported.\n"),
    ("mail", "vcard", "Sent is not a mailbox (mbox file or Maildir folder) (no 'From ' line "
     "starting a message): it looks like a vCard file. Drop -f, or give -f vcard. Nothing "
     "was imported.\n"),
    ("ics", "csv", "Sent is not a calendar (.ics) file (no BEGIN:VCALENDAR): it looks like a "
     "CSV file. Drop -f, or give -f csv. Nothing was imported.\n"),
    ("mail", "garbage", "Sent is not a mailbox (mbox file or Maildir folder) (no 'From ' line "
     "starting a message), and ties can't tell what it is. Check the file, or give "
     "--format: one of ties, csv, vcard, linkedin, google, ics, mail. Nothing was "
     "imported.\n"),
])
def test_regression_a_format_option_not_matching_the_file_leaked_the_parsers_message(
        ties, known, mbox, db_path, given, content, said):
    from pathlib import Path

    text = {"mbox": None, "vcard": "BEGIN:VCARD\nVERSION:3.0\nFN:Ana\nEND:VCARD\n",
            "csv": "name,email\nAna,ana@example.com\n", "garbage": "x\x01y\n"}[content]
    if text is not None:
        Path(mbox).write_text(text)
    result = ties("import", mbox, "-f", given)
    assert result.exit_code == 1
    assert result.stderr == f"ties: {Path(mbox).parent}/{said}"
    assert rows(db_path, "SELECT count(*) FROM interaction") == [(0,)]


def test_regression_triage_of_a_person_add_new_brought_blocked_the_mail_imports_undo(
        ties, known, mbox):
    assert "1 person added" in ties("import", mbox, "--add-new").stderr
    assert ties("triage", input="3\n").exit_code == 0
    assert json.loads(ties("show", "Zed Doe", "--json").stdout)["type"] == "strategic"
    result = ties("import", "--undo")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ("Undid import #1: removed 1 person (sorted since, in triage or "
                             "by type or archive) and 4 interactions it created.\n")
    assert [p["name"] for p in json.loads(ties("list", "--json", "--all").stdout)] == [
        "Ana Lima", "Bo Chen"]


def test_regression_a_person_added_later_got_a_second_interaction_for_a_meeting_imported(
        ties, calendar):
    ties("config", "me.email", "me@example.com")
    ties("add", "Ana Lima", "--email", "ana@example.com", "--type", "social", "--no-log")
    assert "1 interaction created" in ties("import", calendar).stderr
    ties("add", "Bo Chen", "--email", "bo@example.com", "--type", "strategic", "--no-log")
    again = ties("import", calendar)
    assert again.exit_code == 0, again.stderr
    assert "Imported ics as import #2: 0 interactions created, 1 merged" in again.stderr
    sync = [h for h in history(ties, "Ana Lima") if h["note"] == "Weekly sync"]
    assert [(h["id"], h["with"]) for h in history(ties, "Bo Chen")] == [
        (sync[0]["id"], ["Ana Lima"])]
    assert "0 interactions created" in ties("import", calendar).stderr
    undone = ties("import", "--undo")
    assert undone.exit_code == 0, undone.stderr
    assert undone.stderr == ("Undid import #2: removed 0 people it created; took 1 person "
                             "back out of the meetings an earlier import made, which it had "
                             "added them to.\n")
    assert history(ties, "Bo Chen") == []
    assert [h["with"] for h in history(ties, "Ana Lima") if h["note"] == "Weekly sync"] == [[]]


def test_regression_undo_was_refused_when_a_person_add_new_brought_joined_an_earlier_meeting(
        ties, calendar, db_path):
    ties("config", "me.email", "me@example.com")
    ties("add", "Ana Lima", "--email", "ana@home.example", "--type", "social", "--no-log")
    assert "1 interaction created" in ties("import", calendar).stderr  # coffee, with Ana
    coffee = history(ties, "Ana Lima")[0]["id"]
    added = ties("import", calendar, "--add-new")  # Zed, met twice, joins that coffee
    assert "1 person added" in added.stderr
    assert [h["id"] for h in history(ties, "Zed Doe")] == [coffee + 1, coffee]
    undone = ties("import", "--undo")
    assert undone.exit_code == 0, undone.stderr
    assert undone.stderr == ("Undid import #2: removed 1 person and 1 interaction it created; "
                             "took 1 person back out of the meetings an earlier import made, "
                             "which it had added them to.\n")
    assert [(h["id"], h["with"]) for h in history(ties, "Ana Lima")] == [(coffee, [])]
    assert rows(db_path, "SELECT count(*) FROM person") == [(1,)]


def test_undo_refused_for_an_interaction_you_logged_never_advises_deleting_it(ties, calendar):
    ties("config", "me.email", "me@example.com")
    ties("add", "Ana Lima", "--email", "ana@home.example", "--type", "social", "--no-log")
    ties("import", calendar, "--add-new")
    ties("log", "Ana Lima", "Zed Doe", "--note", "lunch")
    refused = ties("import", "--undo")
    assert refused.exit_code == 1
    assert "was logged with Zed Doe" in refused.stderr
    assert "interaction rm" not in refused.stderr


def test_regression_an_organizer_arriving_later_kept_you_reaching_out(ties, tmp_path):
    def calendar(organizer: str) -> str:
        path = tmp_path / f"{len(organizer)}.ics"
        path.write_text(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:u1\r\n"
            f"DTSTART:20250310T100000Z\r\nSUMMARY:Sync\r\n{organizer}"
            "ATTENDEE:mailto:ana@example.com\r\nATTENDEE:mailto:me@example.com\r\n"
            "END:VEVENT\r\nEND:VCALENDAR\r\n")
        return str(path)

    ties("config", "me.email", "me@example.com")
    ties("add", "Ana Lima", "--email", "ana@example.com", "--type", "social", "--no-log")
    bare, full = calendar(""), calendar("ORGANIZER:mailto:ana@example.com\r\n")
    assert ties("import", bare).exit_code == 0
    assert [h["they_reached_out"] for h in history(ties, "Ana Lima")] == [False]
    plan = ties("import", full, "--dry-run")
    assert plan.stdout.splitlines()[0] == (
        "correct    2025-03-10 #1: imported before without its organizer, who is someone "
        "else: they reached out")
    result = ties("import", full)
    assert "1 corrected: they reached out (the organizer is known now)" in result.stderr
    assert [h["they_reached_out"] for h in history(ties, "Ana Lima")] == [True]
    assert "0 interactions created, 1 skipped" in ties("import", full).stderr  # once
    assert "0 interactions created, 1 skipped" in ties("import", bare).stderr  # never back
    assert [h["they_reached_out"] for h in history(ties, "Ana Lima")] == [True]
    refused = ties("import", "--undo", "--batch", "1")
    assert refused.exit_code == 1  # naming the import to undo first (#2; #3 on PostgreSQL,
    assert "added to interaction #1: undo it first" in refused.stderr  # after the dry run)
    undone = ties("import", "--undo")
    assert undone.exit_code == 0
    assert undone.stderr.endswith("removed 0 people it created; put back who reached out in "
                                  "1 interaction an earlier import made.\n")
    assert [h["they_reached_out"] for h in history(ties, "Ana Lima")] == [False]
    assert ties("import", "--undo").exit_code == 0
    assert history(ties, "Ana Lima") == []


def test_an_organizer_arriving_later_never_changes_one_you_logged(ties, tmp_path):
    path = tmp_path / "c.ics"
    event = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:u1\r\n"
             "DTSTART:20250310T100000Z\r\nSUMMARY:Sync\r\n{}ATTENDEE:mailto:ana@example.com"
             "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    ties("config", "me.email", "me@example.com")
    ties("add", "Ana Lima", "--email", "ana@example.com", "--type", "social", "--no-log")
    ties("log", "Ana Lima", "--on", "2025-03-10")
    path.write_text(event.format(""))
    ties("import", str(path))
    path.write_text(event.format("ORGANIZER:mailto:ana@example.com\r\n"))
    assert "corrected" not in ties("import", str(path)).stderr
    assert [h["they_reached_out"] for h in history(ties, "Ana Lima")] == [False]


def test_regression_inbox_then_sent_the_same_day_kept_her_reaching_out(
        ties, known, tmp_path, monkeypatch):
    # Ana's reply a1 (11:00) and her a2 (4 Nov) come first; your s1 (9:00) opened it
    monkeypatch.setenv("TIES_TODAY", "2025-11-10")
    sent, inbox = sent_and_inbox(tmp_path)
    assert ties("import", inbox).exit_code == 0
    assert [(h["date"], h["they_reached_out"]) for h in history(ties, "Ana Lima")] == [
        ("2025-11-04", True), ("2025-11-02", True)]  # as far as the Inbox can tell
    plan = ties("import", sent, "--dry-run")
    assert plan.exit_code == 0, plan.stderr
    assert plan.stdout.splitlines()[:3] == [
        "merge      2025-11-02 email with Ana Lima: Coffee?; into #1: imported before, "
        "from the same thread that day: merged into it",
        "correct    2025-11-02 #1: imported before without the thread's first message, "
        "which you sent: you reached out",
        "correct    2025-11-04 #2: imported before without the thread's first message, "
        "which you sent: you reached out"]
    result = ties("import", sent)
    assert result.exit_code == 0, result.stderr
    assert "2 corrected who reached out (the thread's first message is known now)" \
        in result.stderr
    assert [(h["date"], h["they_reached_out"]) for h in history(ties, "Ana Lima")] == [
        ("2025-11-04", False), ("2025-11-02", False)]  # as one combined mailbox gives
    for again in (sent, inbox):  # re-import adds and changes nothing
        assert "0 interactions created" in ties("import", again).stderr
    assert [h["they_reached_out"] for h in history(ties, "Ana Lima")] == [False, False]


def test_regression_inbox_then_sent_on_another_day_kept_her_reaching_out(
        ties, known, tmp_path, monkeypatch):
    monkeypatch.setenv("TIES_TODAY", "2025-11-10")
    sent, inbox = sent_and_inbox(tmp_path)
    earlier = tmp_path / "Sent1"  # your s1 sent the day before her reply
    earlier.write_text(open(sent).read().replace("Sun, 02 Nov 2025 09:00",
                                                 "Sat, 01 Nov 2025 09:00"))
    assert ties("import", inbox).exit_code == 0
    assert ties("import", str(earlier)).exit_code == 0
    assert [(h["date"], h["they_reached_out"]) for h in history(ties, "Ana Lima")] == [
        ("2025-11-04", False), ("2025-11-02", False), ("2025-11-01", False)]


def test_undo_of_the_sent_import_puts_back_who_reached_out(ties, known, tmp_path,
                                                           monkeypatch):
    monkeypatch.setenv("TIES_TODAY", "2025-11-10")
    sent, inbox = sent_and_inbox(tmp_path)
    ties("import", inbox)
    ties("import", sent)
    refused = ties("import", "--undo", "--batch", "1")
    assert refused.exit_code == 1 and "undo it first" in refused.stderr
    undone = ties("import", "--undo")
    assert undone.exit_code == 0, undone.stderr
    assert "put back who reached out in 2 interactions" in undone.stderr
    assert [(h["date"], h["they_reached_out"]) for h in history(ties, "Ana Lima")] == [
        ("2025-11-04", True), ("2025-11-02", True)]


def test_a_thread_you_answered_becomes_theirs_when_her_first_message_comes_later(
        ties, known, tmp_path, monkeypatch):
    # the other direction: your reply (Sent) first, her opening message (Inbox) after
    monkeypatch.setenv("TIES_TODAY", "2025-11-10")
    sent, inbox = sent_and_inbox(tmp_path)
    for path in (sent, inbox):  # swap who wrote what: she opened the thread
        text = open(path).read()
        open(path, "w").write(text.replace("From: me@example.com", "From: X")
                              .replace("From: ana@example.com", "From: me@example.com")
                              .replace("From: X", "From: ana@example.com")
                              .replace("To: ana@example.com", "To: Y")
                              .replace("To: me@example.com", "To: ana@example.com")
                              .replace("To: Y", "To: me@example.com"))
    assert ties("import", inbox).exit_code == 0  # your replies, yours as far as it knows
    assert [h["they_reached_out"] for h in history(ties, "Ana Lima")] == [False, False]
    assert ties("import", sent).exit_code == 0
    assert [h["they_reached_out"] for h in history(ties, "Ana Lima")] == [True, True]


def test_a_thread_of_mail_never_corrects_one_you_logged(ties, known, tmp_path, monkeypatch):
    monkeypatch.setenv("TIES_TODAY", "2025-11-10")
    sent, inbox = sent_and_inbox(tmp_path)
    ties("log", "Ana Lima", "--on", "2025-11-02", "--they-reached-out")
    ties("import", inbox)
    ties("import", sent)
    assert [(h["date"], h["they_reached_out"]) for h in history(ties, "Ana Lima")] == [
        ("2025-11-04", False), ("2025-11-02", True)]  # yours stays yours


def test_regression_a_meeting_you_deleted_came_back_on_the_next_reimport(
        ties, known, calendar, db_path):
    ties("import", calendar)
    sync = [h["id"] for h in history(ties, "Bo Chen")]
    assert len(sync) == 1
    assert ties("interaction", "rm", str(sync[0]), "--yes").exit_code == 0
    again = ties("import", calendar)
    assert again.exit_code == 0, again.stderr
    assert "  skipped 1: deleted by you\n" in again.stderr
    assert "Imported ics: 0 interactions created, 3 skipped." in again.stderr
    assert history(ties, "Bo Chen") == []
    assert [h["note"] for h in history(ties, "Ana Lima")] == ["Coffee with Ana"]
    assert "skipped 1: deleted by you" in ties("import", calendar, "--dry-run").stdout


def test_a_meeting_you_deleted_stays_gone_after_its_import_is_undone_and_imported_again(
        ties, known, calendar):
    ties("import", calendar)
    sync = history(ties, "Bo Chen")[0]["id"]
    ties("interaction", "rm", str(sync), "--yes")
    undone = ties("import", "--undo")
    assert undone.stderr == "Undid import #1: removed 0 people and 1 interaction it created.\n"
    assert history(ties, "Ana Lima") == []
    again = ties("import", calendar)
    assert "Imported ics as import #2: 1 interaction created, 2 skipped." in again.stderr
    assert "skipped 1: deleted by you" in again.stderr
    assert [h["note"] for h in history(ties, "Ana Lima")] == ["Coffee with Ana"]


def test_someone_added_later_does_not_bring_back_a_meeting_you_deleted(ties, calendar):
    ties("config", "me.email", "me@example.com")
    ties("add", "Ana Lima", "--email", "ana@home.example", "--type", "social", "--no-log")
    ties("import", calendar)  # the coffee, with Ana (Zed unknown)
    coffee = history(ties, "Ana Lima")[0]["id"]
    ties("interaction", "rm", str(coffee), "--yes")
    ties("add", "Zed Doe", "--email", "zed@x.example", "--type", "social", "--no-log")
    again = ties("import", calendar)
    assert "skipped 1: deleted by you" in again.stderr
    assert [h["note"] for h in history(ties, "Zed Doe")] == ["Zed intro"]


def test_a_coffee_you_logged_that_an_import_merged_into_stays_gone_once_deleted(
        ties, known, calendar, db_path):
    ties("log", "Ana Lima", "--on", "2025-03-11")
    assert "1 merged" in ties("import", calendar).stderr
    mine = [h["id"] for h in history(ties, "Ana Lima") if h["date"] == "2025-03-11"]
    ties("interaction", "rm", str(mine[0]), "--yes")
    assert "skipped 1: deleted by you" in ties("import", calendar).stderr
    assert [h["date"] for h in history(ties, "Ana Lima")] == ["2025-03-10"]


def test_deleting_an_interaction_you_logged_by_hand_keeps_no_key_and_the_import_adds_it(
        ties, known, calendar, db_path):
    ties("log", "Ana Lima", "--on", "2025-03-11")
    ties("interaction", "rm", str(history(ties, "Ana Lima")[0]["id"]), "--yes")
    assert rows(db_path, "SELECT count(*) FROM deleted_source") == [(0,)]
    assert "2 interactions created" in ties("import", calendar).stderr
    assert [h["note"] for h in history(ties, "Ana Lima")] == ["Coffee with Ana", "Weekly sync"]


def test_a_mail_thread_day_you_deleted_with_one_person_is_skipped_only_for_them(
        ties, known, mbox):
    assert ties("import", mbox).exit_code == 0
    before = {n: [(h["date"], h["note"]) for h in history(ties, n)] for n in ("Ana Lima",
                                                                             "Bo Chen")}
    ties("interaction", "rm", str(history(ties, "Ana Lima")[0]["id"]), "--yes")
    again = ties("import", mbox)
    assert "skipped 2: deleted by you" in again.stderr  # her thread's two messages that day
    assert [(h["date"], h["note"]) for h in history(ties, "Ana Lima")] == before["Ana Lima"][1:]
    assert [(h["date"], h["note"]) for h in history(ties, "Bo Chen")] == before["Bo Chen"]


def test_a_merge_keeps_what_you_deleted_for_the_person_kept_and_rm_forgets_it(
        ties, known, mbox, db_path):
    ties("add", "Ana Other", "--email", "ana@other.example", "--no-log")
    ties("import", mbox)
    ties("interaction", "rm", str(history(ties, "Bo Chen")[0]["id"]), "--yes")
    assert rows(db_path, 'SELECT "key", person_id FROM deleted_source') == [("mail:2@x", 2)]
    assert ties("merge", "@3", "@2", "--yes").exit_code == 0  # Bo is now Ana Other
    assert rows(db_path, 'SELECT "key", person_id FROM deleted_source') == [("mail:2@x", 3)]
    assert "skipped 1: deleted by you" in ties("import", mbox).stderr
    assert ties("rm", "@3", "--yes").exit_code == 0
    assert rows(db_path, "SELECT count(*) FROM deleted_source") == [(0,)]
def test_regression_a_cut_off_calendar_said_no_begin_vcalendar_and_imports_nothing(
        ties, known, tmp_path, db_path):
    cut = tmp_path / "trunc.ics"
    cut.write_text(CALENDAR[:CALENDAR.index("BEGIN:VEVENT\r\nUID:zed-2")])
    result = ties("import", str(cut))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (f"ties: {cut} is a calendar cut off after 2 events (no "
                             "END:VCALENDAR): export it again and import the whole file.\n")
    assert rows(db_path, "SELECT count(*) FROM interaction") == [(0,)]


@pytest.mark.parametrize("given", [(), ("-f", "mail"), ("-f", "ics")])
def test_regression_an_empty_mbox_with_f_mail_exited_0_where_without_it_exited_1(
        ties, known, tmp_path, given):
    empty = tmp_path / "empty.mbox"
    empty.write_bytes(b"")
    result = ties("import", str(empty), *given)
    assert result.exit_code == 1
    assert result.stderr == (f"ties: {empty} is empty: there is nothing to import. Check "
                             "that the export finished.\n")


ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 4
GZIP = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + bytes(range(256)) * 4


@pytest.mark.parametrize(("name", "data", "said"), [
    ("takeout-001.zip", ZIP, "is a zip archive: unpack it first and import the files "
     "inside (a Google Takeout zip holds your calendars as .ics and your mail as .mbox)."),
    ("Inbox.gz", GZIP, "is a gzip archive: unpack it first and import the file inside."),
    ("Inbox", GZIP, "is a gzip archive: unpack it first and import the file inside.")])
@pytest.mark.parametrize("given", [(), ("-f", "mail"), ("-f", "ics"), ("-f", "csv")])
def test_regression_an_archive_was_called_a_binary_file(ties, known, tmp_path, name, data,
                                                       said, given):
    path = tmp_path / name
    path.write_bytes(data)
    result = ties("import", str(path), *given)
    assert result.exit_code == 1
    assert result.stderr == f"ties: {path} {said} Nothing was imported.\n"


@pytest.mark.parametrize("fails", [False, True])
def test_a_calendar_import_pauses_the_cycle_collector_while_it_reads_plans_and_writes(
        ties, calendar, known, monkeypatch, fails):
    """The cycle collector is paused for the reader, the plan and the writes (they make
    tens of thousands of objects in no cycle, and each collection walked them all for
    nothing: docs/performance.md), and is on again afterwards, after a failure too."""
    import gc

    from ties.core import reconcile
    from ties.formats.importers import calendar as reader
    from ties.storage import store

    seen = []

    def spy(module, name):
        real = getattr(module, name)

        def watched(*args, **kwargs):
            seen.append((name, gc.isenabled()))
            return real(*args, **kwargs)
        monkeypatch.setattr(module, name, watched)

    spy(reader, "read")
    spy(reconcile, "plan_sightings")
    spy(store, "refresh_stats")
    if fails:
        def broken(*args, **kwargs):
            seen.append(("refresh_stats", gc.isenabled()))
            raise OSError("disk gone")
        monkeypatch.setattr(store, "refresh_stats", broken)
    assert gc.isenabled()
    result = ties("import", calendar)
    assert result.exit_code == (70 if fails else 0), result.stderr
    assert seen == [("read", False), ("plan_sightings", False), ("refresh_stats", False)]
    assert gc.isenabled()
    assert (history(ties, "Ana Lima") == []) is fails  # the failed import left nothing

