"""reconcile.plan_sightings: what a calendar or mail import does with what its reader
found, as a pure function of the sightings and what is already here."""

from __future__ import annotations

from datetime import UTC, date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ties.core import reconcile
from ties.core.records import Sighting, Sightings

TODAY = date(2025, 3, 14)
DAY = date(2025, 3, 10)
ANA, BO = 1, 2
INDEX = {"ana@example.com": ANA, "ana@home.example": ANA, "bo@example.com": BO}


def event(key="ics:u1/2025-03-10T10:00:00", when=DAY, others=("ana@example.com",),
          reached_out=None, note="Weekly sync", channel="video", names=()):
    return Sighting(key, when, tuple(others), reached_out, channel, note, names=names)


def mail(key, thread, when=DAY, others=("ana@example.com",), reached_out=None,
         note="Lunch?", names=()):
    return Sighting(key, when, tuple(others), reached_out, "email", note, thread, names)


def plan(*found, index=INDEX, here=None, logged=None, add_new=False):
    return reconcile.plan_sightings(Sightings(list(found)), index, here or {}, logged or {},
                                    today=TODAY, add_new=add_new)


def test_a_meeting_with_two_known_people_is_one_interaction_with_both():
    (m,) = plan(event(others=("ana@example.com", "bo@example.com"))).meetings
    assert (m.action, m.people, m.record.when, m.record.channel, m.record.note) == (
        "create", [ANA, BO], DAY, "video", "Weekly sync")
    assert sorted(m.keys) == [("ics:u1/2025-03-10T10:00:00", ANA),
                              ("ics:u1/2025-03-10T10:00:00", BO)]


def test_any_of_a_persons_addresses_matches_them():
    (m,) = plan(event(others=("ana@home.example",))).meetings
    assert m.people == [ANA]


def test_the_organizer_decides_who_reached_out():
    assert plan(event(reached_out="ana@example.com")).meetings[0].record.they_reached_out
    assert not plan(event(reached_out=None)).meetings[0].record.they_reached_out


def test_regression_an_organizer_not_in_ties_is_them_reaching_out_not_you():
    # they organised it: the people in it did not wait for you, whoever sent the invite
    assert plan(event(reached_out="zed@x.example")).meetings[0].record.they_reached_out
    found = [mail("mail:<1@x>", "mail:<1@x>", others=("ana@example.com", "zed@x.example"),
                  reached_out="zed@x.example")]
    assert plan(*found).meetings[0].record.they_reached_out


def test_mail_is_one_interaction_per_person_per_thread_per_day():
    found = [mail("mail:<1@x>", "mail:<1@x>", others=("ana@example.com", "bo@example.com")),
             mail("mail:<2@x>", "mail:<1@x>", others=("ana@example.com",)),
             mail("mail:<3@x>", "mail:<1@x>", when=date(2025, 3, 11)),
             mail("mail:<4@x>", "mail:<4@x>", note="Other thread")]
    meetings = plan(*found).meetings
    shape = sorted((m.people[0], m.record.when.day, m.record.note, len(m.keys))
                   for m in meetings)
    assert shape == [(ANA, 10, "Lunch?", 2), (ANA, 10, "Other thread", 1),
                     (ANA, 11, "Lunch?", 1), (BO, 10, "Lunch?", 1)]
    assert all(m.action == "create" for m in meetings)


def test_the_threads_first_message_decides_who_reached_out_for_every_day_of_it():
    found = [mail("mail:<1@x>", "mail:<1@x>", reached_out="ana@example.com"),
             mail("mail:<2@x>", "mail:<1@x>", when=date(2025, 3, 12), reached_out=None)]
    assert [m.record.they_reached_out for m in plan(*found).meetings] == [True, True]
    found = [mail("mail:<1@x>", "mail:<1@x>", reached_out=None),
             mail("mail:<2@x>", "mail:<1@x>", reached_out="ana@example.com")]
    assert [m.record.they_reached_out for m in plan(*found).meetings] == [False]


def test_a_thread_whose_first_message_is_not_in_the_file_is_decided_by_its_earliest():
    found = [mail("mail:<3@x>", "mail:<1@x>", when=date(2025, 3, 12)),
             mail("mail:<2@x>", "mail:<1@x>", reached_out="ana@example.com")]
    assert [m.record.they_reached_out for m in plan(*found).meetings] == [True, True]


def test_a_key_already_imported_for_that_person_is_skipped():
    p = plan(event(), here={("ics:u1/2025-03-10T10:00:00", ANA): 40})
    assert p.meetings == [] and p.skipped == {reconcile.ALREADY_IMPORTED: 1}


def test_someone_added_since_gets_the_meeting_already_imported_for_the_others():
    p = plan(event(others=("ana@example.com", "bo@example.com")),
             here={("ics:u1/2025-03-10T10:00:00", ANA): 40})
    (m,) = p.meetings
    assert (m.action, m.people, m.keys) == ("create", [BO],
                                            [("ics:u1/2025-03-10T10:00:00", BO)])


def test_a_new_message_in_a_thread_day_already_imported_joins_that_interaction():
    p = plan(mail("mail:<1@x>", "mail:<1@x>"), mail("mail:<2@x>", "mail:<1@x>"),
             here={("mail:<1@x>", ANA): 40})
    (m,) = p.meetings
    assert (m.action, m.into, m.keys, m.fill, m.by_hand) == (
        "merge", 40, [("mail:<2@x>", ANA)], None, False)


def test_a_meeting_logged_by_hand_that_day_is_merged_into_and_its_empty_note_filled():
    (m,) = plan(event(), logged={(ANA, DAY): (12, None)}).meetings
    assert (m.action, m.into, m.fill, m.by_hand) == ("merge", 12, "Weekly sync", True)
    assert m.keys == [("ics:u1/2025-03-10T10:00:00", ANA)]


def test_a_note_you_wrote_is_kept_when_merging():
    (m,) = plan(event(), logged={(ANA, DAY): (12, "coffee")}).meetings
    assert (m.action, m.into, m.fill) == ("merge", 12, None)


def test_a_note_is_filled_once_when_two_imports_of_a_day_merge_into_one_interaction():
    p = plan(event(), event(key="ics:u2/2025-03-10T15:00:00", note="Second"),
             logged={(ANA, DAY): (12, None)})
    assert [(m.action, m.into, m.fill) for m in p.meetings] == [
        ("merge", 12, "Weekly sync"), ("merge", 12, None)]


def test_logged_by_hand_on_another_day_is_no_merge():
    p = plan(event(), logged={(ANA, date(2025, 3, 9)): (12, None),
                              (ANA, date(2025, 3, 11)): (13, None)})
    assert [m.action for m in p.meetings] == ["create"]


def test_only_the_person_who_was_logged_by_hand_is_merged_the_rest_get_one_together():
    p = plan(event(others=("ana@example.com", "bo@example.com", "cy@x.example")),
             index={**INDEX, "cy@x.example": 3}, logged={(ANA, DAY): (12, None)})
    assert sorted((m.action, tuple(m.people)) for m in p.meetings) == [
        ("create", (BO, 3)), ("merge", (ANA,))]


def test_a_sighting_with_no_one_known_is_counted_and_its_addresses_listed_by_frequency():
    p = plan(event(others=("zed@x.example", "yan@x.example"),
                   names=(("zed@x.example", "Zed Doe"),)),
             event(key="ics:u2/x", others=("zed@x.example",)))
    assert p.meetings == [] and p.skipped == {reconcile.NO_ONE_KNOWN: 2}
    assert p.unknown == [("zed@x.example", "Zed Doe", 2), ("yan@x.example", None, 1)]


def test_add_new_adds_an_address_met_twice_but_not_once():
    p = plan(event(others=("zed@x.example", "yan@x.example"),
                   names=(("zed@x.example", "Zed Doe"),)),
             event(key="ics:u2/x", others=("zed@x.example",)), add_new=True)
    assert [(n.address, n.name, n.met) for n in p.new] == [("zed@x.example", "Zed Doe", 2)]
    assert p.unknown == [("yan@x.example", None, 1)]
    assert [(m.action, m.people) for m in p.meetings] == [("create", [-1]), ("create", [-1])]


@pytest.mark.parametrize("address", [
    "no-reply@github.com", "noreply@x.example", "No_Reply@x.example", "do-not-reply@x.example",
    "donotreply@x.example", "noreply-12345@x.example", "MAILER-DAEMON@mx.example",
    "postmaster@x.example", "notifications@github.com", "bounces+abc@x.example",
    "newsletter@x.example"])
def test_regression_add_new_never_adds_a_no_reply_sender(address):
    p = plan(mail("mail:<1@x>", "mail:<1@x>", others=(address,), reached_out=address),
             mail("mail:<2@x>", "mail:<2@x>", others=(address,), reached_out=address),
             add_new=True)
    assert (p.new, p.unknown, p.meetings) == ([], [], [])
    assert p.skipped == {reconcile.MACHINE: 2}


@pytest.mark.parametrize("address", [
    "nora@x.example", "replies@x.example", "notify.me.ana@x.example", "bob.nobody@x.example",
    "info@x.example"])
def test_addresses_that_only_resemble_a_machine_are_people(address):
    assert not reconcile.is_machine_address(address)
    p = plan(mail("mail:<1@x>", "mail:<1@x>", others=(address,)),
             mail("mail:<2@x>", "mail:<2@x>", others=(address,)), add_new=True)
    assert [n.address for n in p.new] == [address]


def test_add_new_names_someone_without_a_display_name_by_their_address():
    p = plan(event(others=("zed@x.example",)), event(key="k2", others=("zed@x.example",)),
             add_new=True)
    assert p.new[0].name == "zed@x.example"


def test_a_sighting_after_today_is_skipped():
    p = plan(event(when=date(2025, 3, 15)), event(key="k2", when=TODAY))
    assert p.skipped == {reconcile.IN_THE_FUTURE: 1}
    assert [m.record.when for m in p.meetings] == [TODAY]


_address = st.sampled_from(["ana@example.com", "bo@example.com", "zed@x.example",
                            "yan@x.example"])
_sighting = st.builds(
    lambda n, day, others, thread: mail(f"mail:<{n}@x>", f"mail:<{thread}@x>",
                                        when=date(2025, 3, day), others=tuple(others)),
    st.integers(0, 30), st.integers(1, 14), st.lists(_address, min_size=1, max_size=3),
    st.integers(0, 3))


@settings(max_examples=30)
@given(st.lists(_sighting, max_size=12, unique_by=lambda s: s.key), st.booleans())
def test_importing_twice_plans_nothing_the_second_time(found, add_new):
    first = plan(*found, add_new=add_new)
    made = {-n: 100 + n for n in range(1, len(first.new) + 1)}
    index = {**INDEX, **{p.address: made[-n] for n, p in enumerate(first.new, 1)}}
    here = {(key, made.get(pid, pid)): 1 for m in first.meetings for key, pid in m.keys}
    again = plan(*found, index=index, here=here, add_new=add_new)
    assert again.meetings == [] and again.new == []
    # every (key, known person) pair is recorded exactly once
    keys = [k for m in first.meetings for k in m.keys]
    assert len(keys) == len(set(keys))


def test_regression_a_thread_imported_before_is_joined_that_day_and_keeps_who_started_it():
    # Sent imported first: you opened thread <1> on the 10th (interaction 7, not theirs)
    here = {("mail:<1@x>", ANA): 7}
    linked = ("mail:<1@x>", "mail:<2@x>", "mail:<3@x>")
    found = [Sighting("mail:<2@x>", DAY, ("ana@example.com",), "ana@example.com", "email",
                      "Re: Lunch?", "mail:<2@x>", linked=linked),
             Sighting("mail:<3@x>", date(2025, 3, 12), ("ana@example.com",),
                      "ana@example.com", "email", "Re: Lunch?", "mail:<2@x>", linked=linked)]
    meetings = reconcile.plan_sightings(Sightings(found), INDEX, here, {}, today=TODAY,
                                        earlier={7: (DAY, False)}).meetings
    assert [(m.action, m.into, m.record.when, m.record.they_reached_out) for m in meetings] == [
        ("merge", 7, DAY, False), ("create", None, date(2025, 3, 12), False)]
    # a thread whose earlier day came after this file's first message: this file decides
    meetings = reconcile.plan_sightings(Sightings(found), INDEX, here, {}, today=TODAY,
                                        earlier={7: (date(2025, 3, 11), False)}).meetings
    assert [(m.action, m.record.they_reached_out) for m in meetings] == [
        ("create", True), ("create", True)]
    # without the thread's keys linked, nothing joins (a different thread)
    plain = [Sighting(s.key, s.when, s.others, s.reached_out, s.channel, s.note, s.thread)
             for s in found]
    meetings = reconcile.plan_sightings(Sightings(plain), INDEX, here, {}, today=TODAY,
                                        earlier={7: (DAY, False)}).meetings
    assert [m.action for m in meetings] == ["create", "create"]


def test_someone_added_since_joins_the_interaction_an_import_made_of_that_occurrence():
    found = event(others=("ana@example.com", "bo@example.com"))
    here = {(found.key, ANA): 7}
    p = reconcile.plan_sightings(Sightings([found]), INDEX, here, {}, today=TODAY,
                                 created={7})
    (m,) = p.meetings
    assert (m.action, m.into, m.people, m.joins, m.keys) == (
        "merge", 7, [BO], [BO], [(found.key, BO)])
    assert p.entries({ANA: "Ana", BO: "Bo"})[0]["joins"] == ["Bo"]


def test_someone_added_since_is_not_joined_into_an_interaction_you_logged():
    # the import merged into your coffee with Ana: yours stays as you logged it
    found = event(others=("ana@example.com", "bo@example.com"))
    here = {(found.key, ANA): 7}
    (m,) = reconcile.plan_sightings(Sightings([found]), INDEX, here, {}, today=TODAY,
                                    created=set()).meetings
    assert (m.action, m.people, m.joins) == ("create", [BO], [])


def test_someone_added_since_with_their_own_logged_that_day_is_merged_there_not_joined():
    found = event(others=("ana@example.com", "bo@example.com"))
    here = {(found.key, ANA): 7}
    (m,) = reconcile.plan_sightings(Sightings([found]), INDEX, here, {(BO, DAY): (9, "x")},
                                    today=TODAY, created={7}).meetings
    assert (m.action, m.into, m.joins, m.by_hand) == ("merge", 9, [], True)


def test_mail_someone_added_since_gets_their_own_interaction_as_one_import_would_give():
    # mail is one interaction per person per thread per day: Bo's is his own, the same
    # as importing the mailbox once with both known would have made
    found = mail("mail:<1@x>", "mail:<1@x>", others=("ana@example.com", "bo@example.com"))
    together = [(m.action, m.people) for m in plan(found).meetings]
    assert together == [("create", [ANA]), ("create", [BO])]
    (m,) = reconcile.plan_sightings(Sightings([found]), INDEX, {(found.key, ANA): 7}, {},
                                    today=TODAY, created={7}).meetings
    assert (m.action, m.people, m.joins) == ("create", [BO], [])


@pytest.mark.parametrize(("organizer", "stored", "created", "expected"), [
    ("ana@example.com", False, {7}, [(7, DAY, True, reconcile.ORGANIZER_KNOWN)]),  # the
    # organizer arrived: they reached out
    ("zed@x.example", False, {7}, [(7, DAY, True, reconcile.ORGANIZER_KNOWN)]),  # anyone
    # but you, in ties or not
    (None, True, {7}, []),  # an export without the organizer never takes it back
    ("ana@example.com", True, {7}, []),  # already so
    ("ana@example.com", False, set(), []),  # merged into one you logged: yours stays
])
def test_an_organizer_known_later_corrects_who_reached_out_only_where_an_import_said_you(
        organizer, stored, created, expected):
    found = event(reached_out=organizer)
    p = reconcile.plan_sightings(Sightings([found]), INDEX, {(found.key, ANA): 7}, {},
                                 today=TODAY, earlier={7: (DAY, stored)}, created=created)
    assert (p.corrections, p.meetings) == (expected, [])


def thread_mail(key, when, reached_out, root, starts, thread="mail:<a1@x>", linked=()):
    return Sighting(key, when, ("ana@example.com",), reached_out, "email", "Coffee?", thread,
                    linked=linked, root=root, starts=starts)


def test_regression_inbox_before_sent_the_thread_start_decides_over_the_earlier_import():
    # the Inbox import made 7 (her reply a1, the 10th) and 8 (her a2, the 12th), both
    # "she reached out"; Sent holds your s1, which names no earlier message: yours
    threads = {"mail:<s1@x>": [("mail:<a1@x>", ANA, 7), ("mail:<a2@x>", ANA, 8)]}
    here = {("mail:<a1@x>", ANA): 7, ("mail:<a2@x>", ANA): 8}
    earlier = {7: (DAY, True), 8: (date(2025, 3, 12), True)}
    found = [thread_mail("mail:<s1@x>", DAY, None, "mail:<s1@x>", True, "mail:<s1@x>")]
    p = reconcile.plan_sightings(Sightings(found), INDEX, here, {}, today=TODAY,
                                 earlier=earlier, created={7, 8}, threads=threads)
    assert [(m.action, m.into, m.record.they_reached_out) for m in p.meetings] == [
        ("merge", 7, False)]
    assert p.corrections == [(7, DAY, False, reconcile.YOU_STARTED),
                             (8, date(2025, 3, 12), False, reconcile.YOU_STARTED)]
    # only where an import created it: one you logged (merged into) stays yours
    p = reconcile.plan_sightings(Sightings(found), INDEX, here, {}, today=TODAY,
                                 earlier=earlier, created={8}, threads=threads)
    assert [c[0] for c in p.corrections] == [8]
    # without the thread's root stored (keys from before m011), nothing finds them
    p = reconcile.plan_sightings(Sightings(found), INDEX, here, {}, today=TODAY,
                                 earlier=earlier, created={7, 8})
    assert (p.corrections, [m.action for m in p.meetings]) == ([], ["create"])


@pytest.mark.parametrize(("starts", "held", "day", "expected"), [
    (True, False, DAY, False),  # this file holds the start: its sender (you) decides
    (False, True, DAY, True),  # the earlier import held it: hers stays
    (False, False, DAY, True),  # neither, the same day: the earlier import
    (False, False, date(2025, 3, 11), False),  # neither: the earliest day decides
    (True, True, DAY, True),  # both (the same message): the earlier import, the same day
])
def test_the_import_holding_the_threads_start_decides_who_reached_out(starts, held, day,
                                                                    expected):
    stored = "mail:<s1@x>" if held else "mail:<a1@x>"
    threads = {"mail:<s1@x>": [(stored, ANA, 7)]}
    found = [thread_mail("mail:<s0@x>", DAY, None, "mail:<s1@x>", starts, "mail:<s0@x>")]
    p = reconcile.plan_sightings(Sightings(found), INDEX, {(stored, ANA): 7}, {},
                                 today=TODAY, earlier={7: (day, True)}, created={7},
                                 threads=threads)
    (m,) = p.meetings
    assert m.record.they_reached_out is expected
    assert [c[2] for c in p.corrections] == ([] if expected else [False])


def _apply(p, store: dict) -> None:
    """What store.import_sightings writes, as plain data (ids from 100 up)."""
    for m in p.meetings:
        iid = m.into
        if m.action == "create":
            iid = 100 + len(store["earlier"])
            store["earlier"][iid] = (m.record.when, m.record.they_reached_out)
            store["created"].add(iid)
        for key, pid in m.keys:
            store["here"][(key, pid)] = iid
            root = store["roots"].get(key)
            if root is not None:
                store["threads"].setdefault(root, []).append((key, pid, iid))
    for iid, _, theirs, _ in p.corrections:
        store["earlier"][iid] = (store["earlier"][iid][0], theirs)


def _import(store: dict, found: Sightings) -> None:
    store["roots"].update({s.key: s.root for s in found.found})
    _apply(reconcile.plan_sightings(found, INDEX, dict(store["here"]), {}, today=TODAY,
                                    earlier=dict(store["earlier"]), created=store["created"],
                                    threads=store["threads"]), store)


_THREAD = (st.lists(st.tuples(st.booleans(), st.integers(0, 1)), min_size=1, max_size=5),
           st.booleans())


@settings(max_examples=10, deadline=None)
@given(*_THREAD)
def test_sent_and_inbox_imported_apart_in_either_order_give_what_one_mailbox_gives(
        messages, inbox_first):
    _sent_and_inbox_apart(messages, inbox_first)


@pytest.mark.slow
@settings(max_examples=400, deadline=None, derandomize=True)
@given(*_THREAD)
def test_sent_and_inbox_imported_apart_give_what_one_mailbox_gives_deep(messages,
                                                                        inbox_first):
    _sent_and_inbox_apart(messages, inbox_first)


def _sent_and_inbox_apart(messages, inbox_first):
    """A thread of you and Ana (mine?, days after the one before), each message naming
    every earlier one: Sent and Inbox imported one after the other, either order, end with
    the interactions (a day each) and who reached out that the whole thread gives."""
    import tempfile
    from pathlib import Path

    from ties.formats.importers import mail as reader

    lines, day = [], 0
    for n, (mine, gap) in enumerate(messages):
        day += gap
        sender, to = ("me@example.com", "ana@example.com") if mine else (
            "ana@example.com", "me@example.com")
        refs = " ".join(f"<m{i}@x>" for i in range(n))
        lines.append((mine, f"From - Mon Mar 10 10:00:00 2025\nFrom: {sender}\nTo: {to}\n"
                            f"Subject: s\nDate: {3 + day} Mar 2025 {9 + n}:00:00 +0000\n"
                            f"Message-ID: <m{n}@x>\n"
                            + (f"References: {refs}\nIn-Reply-To: <m{n - 1}@x>\n" if n else "")
                            + "\nbody\n\n"))

    def read(which) -> Sightings:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "box"
            path.write_text("".join(text for mine, text in lines if which(mine)))
            return reader.read(path, frozenset({"me@example.com"}), TODAY, tz=UTC)

    def result(store):
        return sorted(store["earlier"].values())

    def empty():
        return {"here": {}, "earlier": {}, "created": set(), "threads": {}, "roots": {}}

    whole = empty()
    _import(whole, read(lambda mine: True))
    apart = empty()
    for mine in ((False, True) if inbox_first else (True, False)):
        box = read(lambda m, mine=mine: m is mine)
        if box.found:
            _import(apart, box)
    assert result(apart) == result(whole)


# The direct plan of an event occurrence nothing here touches (reconcile._DIRECT) against
# the general path, on generated sightings (events and mail, sharing keys, days and
# people) and generated store state: keys imported before (some to interactions an import
# created), interactions logged by hand (with and without a note), keys you deleted, mail
# threads recorded by an earlier import, with and without --add-new.
_KEYS = [f"ics:u{n}/2025-03-1{n}T09:00:00Z" for n in range(4)] + [
    f"mail:<{n}@x>" for n in range(4)]
_MAIL_KEYS = _KEYS[4:]
_EVERYONE = ["ana@example.com", "ana@home.example", "bo@example.com", "zed@x.example",
             "yan@x.example", "noreply@x.example"]
_days = st.integers(8, 15).map(lambda d: date(2025, 3, d))  # the 15th is after TODAY
_pids = st.sampled_from([ANA, BO, 100])  # 100: someone here no sighting names
_iids = st.integers(1, 6)
_events = st.builds(
    lambda key, when, others, organizer, channel, note, names: Sighting(
        key, when, tuple(others), organizer, channel, note,
        names=tuple((a, n) for a, n in zip(others, names, strict=False))),
    st.sampled_from(_KEYS[:4] + ["ics:u9/2025-03-10T09:00:00Z"]), _days,
    st.lists(st.sampled_from(_EVERYONE), max_size=4),
    st.sampled_from([None, "ana@example.com", "zed@x.example"]),
    st.sampled_from(["video", "in-person", "event"]), st.sampled_from([None, "Sync", "Lunch"]),
    st.lists(st.sampled_from(["", "Zed", "Zed Z"]), max_size=4))
_mails = st.builds(
    lambda key, thread, when, others, sender, note, linked, root, starts: Sighting(
        key, when, tuple(others), sender, "email", note, thread, linked=tuple(linked),
        root=root, starts=starts),
    st.sampled_from(_MAIL_KEYS + ["mail:<9@x>"]), st.sampled_from(_MAIL_KEYS), _days,
    st.lists(st.sampled_from(_EVERYONE), max_size=3),
    st.sampled_from([None, "ana@example.com", "zed@x.example"]),
    st.sampled_from([None, "Re: Lunch"]), st.lists(st.sampled_from(_MAIL_KEYS), max_size=3),
    st.sampled_from([None, *_MAIL_KEYS]), st.booleans())


@st.composite
def _imports(draw):
    """Sightings, and a store whose state names their keys, people and days often: each
    known person of each sighting is imported before, deleted (or both), logged by hand
    that day or none of these, or all of them imported before, and a few pairs more are
    drawn at random."""
    found = draw(st.lists(st.one_of(_events, _mails), min_size=1, max_size=10))
    if draw(st.integers(0, 3)) == 0:  # a first import: nothing here at all
        return found, {"here": {}, "logged": {}}
    here, logged, deleted = {}, {}, set()
    for s in found:
        everyone = draw(st.sampled_from(["", "here", "here, deleted"]))  # the same for all
        for p in dict.fromkeys(INDEX[a] for a in s.others if a in INDEX):
            fate = everyone or draw(st.sampled_from(
                ["logged", "here", "deleted", "here, deleted", "", ""]))
            if "here" in fate:
                here[(s.key, p)] = draw(_iids)
            if "deleted" in fate:
                deleted.add((s.key, p))
            elif fate == "logged":
                logged[(p, s.when)] = draw(st.tuples(st.integers(1, 8),
                                                     st.sampled_from([None, "x"])))
    pairs = st.tuples(st.sampled_from(_KEYS), _pids)
    return found, {
        "here": {**draw(st.dictionaries(pairs, _iids, max_size=2)), **here},
        "logged": logged,
        "earlier": draw(st.fixed_dictionaries(
            {i: st.tuples(_days, st.booleans()) for i in range(1, 9)})),
        "created": draw(st.sets(st.integers(1, 8))),
        "deleted": deleted | draw(st.sets(pairs, max_size=1)),
        "threads": draw(st.dictionaries(st.sampled_from(_MAIL_KEYS), st.lists(
            st.tuples(st.sampled_from(_MAIL_KEYS), _pids, _iids), max_size=3),
            max_size=2))}


def _plans_both_ways(case, add_new):
    """The plan with the direct path on, and with it off."""
    found, state = case

    def planned():
        return reconcile.plan_sightings(Sightings(list(found)), INDEX, today=TODAY,
                                        add_new=add_new, **state)

    direct = planned()
    reconcile._DIRECT = False
    try:
        general = planned()
    finally:
        reconcile._DIRECT = True
    return direct, general


@settings(max_examples=60, deadline=None)
@given(_imports(), st.booleans())
def test_events_planned_directly_give_what_the_general_path_gives(case, add_new):
    direct, general = _plans_both_ways(case, add_new)
    assert direct == general
    assert repr(direct) == repr(general)  # the skip reasons in the same order too


@pytest.mark.slow
@settings(max_examples=1500, deadline=None, derandomize=True)
@given(_imports(), st.booleans())
def test_events_planned_directly_give_what_the_general_path_gives_deep(case, add_new):
    direct, general = _plans_both_ways(case, add_new)
    assert direct == general
    assert repr(direct) == repr(general)


def test_a_first_import_plans_its_events_directly_at_under_half_the_general_work():
    """A regression of a 5,000-event calendar's 29,000 occurrences costing a second to
    plan: an occurrence nothing here touches goes straight to its create (counted calls,
    not time; benchmarks/ics.py times the import)."""
    from test_import_calendar import calls

    found = Sightings([event(f"ics:e{n}/2025-03-{1 + n % 13:02d}T09:00:00Z",
                             when=date(2025, 3, 1 + n % 13),
                             others=("ana@example.com", "bo@example.com", "zed@x.example"),
                             reached_out="ana@example.com" if n % 2 else None)
                       for n in range(200)])

    def planned():
        return reconcile.plan_sightings(found, INDEX, {}, {(ANA, date(2025, 3, 2)): (9, None)},
                                        today=TODAY)

    direct = calls(planned)
    reconcile._DIRECT = False
    try:
        general = calls(planned)
        slow = planned()
    finally:
        reconcile._DIRECT = True
    assert planned() == slow
    assert [m.action for m in slow.meetings].count("merge") == 16  # the 2nd: logged
    assert direct * 2 < general


def test_an_occurrence_you_deleted_stays_deleted_on_a_store_where_nothing_else_is_imported():
    # deleted with Bo, now seen with Ana only, and nothing imported: still yours to keep out
    found = event(others=("ana@example.com",))
    p = reconcile.plan_sightings(Sightings([found]), INDEX, {}, {}, today=TODAY,
                                 deleted={(found.key, BO)})
    assert (p.meetings, p.skipped) == ([], {reconcile.DELETED_BY_YOU: 1})


def test_a_reimported_occurrence_you_deleted_with_someone_is_deleted_not_already_imported():
    found = event(others=("ana@example.com",))
    p = reconcile.plan_sightings(Sightings([found]), INDEX, {(found.key, ANA): 7}, {},
                                 today=TODAY, earlier={7: (DAY, False)}, created={7},
                                 deleted={(found.key, BO)})
    assert (p.meetings, p.skipped) == ([], {reconcile.DELETED_BY_YOU: 1})
