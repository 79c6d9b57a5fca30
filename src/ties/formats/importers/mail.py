"""Mailboxes as sightings: an mbox file (Thunderbird, Gmail Takeout, Apple Mail, mutt) or a
Maildir folder, one `Sighting` per message that involves someone other than you.

Only headers are read, never a body. Python's email package parses each message's header
block (`BytesHeaderParser`, compat32: the fastest of its policies, and the raw values it
keeps are decoded here, below); the mbox is split by this module, which scans the file in
1 MiB chunks for From_ lines instead of reading it line by line as `mailbox.mbox` does, so a
mailbox of any size is read in constant memory and in time linear in its size.

The rules (docs/import.md, "From your mailbox", says them for users):

- **Who.** The others are the addresses of From, To, Cc and Bcc (a Sender header stands
  in for a missing From) (Bcc survives only in
  your own sent copies, and you did write to them), lower-cased, your own (`me`) left out,
  each once. Reply-To is not read: it names where replies go (a list, a help desk, the
  same person again), not who took part. Display names, decoded, go to `names`.
- **Skipped, with the reason counted:** mailing lists (a List-Id, List-Post, Mailing-List
  or X-Mailing-List header),
  bulk mail (Precedence: bulk, list or junk; a List-Unsubscribe header, which newsletters
  carry without a List-Id), mail sent automatically (Auto-Submitted other than "no": out of
  office replies, notifications), drafts (a Maildir D flag, Thunderbird's
  X-Mozilla-Draft-Info, Apple Mail's draft type, mutt's X-Status T, Gmail's Drafts label),
  Gmail's spam, trash and chats (a Google Takeout mbox's Spam, Trash and Chat labels),
  messages Thunderbird deleted but has not compacted away (X-Mozilla-Status 0x0008) and
  Maildir messages marked deleted (the T flag: a move leaves one behind),
  more than `max_others` other people, no one but you, no sender, a date after `today`,
  no readable date, headers over 16 MiB, and a second copy of a message already read
  (the same key).
- **When.** The Date header in your local time zone (one without a zone, or -0000, is
  UTC); when it is missing or unreadable, the mbox From_ line's date; else the message is
  skipped.
- **What.** The note is the Subject: RFC 2047 encoded words decoded in any charset
  (adjacent words of one charset joined before decoding, so a character split across two
  survives; an unknown or broken charset is read as UTF-8, else Windows-1252, never
  refused), raw 8-bit headers read as UTF-8, else Windows-1252, folding unfolded, runs of
  white space made one space, control characters dropped, at most 1,000 characters.
  "Re:", "Fwd:", "AW:", "SV:" and the like are kept: they say the message was a reply.
- **Key.** `mail:{Message-ID}` (the part inside the angle brackets, case kept; one over
  200 characters is replaced by its SHA-256); a message without one is keyed by its Date,
  sender and Subject: `mail:no-id:{SHA-256 of them}`.
- **Threads.** Messages are joined into threads by Message-ID, In-Reply-To and References
  (and Gmail's X-GM-THRID, when present, joins every message of a Gmail conversation).
  A thread's first message is its earliest by date (ties broken by order in the
  mailbox): when the thread's root is in the mailbox that is the root, and when it is not,
  the thread starts at the earliest one present. A message skipped for having too many
  people still counts as its thread's first (a reply in private to a broadcast answers
  whoever sent it); one skipped for any other reason does not. Each message's `thread` is that first
  message's key and `reached_out` its sender (None when that is you). Each message's
  `root` is the key of the first id of its References, else of its In-Reply-To, else its
  own: every message of a thread names it alike, whichever folder it is read from; and
  `starts` says whether the thread's first message here names no earlier one.
- **Which messages.** An mbox is split at From_ lines: a line starting "From " that also
  carries a time and a year ("From ana@example.com Thu Mar 14 10:00:00 2025"), so a body
  line a writer forgot to quote ("From what I hear...") does not split a message, and a
  quoted ">From " never does. An Apple Mail export (a folder "Inbox.mbox" holding a file
  named "mbox") is read as that file. A Maildir is its cur/ and new/ (tmp/ holds mail
  still being delivered) and those of its Maildir++ subfolders (".Sent", ".Archive"),
  but not trash, junk, spam, drafts or templates folders (named in a note), each file's
  header block only, in file-name order. A saved message (a `.eml` file, as Outlook,
  Apple Mail and Thunderbird save one) is read as a mailbox of one, and a folder of them
  (and its subfolders) as every `.eml` file in it, in path order.
- **You** are every address of `me`, case ignored, and its +tag variants
  (me+lists@example.com is me@example.com's).
"""

from __future__ import annotations

import binascii
import codecs
import hashlib
import os
import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from email import utils as email_utils
from email.parser import BytesHeaderParser
from email.policy import compat32
from pathlib import Path

from ties.core import fields
from ties.core.errors import TiesError
from ties.core.identity import is_mine
from ties.core.records import Sighting, Sightings
from ties.formats.importers import BadFile, refuse_archive

Progress = Callable[[int, int], None]

CHUNK = 1 << 20
MAX_HEADER = 16 << 20  # a header block beyond this is skipped, not parsed
MAX_NOTE = fields.MAX_FIELD
MAX_ID = 200  # a longer Message-ID is keyed by its hash
# A message whose address headers hold more '@' than this (or 4 times max_others, if
# more) is skipped as having too many others without parsing its addresses, which takes
# about 70 µs each: 7 s for a message to 100,000 people.
MANY = 1000
# Of a subject, only this much is decoded: a note is at most MAX_NOTE characters, and an
# encoded word spends at most 12 characters on one (=?utf-8?q?=E2=82=AC?= and the like).
MAX_SUBJECT = 64 * 1024
# How often progress is told, in bytes of an mbox or files of a Maildir.
PROGRESS_BYTES = 1 << 20
PROGRESS_FILES = 200

# A From_ line: "From " and the envelope sender (Thunderbird writes "-"), then a date with
# a time and a year. Checked on the line's first 1,000 bytes.
_FROM_LINE = re.compile(rb"From \S*[ \t][^\r\n]*?\d{1,2}:\d\d[^\r\n]*?\d{4}")
_FROM_LINE_MAX = 1000
_ASCTIME = re.compile(
    rb"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+"
    rb"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\s+(\d{1,2})\s+"
    rb"(\d{1,2}):(\d\d)(?::(\d\d))?(?:\s+([+-]\d{4}))?\s+(\d{4})", re.I)
_MONTHS = {m: i for i, m in enumerate(
    [b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov",
     b"dec"], 1)}
_BLANK = re.compile(rb"\n\r?\n")
# An RFC 2047 encoded word, as loosely as Python's own email.header reads them.
_WORD = re.compile(r"=\?([^?]*?)\?([qQbB])\?(.*?)\?=", re.S)
_BETWEEN_WORDS = re.compile(r"[ \t\r\n]*")
_NOT_BASE64 = re.compile(rb"[^A-Za-z0-9+/]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_ID = re.compile(r"<([^<>\s]+)>")
_WANTED = {"from", "to", "cc", "bcc", "sender", "subject", "date", "message-id",
           "in-reply-to", "references", "x-gm-thrid", "x-gmail-thrid", "list-id", "list-post",
           "mailing-list", "x-mailing-list",
           "list-unsubscribe", "precedence", "auto-submitted", "x-mozilla-draft-info",
           "x-mozilla-status", "x-status", "x-gmail-labels", "x-uniform-type-identifier"}
_ADDRESS_FIELDS = ("from", "to", "cc", "bcc")
_MAILDIR_FLAGS = re.compile(r"[:;!]2,([A-Za-z]*)$")
# Gmail's labels (Takeout's X-Gmail-Labels: "Spam, Inbox"; getmail's "\\Draft"; an IMAP
# client's "IMAP_$Junk"), compared without quotes, backslashes, "imap_" or "$".
_DRAFT_LABELS = {"draft", "drafts"}
_SPAM_LABELS = {"spam", "junk"}
# Takeout's Trash holds what you deleted, and its Chat label Hangouts and Chat messages
# (kept in the mbox as mail, but a chat is not a letter: ties logs it when you do).
_TRASH_LABELS = {"trash", "bin", "deleted", "deleted items", "deleted messages"}
_CHAT_LABELS = {"chat", "chats"}
# Maildir++ subfolders (".Sent", ".Archive.2024") that are read with the folder given,
# but not these (compared by the last part of the name, case ignored).
_LEFT_OUT_FOLDERS = {"trash", "junk", "spam", "drafts", "draft", "deleted messages",
                     "deleted items", "templates", "junk e-mail", "junk email", "junk mail",
                     "bin", "deleted", "bulk mail", "outbox"}

LIST = "a mailing list"
BULK = "bulk mail"
AUTOMATIC = "sent automatically"
DRAFT = "a draft"
SPAM = "spam"
TRASH = "in the trash"
CHAT = "a chat, not mail"
DELETED = "deleted in Thunderbird, not yet compacted"
TRASHED = "marked deleted (Maildir T flag), not yet expunged"
ONLY_YOU = "no one but you"
NO_SENDER = "no sender"
FUTURE = "dated after today"
NO_DATE = "no readable date"
HUGE = "headers over 16 MiB"
COPY = "a copy of a message already read"


def too_many(max_others: int) -> str:
    return f"more than {max_others} other people"


def looks_like_mbox(head: bytes) -> bool:
    """Whether a file starting with `head` is an mbox: its first line (after any blank
    lines) is a From_ line, and the next, when `head` reaches it, a header."""
    head = head.lstrip(b"\r\n")
    first, _, rest = head.partition(b"\n")
    if not _FROM_LINE.match(first[:_FROM_LINE_MAX]):
        return False
    second = rest.split(b"\n", 1)[0].rstrip(b"\r")
    return not second or re.match(rb"[!-9;-~]+:", second) is not None


def is_maildir(path: Path) -> bool:
    """Whether `path` is a Maildir folder: one holding the folders cur/ and new/."""
    try:
        return (path / "cur").is_dir() and (path / "new").is_dir()
    except OSError:
        return False


def is_mail_folder(path: Path) -> bool:
    """Whether `read` takes the folder `path`: a Maildir, an Apple Mail export (a
    folder such as "Inbox.mbox" holding a file named "mbox"), or a folder of saved
    messages (.eml files)."""
    try:
        return is_maildir(path) or (path / "mbox").is_file() or bool(_eml_files(path))
    except OSError:
        return False


_HEADER_LINE = re.compile(rb"([!-9;-~]+)[ \t]*:")


def looks_like_message(head: bytes) -> bool:
    """Whether a file starting with `head` is one saved message (.eml): it starts with
    a header block (each line a header or a folded continuation, up to a blank line or
    the end of `head`) that has a From and a Date or Message-ID, and no vCard or
    calendar's BEGIN."""
    names = set()
    for line in head.lstrip(b"\r\n").split(b"\n"):
        line = line.rstrip(b"\r")
        if not line:
            break
        if line[:1] in (b" ", b"\t"):
            continue
        found = _HEADER_LINE.match(line)
        if found is None:
            return False
        names.add(found.group(1).lower())
    return (b"from" in names and bool(names & {b"date", b"message-id"})
            and b"begin" not in names)


def _eml_files(path: Path) -> list[Path]:
    """The saved messages (.eml, any case) in the folder `path` and its subfolders, by
    path; hidden files and folders left out."""
    found = []
    for folder, subs, files in os.walk(path):
        subs[:] = sorted(d for d in subs if not d.startswith("."))
        found += [Path(folder) / f for f in files
                  if f.lower().endswith(".eml") and not f.startswith(".")]
    return sorted(found)


def read(path: Path, me: frozenset[str], today: date, max_others: int = 8,
         progress: Progress | None = None, *, tz: tzinfo | None = None) -> Sightings:
    """The sightings of an mbox file or Maildir folder at `path` (module docstring).
    `me` holds your addresses; `tz` is the time zone days are counted in (None: this
    machine's own); `progress(done, total)` is told bytes read of an mbox, files of a
    Maildir."""
    me = frozenset(address.strip().lower() for address in me)
    reader = _Reader(me, today, max_others, tz)
    path = Path(path)
    try:
        if path.is_dir():
            apple = path / "mbox"
            if is_maildir(path):
                reader.read_maildir(path, progress)
            elif apple.is_file():
                reader.read_mbox(apple, progress)
            elif _eml_files(path):
                reader.read_files(_eml_files(path), progress)
            else:
                raise BadFile(f"{path} is a folder but not a Maildir (no cur/ and new/ "
                              "inside) and holds no .eml files; name the mbox file or the "
                              "mail folder.")
        else:
            with open(path, "rb") as stream:
                head = stream.read(65536)
            refuse_archive(head, str(path))
            if not looks_like_mbox(head) and looks_like_message(head):
                reader.read_files([path], progress)
            else:
                reader.read_mbox(path, progress)
    except FileNotFoundError:
        raise BadFile(f"There is no file or folder {path}. Check the path.") from None
    except PermissionError as exc:
        raise BadFile(f"ties may not read {exc.filename or path}; check its "
                      "permissions.") from None
    except TiesError:
        raise
    except OSError as exc:
        raise BadFile(f"ties can't read {path} ({exc.strerror or type(exc).__name__}). "
                      "Nothing was imported.") from None
    return reader.finish()


# ---- splitting an mbox -------------------------------------------------------------------


def _mbox_messages(stream, size: int, progress: Progress | None
                   ) -> Iterator[tuple[bytes, bytes | None]]:
    """(From_ line, header block or None when it is over MAX_HEADER) for each message of
    the mbox `stream`, read in CHUNK-sized pieces: the bodies are only searched for the
    next From_ line, never kept."""
    buf = bytearray()
    done = 0  # bytes of the file before buf[0]
    told = 0

    def fill() -> bool:
        data = stream.read(CHUNK)
        buf.extend(data)
        return bool(data)

    def search(rx: re.Pattern, start: int, limit: int | None = None) -> int:
        """Where `rx` (at most 3 bytes long) first matches from `start`, reading on as
        needed; -1 at the end of the file, -2 when nothing matched within `limit`."""
        at = start
        while True:
            found = rx.search(buf, at)
            if found:
                return found.start()
            at = max(start, len(buf) - 2)
            if limit is not None and len(buf) - start > limit:
                return -2
            if not fill():
                return -1

    def from_line_at(i: int) -> bool:
        """Whether the line starting at buf[i] is a From_ line (reads on to see it)."""
        while len(buf) < i + _FROM_LINE_MAX and buf.find(b"\n", i) < 0:
            if not fill():
                break
        return _FROM_LINE.match(buf, i, min(len(buf), i + _FROM_LINE_MAX)) is not None

    fill()
    start = len(codecs.BOM_UTF8) if buf.startswith(codecs.BOM_UTF8) else 0  # a BOM: saved
    # by an editor or a Windows tool, and no part of the first From_ line
    while start < len(buf) and buf[start] in b"\r\n":
        start += 1
    if start == len(buf):  # an empty folder: Thunderbird keeps an empty file for it
        if progress is not None:
            progress(size, size)
        return
    if not from_line_at(start):
        raise BadFile("not an mbox (it does not start with a 'From ' line)")
    del buf[:start]
    done += start
    newline = re.compile(rb"\n")
    while True:
        # buf starts with a From_ line
        end_of_line = search(newline, 0, _FROM_LINE_MAX)
        if end_of_line == -1:  # a From_ line and nothing else, at the end of the file
            yield bytes(buf), b""
            done += len(buf)
            break
        if end_of_line == -2:  # a From_ line over 1,000 bytes: hostile, not parsed
            from_line = b""
            blank = -2
            end_of_line = 0
        else:
            from_line = bytes(buf[:end_of_line]).rstrip(b"\r")
            blank = search(_BLANK, end_of_line, MAX_HEADER)
        if blank == -2 or blank - end_of_line > MAX_HEADER:
            headers: bytes | None = None
            body = end_of_line
        else:
            stop = len(buf) if blank == -1 else blank + 1
            body = stop
            # a message with no blank line ends its headers at the next From_ line
            at = end_of_line
            while (at := buf.find(b"\nFrom ", at, stop)) >= 0:
                if from_line_at(at + 1):
                    stop = body = at
                    break
                at += 1
            headers = bytes(buf[end_of_line + 1:stop])
        yield from_line, headers
        # the body: find the next From_ line, keeping only the last few bytes read
        at = max(end_of_line, body - 1)
        while True:
            found = buf.find(b"\nFrom ", at)
            if found < 0:
                keep = max(0, len(buf) - 5)  # "\nFrom" may have begun in the last 5
                del buf[:keep]
                done += keep
                at = 0
                if not fill():
                    done += len(buf)
                    if progress is not None:
                        progress(done, max(size, done))
                    return
                continue
            if from_line_at(found + 1):
                del buf[:found + 1]
                done += found + 1
                break
            at = found + 1
        if progress is not None and done - told >= PROGRESS_BYTES:
            told = done
            progress(done, max(size, done))
    if progress is not None:
        progress(done, max(size, done))


def _label(label: str) -> str:
    label = label.strip().strip('"').lstrip("\\").lower()
    label = label.removeprefix("imap_")
    return label.lstrip("$")


def _maildirs(path: Path) -> tuple[list[Path], list[str]]:
    """The Maildir at `path` and its Maildir++ subfolders to read (by name), and the names
    of those left out (trash, junk, drafts)."""
    folders, left_out = [path], []
    with os.scandir(path) as entries:
        subs = sorted(e.name for e in entries if e.name.startswith(".") and e.is_dir()
                      and e.name not in (".", ".."))
    for name in subs:
        if not is_maildir(path / name):
            continue
        if name.rsplit(".", 1)[-1].strip().lower() in _LEFT_OUT_FOLDERS:
            left_out.append(name)
        else:
            folders.append(path / name)
    return folders, left_out


def _maildir_files(path: Path) -> list[tuple[Path, str]]:
    """(file, flags) of every message in the Maildir at `path`, cur/ and new/, by name."""
    out = []
    for sub in ("cur", "new"):
        with os.scandir(path / sub) as entries:
            names = sorted(e.name for e in entries if not e.name.startswith(".")
                           and e.is_file())
        for name in names:
            flags = _MAILDIR_FLAGS.search(name)
            out.append((path / sub / name, flags.group(1) if flags else ""))
    return out


def _header_block(path: Path) -> bytes | None:
    """The header block of the message file at `path` (None when over MAX_HEADER)."""
    with open(path, "rb") as stream:
        buf = bytearray()
        at = 0
        size = 16384  # most header blocks fit; a message's body is never read whole
        while True:
            data = stream.read(size)
            size = min(size * 2, CHUNK)
            buf.extend(data)
            found = _BLANK.search(buf, at)
            end = found.start() + 1 if found else len(buf)
            if end > MAX_HEADER:
                return None
            if found or not data:
                return bytes(buf[:end])
            at = max(0, len(buf) - 2)


# ---- reading headers ---------------------------------------------------------------------


def _eight_bit(raw: str) -> str:
    """A raw header value (ASCII, with any 8-bit bytes kept as surrogates, as the parser
    gives it) with those bytes read as UTF-8, else Windows-1252."""
    if raw.isascii():
        return raw
    try:
        data = raw.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:  # text already
        return raw
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("windows-1252", "replace")


def _text(raw: str) -> str:
    """A raw header value as text: 8-bit bytes read (`_eight_bit`), encoded words decoded,
    folding undone, white space runs made one space, control characters dropped."""
    raw = _eight_bit(raw)
    if "=?" in raw:
        raw = _decode_words(raw)
    return " ".join(_CONTROL.sub("", raw).split())


def _decode_words(value: str) -> str:
    """RFC 2047: each encoded word decoded; white space between two words dropped; adjacent
    words in one charset joined as bytes first (a character split across two survives)."""
    out: list[str] = []
    pending: list[bytes] = []
    pending_charset = ""
    at = 0

    def flush() -> None:
        if pending:
            out.append(_decode_bytes(b"".join(pending), pending_charset))
            pending.clear()

    for word in _WORD.finditer(value):
        between = value[at:word.start()]
        if between and not (pending and _BETWEEN_WORDS.fullmatch(between)):
            flush()
            out.append(between)
        charset = word.group(1).split("*", 1)[0].strip().lower()
        data = _word_bytes(word.group(2).lower(), word.group(3))
        if data is None:  # not decodable: kept as written
            flush()
            out.append(word.group(0))
        else:
            if pending and charset != pending_charset:
                flush()
            pending_charset = charset
            pending.append(data)
        at = word.end()
    flush()
    out.append(value[at:])
    return "".join(out)


def _word_bytes(encoding: str, encoded: str) -> bytes | None:
    if encoding == "q":
        data = encoded.replace("_", " ").encode("ascii", "surrogateescape")
        try:
            return binascii.a2b_qp(data)
        except (binascii.Error, ValueError):
            return None
    data = encoded.encode("ascii", "surrogateescape").rstrip(b"=")
    if _NOT_BASE64.search(data):  # a space, a dot: no base64 any program wrote; kept as
        return None  # written rather than read as the bytes its letters would make
    if not data and encoded:
        return None
    data = data[:len(data) - len(data) % 4] if len(data) % 4 == 1 else \
        data + b"=" * (-len(data) % 4)
    try:
        return binascii.a2b_base64(data)
    except (binascii.Error, ValueError):
        return None


def _decode_bytes(data: bytes, charset: str) -> str:
    try:
        codec = codecs.lookup(charset or "us-ascii").name
    except LookupError:
        codec = "utf-8"
    if codec == "ascii":  # many write us-ascii and mean UTF-8
        codec = "utf-8"
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError, ValueError):
        pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("windows-1252", "replace")


def _message_id(raw: str | None) -> str | None:
    if raw is None:
        return None
    found = _ID.search(raw)
    value = found.group(1) if found else (raw.split() or [""])[0].strip("<>")
    if not value or not value.isascii():
        return None
    return value


def _key(message_id: str) -> str:
    if len(message_id) > MAX_ID:
        return "mail:" + hashlib.sha256(message_id.encode("utf-8", "surrogateescape")
                                        ).hexdigest()
    return "mail:" + message_id


def _ids(raw: str | None) -> list[str]:
    if not raw:
        return []
    return _ID.findall(raw) or [token.strip("<>") for token in raw.split()
                                if "@" in token]


def _from_line_date(line: bytes) -> datetime | None:
    """The date of a From_ line: asctime as mail programs write it, or (as a few export
    scripts write it) an RFC 5322 date after the sender."""
    found = _ASCTIME.search(line)
    if not found:
        rest = line.split(None, 2)[2:]
        return _header_date(rest[0].decode("ascii", "replace")) if rest else None
    month, day, hour, minute, second, zone, year = found.groups()
    try:
        when = datetime(int(year), _MONTHS[month[:3].lower()], int(day), int(hour),
                        int(minute), int(second or 0))
    except ValueError:
        return None
    if zone:
        minutes = int(zone[1:3]) * 60 + int(zone[3:5])
        sign = -1 if zone[:1] == b"-" else 1
        when = when.replace(tzinfo=timezone(timedelta(minutes=sign * minutes)))
    return when


def _header_date(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        when = email_utils.parsedate_to_datetime(raw.strip())
    except (TypeError, ValueError, IndexError, OverflowError, AttributeError):
        try:  # a few programs write ISO 8601 (2025-03-13T10:00:00Z)
            when = datetime.fromisoformat(raw.strip())
        except ValueError:
            return None
    if when is None:
        return None
    if when.tzinfo is None:  # -0000 or no zone: UTC (RFC 5322 3.3)
        when = when.replace(tzinfo=UTC)
    return when


class _Message:
    __slots__ = ("key", "when", "sender", "others", "names", "note", "order", "day", "seen",
                 "top")

    def __init__(self, key, when, day, sender, others, names, note, order, seen, top):
        self.top = top  # the key of its thread's root, as the message names it
        self.seen = seen  # a sighting; a broadcast only takes part in its thread
        self.key = key  # also its node in the threads
        self.when = when
        self.day = day
        self.sender = sender
        self.others = others
        self.names = names
        self.note = note
        self.order = order


class _Reader:
    def __init__(self, me: frozenset[str], today: date, max_others: int,
                 tz: tzinfo | None):
        self.me = me
        # your addresses, and the +tag variants of them met so far (me+lists@example.com)
        self.yours = set(me)
        self.today = today
        self.max_others = max_others
        self.many = max(MANY, 4 * max_others)
        self.tz = tz
        self.result = Sightings()
        self.messages: list[_Message | None] = []
        self.keys: set[str] = set()
        self.parser = BytesHeaderParser(policy=compat32)
        self.addresses: dict[str, str | None] = {}  # as written -> checked, lower case
        self.parsed: dict[str, list[tuple[str, str]]] = {}  # a header -> its addresses
        # the threads, as a union-find forest over Message-IDs and Gmail thread ids
        self.parent: dict[str, str] = {}
        # one copy of each tuple of others and (address, name) pair: they repeat
        self.shared: dict = {}
        self.not_yours = 0

    # -- sources

    def read_mbox(self, path: Path, progress: Progress | None) -> None:
        with open(path, "rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            for from_line, headers in _mbox_messages(stream, size, progress):
                self.message(headers, from_line=from_line)

    def read_maildir(self, path: Path, progress: Progress | None) -> None:
        folders, left_out = _maildirs(path)
        if left_out:
            self.result.notes.append(
                "left out the folders " + ", ".join(left_out) + " (trash, junk, drafts)")
        files = [file for folder in folders for file in _maildir_files(folder)]
        total = len(files)
        for n, (file, flags) in enumerate(files, 1):
            if "D" in flags:
                self.result.skip(DRAFT)
            elif "T" in flags:  # a move to another folder leaves this until expunged
                self.result.skip(TRASHED)
            else:
                try:
                    headers = _header_block(file)
                except FileNotFoundError:  # moved or deleted by a mail program meanwhile
                    continue
                self.message(headers)
            if progress is not None and (n % PROGRESS_FILES == 0 or n == total):
                progress(n, total)

    def read_files(self, files: list[Path], progress: Progress | None) -> None:
        """Saved messages, one per file (.eml)."""
        total = len(files)
        for n, file in enumerate(files, 1):
            try:
                headers = _header_block(file)
            except FileNotFoundError:  # moved or deleted meanwhile
                continue
            self.message(headers)
            if progress is not None and (n % PROGRESS_FILES == 0 or n == total):
                progress(n, total)

    # -- one message

    def message(self, headers: bytes | None, from_line: bytes = b"") -> None:
        skip = self.result.skip
        if headers is None:
            skip(HUGE)
            return
        parsed = self.parser.parsebytes(headers)
        h: dict[str, str] = {}
        for name, value in parsed.raw_items():
            name = name.lower()
            if name in _WANTED:
                if name in _ADDRESS_FIELDS or name == "sender":
                    value = _eight_bit(value)  # an address in UTF-8 (RFC 6532)
                if name in _ADDRESS_FIELDS and name in h:  # a second To: line adds
                    h[name] += ", " + value
                else:
                    h.setdefault(name, value)
        if "list-id" in h or "list-post" in h or "mailing-list" in h or "x-mailing-list" in h:
            skip(LIST)
            return
        if "list-unsubscribe" in h or h.get("precedence", "").strip().lower() in (
                "bulk", "list", "junk"):
            skip(BULK)
            return
        auto = h.get("auto-submitted")
        if auto is not None and auto.strip().lower() not in ("", "no"):
            skip(AUTOMATIC)
            return
        labels = {_label(label) for label in _text(h.get("x-gmail-labels", "")).split(",")}
        if ("x-mozilla-draft-info" in h or "T" in h.get("x-status", "")
                or "mail-draft" in h.get("x-uniform-type-identifier", "")
                or labels & _DRAFT_LABELS):
            skip(DRAFT)
            return
        if labels & _SPAM_LABELS:
            skip(SPAM)
            return
        if labels & _TRASH_LABELS:
            skip(TRASH)
            return
        if labels & _CHAT_LABELS:
            skip(CHAT)
            return
        try:
            status = int(h.get("x-mozilla-status", "0").strip() or "0", 16)
        except ValueError:
            status = 0
        if status & 0x0008:
            skip(DELETED)
            return

        if sum(h[f].count("@") for f in _ADDRESS_FIELDS if f in h) > self.many:
            skip(too_many(self.max_others))  # never parsed: thousands of addresses
            return
        sender = None
        everyone: dict[str, None] = {}
        names: dict[str, str] = {}
        for field in ("from", "to", "cc", "bcc"):
            if field not in h:
                continue
            for name, address in self.pairs(h[field]):
                checked = self.address(address)
                if checked is None:
                    continue
                if field == "from" and sender is None:
                    sender = checked
                everyone[checked] = None
                if name and checked not in names and checked not in self.yours:
                    name = _text(name).strip(" '\"")
                    if name and name.lower() != checked and len(name) <= fields.MAX_NAME:
                        names[checked] = name
        if sender is None and "sender" in h:
            pairs = email_utils.getaddresses([h["sender"]])
            sender = self.address(pairs[0][1]) if pairs else None
            if sender is not None:
                everyone[sender] = None
        if sender is None:
            skip(NO_SENDER)
            return
        others = tuple(a for a in everyone if a not in self.yours)
        if not others:
            skip(ONLY_YOU)
            return
        when = _header_date(h.get("date"))
        if when is None:
            when = _from_line_date(from_line)
        if when is None:
            skip(NO_DATE)
            return
        try:
            if when.tzinfo is None:  # a From_ line's date without a zone: as written
                day, order = when.date(), when
            else:
                day = when.astimezone(self.tz).date()
                order = when.astimezone(UTC).replace(tzinfo=None)
        except (OverflowError, ValueError, OSError):
            skip(NO_DATE)
            return
        if day > self.today:
            skip(FUTURE)
            return
        note = _text(h["subject"][:MAX_SUBJECT]) if "subject" in h else ""
        if len(note) > MAX_NOTE:
            note = note[:MAX_NOTE - 1] + "…"
        message_id = _message_id(h.get("message-id"))
        if message_id is None:
            digest = hashlib.sha256("\n".join(
                [" ".join(h.get("date", "").split()), sender,
                 " ".join(h.get("subject", "").split())]).encode("utf-8", "surrogateescape"))
            key = "mail:no-id:" + digest.hexdigest()
        else:
            key = _key(message_id)
        if key in self.keys:
            skip(COPY)
            return
        self.keys.add(key)
        if not any(a in self.yours for a in everyone):
            self.not_yours += 1
        thread_id = (h.get("x-gm-thrid") or h.get("x-gmail-thrid") or "").strip()
        if thread_id:
            self.join(key, "gm:" + thread_id)
        replied = _ids(h.get("in-reply-to"))
        referred = _ids(h.get("references"))
        for linked in replied + referred:
            self.join(key, _key(linked))
        # the thread's root, as every message of it names it alike (whichever folder
        # it was read from): the first References id, else In-Reply-To, else its own
        top = _key(referred[0]) if referred else _key(replied[0]) if replied else key
        broadcast = len(others) > self.max_others
        if broadcast:  # no sighting, but it may be the first message of its thread
            skip(too_many(self.max_others))
        if len(self.shared) >= 50_000:
            self.shared.clear()
        share = self.shared.setdefault
        named = tuple(share((a, names[a]), (a, names[a])) for a in others if a in names)
        self.messages.append(_Message(
            key, order, day, sender, share(others, others), share(named, named),
            note or None,
            len(self.messages), not broadcast, top))

    def pairs(self, value: str) -> list[tuple[str, str]]:
        """email.utils.getaddresses of one header's value, remembered: the same To and
        Cc come back message after message, and parsing them is most of the reading."""
        known = self.parsed.get(value)
        if known is None:
            known = email_utils.getaddresses([value])
            if len(value) < 1000:
                if len(self.parsed) >= 10_000:  # memory stays bounded: start again
                    self.parsed.clear()
                self.parsed[value] = known
        return known

    def address(self, written: str) -> str | None:
        """`written` as a checked, lower-case address; None when it is none."""
        known = self.addresses.get(written, "")
        if known != "":
            return known
        candidate = written.strip().lower()
        try:
            checked = fields.email(candidate) if candidate else None
        except TiesError:
            checked = None
        if checked is not None and "+" in checked and is_mine(checked, self.me):
            self.yours.add(checked)
        if len(self.addresses) < 1_000_000 and len(written) < 300:
            self.addresses[written] = checked
        return checked

    # -- threads

    def root(self, node: str) -> str:
        """The thread `node` (a message's key, a "gm:" thread id) belongs to."""
        parent = self.parent
        top = node
        while (up := parent.get(top, top)) != top:
            top = up
        while node != top:  # path compression
            parent[node], node = top, parent[node]
        return top

    def join(self, a: str, b: str) -> None:
        ra, rb = self.root(a), self.root(b)
        if ra != rb:
            self.parent[rb] = ra

    def finish(self) -> Sightings:
        root = self.root
        earliest: dict[str, _Message] = {}
        for message in self.messages:
            top = root(message.key)
            best = earliest.get(top)
            if best is None or (message.when, message.order) < (best.when, best.order):
                earliest[top] = message
        found = self.result.found
        messages = self.messages
        nodes: dict[str, set[str]] = {}  # each thread's message keys, named or present
        for node in list(self.parent):
            top = root(node)
            nodes.setdefault(top, set()).update(
                n for n in (node, top) if n.startswith("mail:"))
        linked = {top: tuple(sorted(keys)) for top, keys in nodes.items() if len(keys) > 1}
        for n, message in enumerate(messages):
            messages[n] = None  # each is let go as its sighting is made
            if not message.seen:
                continue
            first = earliest[root(message.key)]
            found.append(Sighting(
                key=message.key, when=message.day, others=message.others,
                reached_out=None if first.sender in self.yours else first.sender,
                channel="email", note=message.note, thread=first.key,
                names=message.names, linked=linked.get(root(message.key), ()),
                root=message.top, starts=first.key == first.top))
        if self.not_yours:
            self.result.notes.append(
                f"{self.not_yours} of the messages name none of your addresses as sender "
                "or recipient: if you wrote from another one, add it to me.email.")
        return self.result
