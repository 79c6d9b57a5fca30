"""The mail reader (formats/importers/mail.py): mbox files and Maildir folders as sightings.

Pure tests of the reader, each on a small mailbox written here that reproduces what one
mail program writes (Thunderbird, Gmail Takeout, Apple Mail, mutt), asserting the exact
sightings; hypothesis for what must hold of any header."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ties.core.records import Sighting, Sightings
from ties.formats.importers import BadFile, mail

TODAY = date(2025, 3, 14)
ME = frozenset({"me@example.com", "me@work.example"})
PARIS = timezone(timedelta(hours=1))


def message(*headers: str, body: str = "Hello.", eol: str = "\n") -> str:
    return eol.join(headers) + eol + eol + body.replace("\n", eol) + eol


def mbox(tmp_path: Path, *messages: str, name: str = "mail.mbox",
         from_line: str = "From - Thu Mar 13 10:00:00 2025", eol: str = "\n") -> Path:
    path = tmp_path / name
    path.write_bytes("".join(from_line + eol + m + eol for m in messages)
                     .encode("utf-8", "surrogateescape"))
    return path


def read(path: Path, **kwargs):
    kwargs.setdefault("tz", UTC)
    return mail.read(path, ME, TODAY, **kwargs)


def sighting(key: str, others: tuple[str, ...], note: str | None = None,
             when: date = date(2025, 3, 13), reached_out: str | None = None,
             thread: str | None = None, names: tuple = ()) -> Sighting:
    return Sighting(key=f"mail:{key}", when=when, others=others, reached_out=reached_out,
                    channel="email", note=note, thread=f"mail:{thread or key}", names=names)


def simple(n: int, sender: str = "ana@example.com", to: str = "me@example.com",
           date_: str = "Thu, 13 Mar 2025 10:00:00 +0000", *extra: str) -> str:
    return message(f"From: {sender}", f"To: {to}", f"Subject: m{n}", f"Date: {date_}",
                   f"Message-ID: <{n}@example.com>", *extra)


# ---- what one message becomes -------------------------------------------------------------


def test_a_message_becomes_one_sighting_with_its_sender_recipients_names_and_subject(tmp_path):
    path = mbox(tmp_path, message(
        'From: "Ana Lima" <Ana@Example.com>', "To: Me <me@example.com>, bo@example.com",
        "Cc: =?utf-8?q?Zo=C3=AB_Park?= <zoe@example.com>", "Reply-To: list@example.org",
        "Subject: Coffee next week?", "Date: Thu, 13 Mar 2025 10:00:00 +0000",
        "Message-ID: <a1@mail.example.com>"))
    assert read(path).found == [sighting(
        "a1@mail.example.com", ("ana@example.com", "bo@example.com", "zoe@example.com"),
        "Coffee next week?", reached_out="ana@example.com",
        names=(("ana@example.com", "Ana Lima"), ("zoe@example.com", "Zoë Park")))]


def test_a_message_you_sent_names_no_one_as_reaching_out_and_counts_bcc(tmp_path):
    path = mbox(tmp_path, message(
        "From: Me <me@work.example>", "To: ana@example.com", "Bcc: bo@example.com",
        "Subject: Intro", "Date: Thu, 13 Mar 2025 10:00:00 +0000", "Message-ID: <s1@x>"))
    assert read(path).found == [sighting("s1@x", ("ana@example.com", "bo@example.com"),
                                         "Intro")]


def test_the_day_is_the_date_header_in_the_local_time_zone(tmp_path):
    late = simple(1, date_="Thu, 13 Mar 2025 23:30:00 -0100")  # 00:30 on the 14th in UTC
    assert read(mbox(tmp_path, late), tz=UTC).found[0].when == date(2025, 3, 14)
    assert read(mbox(tmp_path, late), tz=timezone(timedelta(hours=-5))).found[0].when == \
        date(2025, 3, 13)


def test_a_date_without_a_zone_is_utc(tmp_path):
    path = mbox(tmp_path, simple(1, date_="Thu, 13 Mar 2025 23:30:00 -0000"))
    assert read(path, tz=PARIS).found[0].when == date(2025, 3, 14)


def test_a_broken_date_falls_back_to_the_from_line(tmp_path):
    path = mbox(tmp_path, simple(1, date_="sometime in March"),
                from_line="From ana@example.com Wed Mar 12 09:00:00 2025")
    assert read(path).found[0].when == date(2025, 3, 12)


def test_a_from_line_with_an_rfc_5322_date_is_a_fallback_too(tmp_path):
    path = mbox(tmp_path, simple(1, date_="?"),
                from_line="From ana@example.com Wed, 12 Mar 2025 09:00:00 +0000")
    assert read(path).found[0].when == date(2025, 3, 12)


def test_an_iso_date_is_read(tmp_path):
    path = mbox(tmp_path, simple(1, date_="2025-03-12T23:30:00-02:00"))
    assert read(path).found[0].when == date(2025, 3, 13)


@pytest.mark.parametrize("day, kept", [("14", True), ("15", False)])
def test_a_message_dated_after_today_is_skipped(tmp_path, day, kept):
    path = mbox(tmp_path, simple(1, date_=f"{day} Mar 2025 10:00:00 +0000"))
    result = read(path)
    assert len(result.found) == kept
    assert result.skipped == ({} if kept else {mail.FUTURE: 1})


@pytest.mark.parametrize("count, kept", [(8, True), (9, False)])
def test_more_than_max_others_people_is_skipped(tmp_path, count, kept):
    to = ", ".join(["me@example.com"] + [f"p{i}@example.com" for i in range(count - 1)])
    result = read(mbox(tmp_path, simple(1, to=to)))
    assert len(result.found) == kept
    assert result.skipped == ({} if kept else {"more than 8 other people": 1})
    assert len(read(mbox(tmp_path, simple(1, to=to)), max_others=count).found) == 1


def test_you_are_never_counted_among_the_others(tmp_path):
    to = "Me <ME@example.com>, me@work.example, " + ", ".join(
        f"p{i}@example.com" for i in range(7))  # ana + 7 = 8 others
    assert read(mbox(tmp_path, simple(1, to=to))).found[0].others[0] == "ana@example.com"


@pytest.mark.parametrize("header, reason", [
    ("List-Id: Python <python.lists.example.org>", mail.LIST),
    ("List-Post: <mailto:python@lists.example.org>", mail.LIST),
    ("Mailing-list: contact artists-help@googlegroups.com; run by ezmlm", mail.LIST),
    ("X-Mailing-List: <artists@lists.example.org>", mail.LIST),
    ("Precedence: bulk", mail.BULK),
    ("Precedence: list", mail.BULK),
    ("Precedence: junk", mail.BULK),
    ("List-Unsubscribe: <https://news.example.com/u>", mail.BULK),
    ("Auto-Submitted: auto-replied", mail.AUTOMATIC),
    ("X-Mozilla-Draft-Info: internal/draft; vcard=0; receipt=0", mail.DRAFT),
    ("X-Uniform-Type-Identifier: com.apple.mail-draft", mail.DRAFT),
    ("X-Status: T", mail.DRAFT),
    ("X-Gmail-Labels: Drafts", mail.DRAFT),
    ("X-Gmail-Labels: Spam,Unread", mail.SPAM),
    ("X-Mozilla-Status: 0009", mail.DELETED),
    ('X-GMAIL-LABELS: "\\\\Draft"', mail.DRAFT),  # getmail's
    ("X-Gmail-Labels: Inbox, IMAP_$Junk", mail.SPAM),
    ("X-Gmail-Labels: Trash,Opened", mail.TRASH),
    ("X-Gmail-Labels: Archived,Chat", mail.CHAT),
    ("X-Gmail-Labels: Sent,Drafts,Opened", mail.DRAFT),
])
def test_lists_bulk_automatic_drafts_spam_and_deleted_mail_are_skipped(tmp_path, header,
                                                                       reason):
    result = read(mbox(tmp_path, simple(1, "ana@example.com", "me@example.com",
                                        "13 Mar 2025 10:00:00 +0000", header)))
    assert result.found == []
    assert result.skipped == {reason: 1}


@pytest.mark.parametrize("header", [
    "Precedence: first-class", "Auto-Submitted: no", "X-Mozilla-Status: 0001",
    "X-Status: A", "X-Gmail-Labels: Important,Sent", "X-Mozilla-Status: nonsense"])
def test_ordinary_mail_with_these_headers_is_kept(tmp_path, header):
    result = read(mbox(tmp_path, simple(1, "ana@example.com", "me@example.com",
                                        "13 Mar 2025 10:00:00 +0000", header)))
    assert len(result.found) == 1


def test_your_plus_addresses_are_yours(tmp_path):
    result = read(mbox(tmp_path, simple(1, to="Me <me+ties@example.com>, bo+x@example.com"),
                       simple(2, sender="me+lists@work.example", to="ana@example.com")))
    assert [(s.others, s.reached_out) for s in result.found] == [
        (("ana@example.com", "bo+x@example.com"), "ana@example.com"),
        (("ana@example.com",), None)]
    assert result.notes == []


def test_a_body_is_never_read(tmp_path):
    body = ("From: eve@example.com\nTo: mallory@example.com\nSubject: secret\n"
            "Message-ID: <body@x>\nList-Id: <x>\n\nsecret words")
    result = read(mbox(tmp_path, simple(1).replace("Hello.", body)))
    assert result.found == [sighting("1@example.com", ("ana@example.com",), "m1",
                                     reached_out="ana@example.com")]
    assert "secret" not in repr(result)


def test_a_message_between_your_own_addresses_only_is_skipped(tmp_path):
    result = read(mbox(tmp_path, simple(1, sender="me@example.com", to="me@work.example")))
    assert (result.found, result.skipped) == ([], {mail.ONLY_YOU: 1})


def test_a_message_without_a_sender_is_skipped_but_sender_header_stands_in(tmp_path):
    no_from = message("To: me@example.com", "Subject: ?", "Date: 13 Mar 2025 10:00 +0000")
    with_sender = message("Sender: bo@example.com", "To: me@example.com",
                          "Date: 13 Mar 2025 10:00 +0000", "Message-ID: <b@x>")
    result = read(mbox(tmp_path, no_from, with_sender))
    assert result.skipped == {mail.NO_SENDER: 1}
    assert [s.reached_out for s in result.found] == ["bo@example.com"]


def test_a_second_copy_of_a_message_is_read_once(tmp_path):
    result = read(mbox(tmp_path, simple(1), simple(1)))
    assert (len(result.found), result.skipped) == (1, {mail.COPY: 1})


def test_a_message_naming_none_of_your_addresses_is_kept_with_a_note(tmp_path):
    result = read(mbox(tmp_path, simple(1, to="old-me@example.net")))
    assert result.found[0].others == ("ana@example.com", "old-me@example.net")
    assert result.notes == ["1 of the messages name none of your addresses as sender or "
                            "recipient: if you wrote from another one, add it to me.email."]


def test_addresses_and_names_in_raw_utf8_are_read(tmp_path):
    path = mbox(tmp_path, simple(1, sender="J\udcc3\udcb6rg <j\udcc3\udcb6rg@example.com>"))
    assert read(path).found[0].names == (("jörg@example.com", "Jörg"),)


def test_addresses_that_are_none_are_left_out(tmp_path):
    path = mbox(tmp_path, simple(1, to="undisclosed-recipients:;, me@example.com, bob"))
    assert read(path).found[0].others == ("ana@example.com",)


# ---- keys ---------------------------------------------------------------------------------


def test_the_key_is_the_message_id_without_brackets_or_comments(tmp_path):
    path = mbox(tmp_path, simple(1).replace("Message-ID: <1@example.com>",
                                            "Message-ID:\n  <CAB+x=Yz@mail.gmail.com> (x)"))
    assert read(path).found[0].key == "mail:CAB+x=Yz@mail.gmail.com"


def test_a_message_without_an_id_is_keyed_by_date_sender_and_subject(tmp_path):
    headers = ["From: ana@example.com", "To: me@example.com", "Subject: hi",
               "Date: Thu, 13 Mar 2025 10:00:00 +0000"]
    key = read(mbox(tmp_path, message(*headers))).found[0].key
    digest = hashlib.sha256(b"Thu, 13 Mar 2025 10:00:00 +0000\nana@example.com\nhi")
    assert key == "mail:no-id:" + digest.hexdigest()
    other = read(mbox(tmp_path, message(*headers[:2], "Subject: hello", headers[3])))
    assert other.found[0].key != key


def test_a_message_id_over_200_characters_is_keyed_by_its_hash(tmp_path):
    long_id = "x" * 196 + "@a.bc"  # 201 characters
    path = mbox(tmp_path, simple(1).replace("1@example.com>", long_id + ">"))
    assert read(path).found[0].key == "mail:" + hashlib.sha256(long_id.encode()).hexdigest()
    ok_id = "x" * 195 + "@a.bc"  # 200
    path = mbox(tmp_path, simple(1).replace("1@example.com>", ok_id + ">"))
    assert read(path).found[0].key == "mail:" + ok_id


# ---- threads ------------------------------------------------------------------------------


def test_a_reply_belongs_to_the_thread_of_its_first_message_and_its_sender(tmp_path):
    first = simple(1, "ana@example.com", "me@example.com", "13 Mar 2025 09:00 +0000")
    reply = simple(2, "me@example.com", "ana@example.com", "13 Mar 2025 10:00 +0000",
                   "In-Reply-To: <1@example.com>", "References: <1@example.com>")
    again = simple(3, "ana@example.com", "me@example.com", "13 Mar 2025 11:00 +0000",
                   "References: <1@example.com>\n <2@example.com>")
    found = read(mbox(tmp_path, again, reply, first)).found  # any order in the file
    assert [(s.key, s.thread, s.reached_out) for s in found] == [
        ("mail:3@example.com", "mail:1@example.com", "ana@example.com"),
        ("mail:2@example.com", "mail:1@example.com", "ana@example.com"),
        ("mail:1@example.com", "mail:1@example.com", "ana@example.com")]


def test_every_message_names_its_threads_root_alike_whichever_folder_it_is_read_from(
        tmp_path):
    # the root: the first References id, else In-Reply-To, else the message's own key
    first = simple(1, "me@example.com", "ana@example.com", "13 Mar 2025 09:00 +0000")
    reply = simple(2, "ana@example.com", "me@example.com", "13 Mar 2025 10:00 +0000",
                   "In-Reply-To: <1@example.com>")
    again = simple(3, "ana@example.com", "me@example.com", "13 Mar 2025 11:00 +0000",
                   "In-Reply-To: <2@example.com>", "References: <1@example.com> <2@example.com>")
    both = read(mbox(tmp_path, first, reply, again)).found
    assert [(s.root, s.starts) for s in both] == [("mail:1@example.com", True)] * 3
    inbox = read(mbox(tmp_path, reply, again, name="Inbox")).found  # without the first
    assert [(s.root, s.starts) for s in inbox] == [("mail:1@example.com", False)] * 2


def test_a_thread_you_started_names_no_one_as_reaching_out(tmp_path):
    first = simple(1, "me@example.com", "ana@example.com", "13 Mar 2025 09:00 +0000")
    reply = simple(2, "ana@example.com", "me@example.com", "13 Mar 2025 10:00 +0000",
                   "In-Reply-To: <1@example.com>")
    assert [s.reached_out for s in read(mbox(tmp_path, first, reply)).found] == [None, None]


def test_a_thread_whose_root_is_missing_starts_at_its_earliest_message(tmp_path):
    later = simple(3, "bo@example.com", "me@example.com", "13 Mar 2025 11:00 +0000",
                   "References: <0@gone.example> <2@example.com>")
    earlier = simple(2, "ana@example.com", "me@example.com", "13 Mar 2025 10:00 +0000",
                     "In-Reply-To: <0@gone.example>")
    found = read(mbox(tmp_path, later, earlier)).found
    assert {(s.thread, s.reached_out) for s in found} == {
        ("mail:2@example.com", "ana@example.com")}


def test_gmail_thread_ids_join_messages_without_references(tmp_path):
    first = simple(1, "ana@example.com", "me@example.com", "12 Mar 2025 09:00 +0000",
                   "X-GM-THRID: 1790000000000000001")
    second = simple(2, "me@example.com", "ana@example.com", "13 Mar 2025 09:00 +0000",
                    "X-GM-THRID: 1790000000000000001")
    other = simple(3, "me@example.com", "ana@example.com", "13 Mar 2025 09:00 +0000",
                   "X-GM-THRID: 1790000000000000002")
    found = read(mbox(tmp_path, second, first, other)).found
    assert [(s.thread, s.reached_out) for s in found] == [
        ("mail:1@example.com", "ana@example.com"), ("mail:1@example.com", "ana@example.com"),
        ("mail:3@example.com", None)]


def test_getmails_gmail_thread_header_joins_too(tmp_path):
    first = simple(1, "ana@example.com", "me@example.com", "12 Mar 2025 09:00 +0000",
                   "X-GMAIL-THRID: 1849926541202783082")
    second = simple(2, "me@example.com", "ana@example.com", "13 Mar 2025 09:00 +0000",
                    "X-GMAIL-THRID: 1849926541202783082")
    assert {s.thread for s in read(mbox(tmp_path, first, second)).found} == {
        "mail:1@example.com"}


def test_a_broadcast_is_no_sighting_but_starts_its_thread(tmp_path):
    crowd = ", ".join(["me@example.com"] + [f"p{i}@example.com" for i in range(9)])
    broadcast = simple(1, "ana@example.com", crowd, "12 Mar 2025 09:00 +0000")
    reply = simple(2, "me@example.com", "ana@example.com", "13 Mar 2025 09:00 +0000",
                   "In-Reply-To: <1@example.com>")
    result = read(mbox(tmp_path, broadcast, reply))
    assert [(s.key, s.thread, s.reached_out) for s in result.found] == [
        ("mail:2@example.com", "mail:1@example.com", "ana@example.com")]
    assert result.skipped == {"more than 8 other people": 1}


def test_a_list_message_does_not_start_a_thread(tmp_path):
    post = simple(1, "ana@example.com", "me@example.com", "12 Mar 2025 09:00 +0000",
                  "List-Id: <x.example.org>")
    reply = simple(2, "me@example.com", "ana@example.com", "13 Mar 2025 09:00 +0000",
                   "In-Reply-To: <1@example.com>")
    assert [(s.thread, s.reached_out) for s in read(mbox(tmp_path, post, reply)).found] == [
        ("mail:2@example.com", None)]


def test_two_messages_of_one_time_start_their_thread_in_mailbox_order(tmp_path):
    a = simple(1, "ana@example.com", "me@example.com", "13 Mar 2025 09:00 +0000",
               "References: <root@gone>")
    b = simple(2, "bo@example.com", "me@example.com", "13 Mar 2025 09:00 +0000",
               "References: <root@gone>")
    assert {s.thread for s in read(mbox(tmp_path, b, a)).found} == {"mail:2@example.com"}


# ---- subjects and names -------------------------------------------------------------------


@pytest.mark.parametrize("subject, note", [
    ("=?utf-8?q?Caf=C3=A9?= =?utf-8?q?_plans?=", "Café plans"),  # space between words drops
    ("=?ISO-8859-1?Q?Gr=FC=DFe?= aus Z=?iso-8859-1?b?/A==?=rich", "Grüße aus Zürich"),
    ("=?utf-8?b?w6k=?= =?utf-8?b?w6k=?=", "éé"),
    ("=?UTF-8?B?8J+Y?= =?UTF-8?B?gA==?=", "😀"),  # one character split over two words
    ("=?x-unknown?q?Caf=C3=A9?=", "Café"),  # unknown charset: read as UTF-8
    ("=?utf-8?q?Caf=E9?=", "Café"),  # not UTF-8 after all: Windows-1252
    ("=?utf-8?b?!!!?=", "=?utf-8?b?!!!?="),  # undecodable: kept as written
    # regression: its letters were read as base64 without the space ('nº$zvÚ±î¸')
    ("=?utf-8?b?broken base64?=", "=?utf-8?b?broken base64?="),
    ("=?utf-8?b?w6k.?=", "=?utf-8?b?w6k.?="),  # one letter no base64 has: as written
    ("=?utf-8?b?w6k?=", "é"),  # no padding: read
    ("=?utf-8*en?q?Hi?=", "Hi"),  # RFC 2231 language
    ("Re: =?utf-8?q?Caf=C3=A9?=\n\t plans", "Re: Café plans"),  # folding undone
    ("AW: SV: Fwd:  termin", "AW: SV: Fwd: termin"),  # prefixes kept
    ("Caf\udcc3\udca9", "Café"),  # raw 8-bit UTF-8
    ("Caf\udce9", "Café"),  # raw 8-bit Latin-1
    ("tab\x07bell\x1b[31m", "tabbell[31m"),  # control characters dropped
])
def test_subjects_are_decoded_into_the_note(tmp_path, subject, note):
    path = mbox(tmp_path, simple(1).replace("Subject: m1", "Subject: " + subject))
    assert read(path).found[0].note == note


def test_an_empty_or_missing_subject_is_no_note(tmp_path):
    empty = simple(1).replace("Subject: m1", "Subject:  ")
    missing = simple(2).replace("Subject: m2\n", "")
    assert [s.note for s in read(mbox(tmp_path, empty, missing)).found] == [None, None]


def test_a_subject_over_1000_characters_is_cut(tmp_path):
    path = mbox(tmp_path, simple(1).replace("Subject: m1", "Subject: " + "x" * 1001))
    assert read(path).found[0].note == "x" * 999 + "…"
    path = mbox(tmp_path, simple(1).replace("Subject: m1", "Subject: " + "x" * 1000))
    assert read(path).found[0].note == "x" * 1000


def test_display_names_are_decoded_and_a_name_that_is_its_address_is_none(tmp_path):
    path = mbox(tmp_path, message(
        'From: "=?iso-8859-1?q?J=F6rg?=" <jorg@example.com>',
        "To: me@example.com, ana@example.com <ana@example.com>, 'Bo' <bo@example.com>",
        "Date: 13 Mar 2025 10:00 +0000", "Message-ID: <n@x>"))
    assert read(path).found[0].names == (("jorg@example.com", "Jörg"),
                                         ("bo@example.com", "Bo"))


# ---- mail programs' files -----------------------------------------------------------------


def test_thunderbird_mbox_with_quoted_and_unquoted_from_lines_in_bodies(tmp_path):
    body = "Hi,\n>From the minutes:\nFrom what I hear, fine.\n\nFrom here on, bye."
    path = mbox(tmp_path, message(
        "X-Mozilla-Status: 0001", "X-Mozilla-Status2: 00000000", "From: ana@example.com",
        "To: me@example.com", "Subject: one", "Date: Thu, 13 Mar 2025 10:00:00 +0100",
        "Message-ID: <t1@x>", body=body), simple(2))
    result = read(path)
    assert [s.key for s in result.found] == ["mail:t1@x", "mail:2@example.com"]


def test_gmail_takeout_mbox_with_crlf_and_from_lines_with_a_zone(tmp_path):
    first = message("X-GM-THRID: 1790000000000000009", "X-Gmail-Labels: Inbox,Opened",
                    "From: Ana <ana@example.com>", "To: me@example.com",
                    "Subject: lunch", "Date: Wed, 12 Mar 2025 12:00:00 +0000",
                    "Message-ID: <g1@mail.gmail.com>", eol="\r\n")
    sent = message("X-GM-THRID: 1790000000000000009", "X-Gmail-Labels: Sent",
                   "From: me@example.com", "To: Ana <ana@example.com>",
                   "Subject: Re: lunch", "Date: Thu, 13 Mar 2025 09:00:00 +0000",
                   "Message-ID: <g2@mail.gmail.com>", body="Yes.\r\n>From me", eol="\r\n")
    path = mbox(tmp_path, first, sent, eol="\r\n",
                from_line="From 1790000000000000009@xxx Thu Mar 13 09:00:00 +0000 2025")
    assert read(path).found == [
        sighting("g1@mail.gmail.com", ("ana@example.com",), "lunch", date(2025, 3, 12),
                 "ana@example.com", names=(("ana@example.com", "Ana"),)),
        sighting("g2@mail.gmail.com", ("ana@example.com",), "Re: lunch",
                 reached_out="ana@example.com", thread="g1@mail.gmail.com",
                 names=(("ana@example.com", "Ana"),))]


def test_an_apple_mail_export_folder_is_read_as_its_mbox(tmp_path):
    folder = tmp_path / "Inbox.mbox"
    folder.mkdir()
    mbox(folder, simple(1), name="mbox")
    (folder / "table_of_contents").write_bytes(b"\x00\x01binary")
    assert [s.key for s in read(folder).found] == ["mail:1@example.com"]


def test_a_saved_message_eml_is_read_as_a_mailbox_of_one(tmp_path):
    path = tmp_path / "Re lunch.eml"
    path.write_text(simple(1, "\"Ana Lima\" <ana@example.com>", "me@example.com",
                           "Thu, 13 Mar 2025 10:00:00 +0000", "Received: by x; Thu, 13 "
                           "Mar 2025\n\tcontinued"), encoding="utf-8")
    found = read(path).found
    assert [(s.key, s.others, s.reached_out) for s in found] == [
        ("mail:1@example.com", ("ana@example.com",), "ana@example.com")]


def test_a_folder_of_eml_files_and_its_subfolders_is_read_hidden_ones_left_out(tmp_path):
    (tmp_path / "2024").mkdir()
    (tmp_path / ".trash").mkdir()
    (tmp_path / "a.eml").write_text(simple(1))
    (tmp_path / "2024" / "b.EML").write_text(simple(2))
    (tmp_path / ".trash" / "c.eml").write_text(simple(3))
    (tmp_path / ".d.eml").write_text(simple(4))
    (tmp_path / "notes.txt").write_text(simple(5))
    assert mail.is_mail_folder(tmp_path)
    assert sorted(s.key for s in read(tmp_path).found) == [
        "mail:1@example.com", "mail:2@example.com"]


@pytest.mark.parametrize(("head", "is_message"), [
    (simple(1), True),
    ("Return-Path: <a@b>\nFrom: a@b\nDate: Thu, 13 Mar 2025 10:00:00 +0000\n\nx", True),
    ("From: a@b\nMessage-ID: <1@b>\n", True),
    ("From: a@b\nSubject: no date and no id\n\nx", False),  # not enough to tell
    ("Date: Thu, 13 Mar 2025\nSubject: x\n\nx", False),  # no From
    ("BEGIN:VCARD\nFN:Ana\nFrom: a@b\nDate: x\nEND:VCARD\n", False),
    ("Name,Email\nAna,a@b\n", False),
    ("From: a@b\nDate: x\nthis line is no header\n", False),
])
def test_looks_like_message_wants_a_header_block_with_from_and_a_date_or_id(head,
                                                                          is_message):
    assert mail.looks_like_message(head.encode()) is is_message


def test_a_maildir_reads_cur_and_new_and_skips_drafts_and_tmp(tmp_path):
    for sub in ("cur", "new", "tmp"):
        (tmp_path / sub).mkdir()
    (tmp_path / "cur" / "1700000000.1.host:2,S").write_text(simple(1))
    (tmp_path / "cur" / "1700000000.2.host:2,DS").write_text(simple(2))
    (tmp_path / "new" / "1700000000.3.host").write_text(simple(3))
    (tmp_path / "cur" / "1700000000.6.host:2,ST").write_text(simple(6))
    (tmp_path / "tmp" / "1700000000.4.host").write_text(simple(4))
    (tmp_path / "cur" / ".hidden").write_text(simple(5))
    result = read(tmp_path)
    assert [s.key for s in result.found] == ["mail:1@example.com", "mail:3@example.com"]
    assert result.skipped == {mail.DRAFT: 1, mail.TRASHED: 1}


def maildir(path: Path) -> Path:
    for sub in ("cur", "new", "tmp"):
        (path / sub).mkdir(parents=True)
    return path


def test_a_maildir_reads_its_maildirplusplus_subfolders_but_not_trash_or_junk(tmp_path):
    maildir(tmp_path)
    (tmp_path / "cur" / "1.host:2,S").write_text(simple(1))
    for n, folder in enumerate([".Sent", ".Archive.2024", ".Trash", ".INBOX.Junk",
                                ".Drafts"], 2):
        (maildir(tmp_path / folder) / "cur" / f"{n}.host:2,S").write_text(simple(n))
    (tmp_path / ".notes").mkdir()  # not a maildir
    result = read(tmp_path)
    assert [s.key for s in result.found] == ["mail:1@example.com", "mail:3@example.com",
                                             "mail:2@example.com"]
    assert result.notes == ["left out the folders .Drafts, .INBOX.Junk, .Trash "
                            "(trash, junk, drafts)"]


def test_regression_outlooks_junk_e_mail_and_a_bin_folder_were_read_as_mail(tmp_path):
    """A review: a Maildir's '.Junk E-mail' (Outlook and Exchange's junk folder) and
    '.Bin' were imported as ordinary mail."""
    maildir(tmp_path)
    for n, folder in enumerate([".Junk E-mail", ".Bin", ".Outbox", ".Archive"], 1):
        (maildir(tmp_path / folder) / "cur" / f"{n}.host:2,S").write_text(simple(n))
    result = read(tmp_path)
    assert [s.key for s in result.found] == ["mail:4@example.com"]
    assert result.notes == ["left out the folders .Bin, .Junk E-mail, .Outbox "
                            "(trash, junk, drafts)"]


def test_a_maildir_message_with_long_headers_and_crlf_is_read_whole(tmp_path):
    maildir(tmp_path)
    refs = "References: " + "\n ".join(f"<r{i}@example.com>" for i in range(2000))
    (tmp_path / "cur" / "1.host:2,S").write_bytes(
        simple(1, "ana@example.com", "me@example.com", "13 Mar 2025 10:00 +0000", refs,
               "Cc: bo@example.com").replace("\n", "\r\n").encode())
    found = read(tmp_path).found
    assert [(s.others, s.thread) for s in found] == [
        (("ana@example.com", "bo@example.com"), "mail:1@example.com")]


def test_a_maildir_message_without_a_date_is_skipped(tmp_path):
    for sub in ("cur", "new"):
        (tmp_path / sub).mkdir()
    (tmp_path / "new" / "1.host").write_text(simple(1, date_="not a date"))
    assert read(tmp_path).skipped == {mail.NO_DATE: 1}


def test_a_message_whose_headers_run_to_the_next_from_line_is_still_two(tmp_path):
    path = tmp_path / "m.mbox"
    path.write_text("From - Thu Mar 13 10:00:00 2025\nFrom: ana@example.com\n"
                    "To: me@example.com\nDate: 13 Mar 2025 10:00 +0000\nMessage-ID: <1@x>\n"
                    "From - Thu Mar 13 10:00:00 2025\nFrom: bo@example.com\n"
                    "To: me@example.com\nDate: 13 Mar 2025 10:00 +0000\nMessage-ID: <2@x>\n")
    assert [s.key for s in read(path).found] == ["mail:1@x", "mail:2@x"]


# ---- refused and hostile input ------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"\n\r\n"])
def test_an_empty_mbox_is_an_empty_folder_regression_refused_as_no_mbox(tmp_path, content):
    path = tmp_path / "Trash"  # Thunderbird keeps an empty file for an empty folder
    path.write_bytes(content)
    assert read(path) == Sightings()  # an import of it is refused as empty (the CLI test)


@pytest.mark.parametrize(("head", "kind"), [
    (b"PK\x03\x04\x14\x00\x00\x00", "a zip archive"), (b"\x1f\x8b\x08\x00", "a gzip archive")])
def test_an_archive_is_told_to_be_unpacked_not_read_as_an_empty_mbox(tmp_path, head, kind):
    path = tmp_path / "Inbox"  # the name says nothing: the first bytes do
    path.write_bytes(head + bytes(range(256)))
    with pytest.raises(BadFile, match=rf"^{re.escape(str(path))} is {kind}: unpack it first"):
        read(path)


def test_a_file_that_is_no_mbox_is_refused(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text("Hello\nFrom - Thu Mar 13 10:00:00 2025\n")
    with pytest.raises(BadFile, match="not an mbox"):
        read(path)


def test_a_folder_that_is_no_maildir_is_refused(tmp_path):
    with pytest.raises(BadFile, match="not a Maildir .* and holds no .eml files"):
        read(tmp_path)


def test_a_missing_path_is_refused(tmp_path):
    with pytest.raises(BadFile, match="There is no file or folder"):
        read(tmp_path / "nothing")


def test_a_message_with_100000_recipients_is_skipped(tmp_path):
    to = ", ".join(f"p{i}@example.com" for i in range(100_000))
    result = read(mbox(tmp_path, simple(1, to=to), simple(2)))
    assert [s.key for s in result.found] == ["mail:2@example.com"]
    assert result.skipped == {"more than 8 other people": 1}


@pytest.mark.parametrize("ats, kept", [(1000, True), (1001, False)])
def test_address_headers_with_over_1000_at_signs_are_skipped_unread(tmp_path, ats, kept):
    to = ", ".join(["me@example.com"] * (ats - 1))  # and the sender's
    result = read(mbox(tmp_path, simple(1, to=to)))
    assert len(result.found) == kept


def test_a_10_mib_header_line_is_read_and_cut(tmp_path):
    path = mbox(tmp_path, simple(1).replace("Subject: m1", "Subject: " + "x" * 10 * 2**20),
                simple(2))
    result = read(path)
    assert [len(s.note) for s in result.found] == [1000, 2]


def test_headers_over_16_mib_are_skipped(tmp_path, monkeypatch):
    monkeypatch.setattr(mail, "MAX_HEADER", 1000)
    path = mbox(tmp_path, simple(1).replace("Subject: m1", "Subject: " + "x" * 2000),
                simple(2))
    result = read(path)
    assert [s.key for s in result.found] == ["mail:2@example.com"]
    assert result.skipped == {mail.HUGE: 1}


def test_a_body_larger_than_a_chunk_is_skipped_through(tmp_path):
    big = simple(1).replace("Hello.", ("line of text\n" * 200_000) + ">From x\n")
    path = mbox(tmp_path, big, simple(2))
    assert [s.key for s in read(path).found] == ["mail:1@example.com", "mail:2@example.com"]


# ---- detection ----------------------------------------------------------------------------


@pytest.mark.parametrize("head, expected", [
    (b"From - Thu Mar 13 10:00:00 2025\nX-Mozilla-Status: 0001\n", True),
    (b"From 1790000000000000009@xxx Thu Mar 13 09:00:00 +0000 2025\r\nX-GM-THRID: 1\r\n",
     True),
    (b"\n\nFrom ana@example.com  Thu Mar  3 09:00:00 2025\nReturn-Path: <a@x>\n", True),
    (b"From ana@example.com Thu Mar 13 09:00:00 2025", True),
    (b"From what I hear, it is fine\nBye\n", False),
    (b"From - Thu Mar 13 10:00:00 2025\nnot a header\n", False),
    (b"BEGIN:VCALENDAR\r\n", False),
    (b"From: ana@example.com\nTo: me@example.com\n", False),
    (b"", False),
])
def test_looks_like_mbox(head, expected):
    assert mail.looks_like_mbox(head) is expected


def test_is_maildir_needs_cur_and_new(tmp_path):
    (tmp_path / "cur").mkdir()
    assert not mail.is_maildir(tmp_path)
    assert not mail.is_mail_folder(tmp_path)
    (tmp_path / "new").mkdir()
    assert mail.is_maildir(tmp_path) and mail.is_mail_folder(tmp_path)
    assert not mail.is_maildir(tmp_path / "cur" / "nothing")


def test_an_apple_mail_export_is_a_mail_folder_but_no_maildir(tmp_path):
    (tmp_path / "mbox").write_bytes(b"")
    assert mail.is_mail_folder(tmp_path) and not mail.is_maildir(tmp_path)


# ---- progress, streaming and invariants ---------------------------------------------------


def test_progress_is_told_bytes_of_an_mbox_up_to_its_size(tmp_path, monkeypatch):
    monkeypatch.setattr(mail, "PROGRESS_BYTES", 1)
    path = mbox(tmp_path, simple(1), simple(2), simple(3))
    told: list[tuple[int, int]] = []
    read(path, progress=lambda done, total: told.append((done, total)))
    size = path.stat().st_size
    assert told[-1] == (size, size)
    assert [d for d, _ in told] == sorted(d for d, _ in told) and len(told) >= 3


def test_progress_is_told_files_of_a_maildir(tmp_path):
    for sub in ("cur", "new"):
        (tmp_path / sub).mkdir()
    for n in range(3):
        (tmp_path / "new" / f"{n}.host").write_text(simple(n))
    told: list[tuple[int, int]] = []
    read(tmp_path, progress=lambda done, total: told.append((done, total)))
    assert told == [(3, 3)]


MAILBOX = [
    simple(1, "ana@example.com", "me@example.com", "12 Mar 2025 09:00 +0000"),
    simple(2, "me@example.com", "ana@example.com", "13 Mar 2025 09:00 +0000",
           "In-Reply-To: <1@example.com>"),
    simple(3, "bo@example.com", "me@example.com", "13 Mar 2025 09:00 +0000",
           "List-Id: <x.example.org>"),
    message("From: cy@example.com", "To: me@example.com", "Date: 13 Mar 2025 09:00 +0000",
            body="From the top\n>From quoted\n" + "x" * 300),
]


@settings(max_examples=25)
@given(st.integers(min_value=1, max_value=64), st.sampled_from(["\n", "\r\n"]))
def test_the_chunk_size_never_changes_what_is_read(tmp_path_factory, chunk, eol):
    path = mbox(tmp_path_factory.mktemp("m"),
                *[m.replace("\n", eol) for m in MAILBOX], eol=eol)
    expected = read(path)
    original = mail.CHUNK
    mail.CHUNK = chunk
    try:
        assert read(path) == expected
    finally:
        mail.CHUNK = original
    assert len(expected.found) == 3


_header_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
_odd = st.one_of(
    _header_text,
    st.builds(lambda cs, enc, text: f"=?{cs}?{enc}?{text}?=",
              st.sampled_from(["utf-8", "iso-8859-1", "x-nonsense", "", "utf-16", "rot13",
                               "base64", "shift_jis", "utf-8*en"]),
              st.sampled_from(["q", "b", "Q", "B"]),
              st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=20)),
    st.binary(max_size=30).map(lambda b: b.decode("ascii", "surrogateescape")),
)


@settings(max_examples=40)
@given(subject=st.lists(_odd, max_size=4).map(" ".join),
       name=st.lists(_odd, max_size=3).map(" ".join),
       date_=st.one_of(_odd, st.just("Thu, 13 Mar 2025 10:00:00 +0000")))
def test_odd_headers_never_crash_and_keys_are_stable(tmp_path_factory, subject, name,
                                                     date_):
    subject = subject.replace("\n", " ").replace("\r", " ")
    name = name.replace("\n", " ").replace("\r", " ").replace('"', "")
    date_ = date_.replace("\n", " ").replace("\r", " ")
    folder = tmp_path_factory.mktemp("m")
    headers = (f'From: "{name}" <ana@example.com>', "To: me@example.com",
               f"Subject: {subject}", f"Date: {date_}")
    first = read(mbox(folder, message(*headers), simple(9)))
    again = read(mbox(folder, simple(9), message(*headers)))
    assert sorted(s.key for s in first.found) == sorted(s.key for s in again.found)
    for found in first.found:
        assert found.key.startswith("mail:") and found.channel == "email"
        assert found.note is None or (found.note == found.note.strip()
                                      and len(found.note) <= 1000)


# ---- what Python's own mailbox writes, the reader reads back ------------------------------

_SUBJECT = st.text(st.characters(exclude_categories=["Cc", "Cs", "Zl", "Zp", "Co", "Cn"]),
                   max_size=60)
_BODY = st.lists(st.sampled_from(["From here on", "From - Thu Mar 13 10:00:00 2025",
                                  ">From quoted", "", "text", "From: x@y"]), max_size=6)


def _written_by_mailbox(path: Path, subjects: list[str], bodies: list[list[str]]) -> None:
    import mailbox
    from email.message import EmailMessage

    box = mailbox.mbox(path)
    try:
        for n, (subject, body) in enumerate(zip(subjects, bodies, strict=True)):
            message = EmailMessage()
            message["From"] = f"Person {n} <p{n}@example.com>"
            message["To"] = "me@example.com"
            message["Subject"] = subject
            message["Date"] = "Thu, 13 Mar 2025 10:00:00 +0000"
            message["Message-ID"] = f"<{n}@example.com>"
            message.set_content("\n".join(body) + "\n")
            box.add(message)
    finally:
        box.close()


def _round_trip(tmp_path: Path, subjects: list[str], bodies: list[list[str]]) -> None:
    path = tmp_path / "python.mbox"
    path.unlink(missing_ok=True)
    _written_by_mailbox(path, subjects, bodies)
    found = read(path).found
    assert [s.key for s in found] == [f"mail:{n}@example.com" for n in range(len(subjects))]
    assert [s.note for s in found] == [" ".join(mail._CONTROL.sub("", t).split()) or None
                                       for t in subjects]


@settings(max_examples=8)
@given(st.lists(st.tuples(_SUBJECT, _BODY), min_size=1, max_size=5))
def test_what_pythons_mailbox_writes_is_read_back_message_for_message(tmp_path_factory,
                                                                      messages):
    _round_trip(tmp_path_factory.mktemp("m"), [s for s, _ in messages],
                [b for _, b in messages])


@pytest.mark.slow
@settings(max_examples=400)
@given(st.lists(st.tuples(_SUBJECT, _BODY), min_size=1, max_size=8))
def test_what_pythons_mailbox_writes_is_read_back_deep(tmp_path_factory, messages):
    _round_trip(tmp_path_factory.mktemp("m"), [s for s, _ in messages],
                [b for _, b in messages])


def test_regression_an_mbox_starting_with_a_utf8_bom_was_refused_as_not_an_mbox(tmp_path):
    plain = mbox(tmp_path, simple(1), name="plain.mbox")
    bom = tmp_path / "bom.mbox"
    bom.write_bytes(b"\xef\xbb\xbf" + plain.read_bytes())
    assert read(bom).found == read(plain).found != []
    # a BOM before anything but a From_ line is still no mbox
    other = tmp_path / "other.mbox"
    other.write_bytes(b"\xef\xbb\xbfSubject: hi\n\nbody\n")
    with pytest.raises(BadFile, match="not an mbox"):
        read(other)
