"""vCard 2.1, 3.0 and 4.0 as phones, Outlook, Gmail, iCloud and Android write them.

Hand-written because vobject 0.9.9 refused 4 of 7 real vendor files (Android, both
Outlook files, iPhone). The reader works on the file's bytes, as the specs do:

1. Lines are unfolded as bytes (RFC 6350 3.2, RFC 2425 5.8.1): a line starting with a space
   or tab continues the one before, so a UTF-8 sequence split across a fold is whole again
   before anything is decoded; a vCard 2.1 quoted-printable value ending in '=' (a soft
   line break) continues on the next line.
2. Each property's value is decoded on its own: quoted-printable (`ENCODING=QUOTED-PRINTABLE`
   or the bare 2.1 parameter `QUOTED-PRINTABLE`) or base64 first, then the bytes as text in
   the property's own `CHARSET=` (vCard 2.1), else a charset another property of the same
   card declares (phones and Outlook name it once), else UTF-8. What is none of these is
   guessed, and `Parsed.notes` says so, per file, naming the cards: UTF-8 with a stray
   byte keeps its letters (the byte shown as U+FFFD), anything else is read as
   Windows-1252.
3. Escapes are read after decoding (a Shift_JIS character may end in the byte of '\\'):
   RFC 6350's `\\,` `\\;` `\\\\` `\\n`, and in 3.0 and 4.0 any other needless escape (`\\"`)
   stands for its character. Lists (CATEGORIES) split on commas that are not escaped, and
   on an escaped one followed by a space (`a\\, b`: two categories, as the programs that
   write it mean).

It accepts bare 2.1 parameters (EMAIL;PREF;INTERNET), `itemN.` groups and quoted parameter
values, skips binary blobs (PHOTO, KEY, LOGO, SOUND) without decoding them, keeps every
EMAIL and TEL in order of preference (PREF=1 or TYPE=pref first), skips group and list
cards and places with a reason, reads a card nested in another (an AGENT) as part of the
outer one, and reads each card on its own: a card it cannot use is reported with its
number and the rest import.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import io
import quopri
import re

from ties.core import dates
from ties.formats.importers import Parsed, build

BINARY = {"PHOTO", "LOGO", "SOUND", "KEY"}
# An escaped comma with a space after it, the backslash not itself escaped.
_ESCAPED_SEPARATOR = re.compile(r"(?<!\\)((?:\\\\)*)\\,(?=[ \t])")
SYSTEM_CATEGORIES = {"my contacts", "mycontacts", "starred in android", "starred"}
# Encodings vCard 2.1 writes as a bare parameter (`NOTE;QUOTED-PRINTABLE:...`).
_TRANSFER = {"QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"}
# Charset names phones write that Python spells otherwise; Shift_JIS is read as Windows'
# superset of it (cp932), which phones and Outlook actually write (①, ㈱, NEC symbols).
_CHARSETS = {"shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932",
             "ms_kanji": "cp932", "windows-31j": "cp932", "x-ms-cp932": "cp932"}
GUESS = "windows-1252"
DAMAGED = "utf-8, damaged"
# What a card that is not one person says it is (RFC 6350 6.1.4 KIND, Apple's and
# others' older spellings of it): left out, with the reason.
_NOT_A_PERSON = {"group": "a contact group", "list": "a contact list",
                 "location": "a place"}
_KIND_PROPERTIES = ("KIND", "X-KIND", "X-ADDRESSBOOKSERVER-KIND")
# Years that stand for "no year": Apple writes 1604 (and says so in X-APPLE-OMIT-YEAR),
# others 0000, which is no year at all.
_NO_YEAR = {"1604", "0000"}


class _Joined:
    """One logical line joined from its physical lines (bytes) in time linear in its
    length (a string grown by `+=` in a list is copied on every fold). It appends, drops
    its last byte (the '=' of a quoted-printable soft break) and answers what
    `_logical_lines` asks after each line: whether the part before the first ':' names
    QUOTED-PRINTABLE, and whether the line ends with '='."""

    __slots__ = ("text", "buffer", "has_colon", "qp_head")

    def __init__(self, line: bytes):
        self.text: bytes | None = line
        self.buffer: io.BytesIO | None = None  # only once a second line joins
        colon = line.find(b":")
        self.has_colon = colon >= 0
        self.qp_head = b"QUOTED-PRINTABLE" in (line if colon < 0 else line[:colon]).upper()

    def _writable(self) -> io.BytesIO:
        if self.buffer is None:
            self.buffer = io.BytesIO()
            self.buffer.write(self.text or b"")
            self.text = None
        return self.buffer

    def tail(self, n: int) -> bytes:
        """The last `n` bytes."""
        if self.buffer is None:
            return (self.text or b"")[-n:]
        end = self.buffer.tell()
        self.buffer.seek(max(0, end - n))
        return self.buffer.read(n)

    def add(self, piece: bytes) -> None:
        if not piece:
            return
        if not self.has_colon:  # the head grows: look for QUOTED-PRINTABLE across the seam
            colon = piece.find(b":")
            if not self.qp_head:  # 15 bytes before the seam can hold all but one of it
                seam = self.tail(15) + (piece if colon < 0 else piece[:colon])
                self.qp_head = b"QUOTED-PRINTABLE" in seam.upper()
            self.has_colon = colon >= 0
        self._writable().write(piece)

    def drop_last(self) -> None:
        buffer = self._writable()
        end = buffer.tell()
        if end:
            buffer.seek(end - 1)
            buffer.truncate()

    def continues_as_quoted_printable(self) -> bool:
        return self.qp_head and self.tail(1) == b"="

    def value(self) -> bytes:
        return self.text if self.buffer is None else self.buffer.getvalue()


def _logical_lines(lines: list[bytes]) -> list[bytes]:
    """Join folded lines, as bytes: a line starting with a space or tab continues the
    previous one (RFC 2425/6350); a quoted-printable value ending in '=' continues on the
    next line. Linear in the size of the card however many lines are folded."""
    out: list[bytes] = []
    current: _Joined | None = None
    qp_open = False
    for line in lines:
        if qp_open and current is not None:
            current.drop_last()
            current.add(line)
        elif line[:1] in (b" ", b"\t") and current is not None:
            current.add(line[1:])
        elif line.strip() == b"":
            qp_open = False
            continue
        else:
            if current is not None:
                out.append(current.value())
            current = _Joined(line)
        qp_open = current.continues_as_quoted_printable()
    if current is not None:
        out.append(current.value())
    return out


def _split(line: str) -> tuple[str, dict[str, list[str]], str] | None:
    """'item1.EMAIL;TYPE=a,b;PREF:value' -> ('EMAIL', {'TYPE': ['a','b'], 'PREF': []}, value).
    `line` is a logical line's bytes read as Latin-1 (one character per byte), so the value
    part turns back into exactly its bytes."""
    colon, quote = line.find(":"), line.find('"')
    if colon < 0:
        return None
    if quote < 0 or colon < quote:  # no quoted parameter before the first ':'
        head, value = line[:colon], line[colon + 1:]
    else:
        in_quote = False
        for i, ch in enumerate(line):
            if ch == '"':
                in_quote = not in_quote
            elif ch == ":" and not in_quote:
                head, value = line[:i], line[i + 1:]
                break
        else:
            return None
    parts = re.findall(r'(?:[^;"]|"[^"]*")+', head)
    if not parts:
        return None
    name = parts[0].split(".")[-1].strip().upper()
    params: dict[str, list[str]] = {}
    for p in parts[1:]:
        if "=" in p:
            key, raw = p.split("=", 1)
            values = [v.strip().strip('"') for v in raw.strip('"').split(",")]
            params.setdefault(key.strip().upper(), []).extend(values)
        else:  # vCard 2.1 bare parameter: TYPE value, PREF or an encoding
            params.setdefault("TYPE", []).append(p.strip())
    return name, params, value


def _property(line: bytes) -> tuple[str, dict[str, list[str]], bytes] | None:
    """A logical line's name, parameters and value bytes; None for a binary blob (PHOTO,
    KEY, ...) or a line that is no property. Only the head is decoded (as Latin-1, one
    character per byte): a megabyte photo is never copied."""
    colon = line.find(b":")
    if colon < 0:
        return None
    if line.find(b'"', 0, colon) >= 0:  # a quoted parameter may hold the first ':'
        split = _split(line.decode("latin-1"))
        if split is None or split[0] in BINARY:
            return None
        return split[0], split[1], split[2].encode("latin-1")
    split = _split(line[:colon].decode("latin-1") + ":")
    if split is None or split[0] in BINARY:
        return None
    return split[0], split[1], line[colon + 1:]


def _transfer(params: dict[str, list[str]]) -> set[str]:
    """How the value is encoded: ENCODING=... or a bare 2.1 parameter naming one."""
    named = {e.strip().upper() for e in params.get("ENCODING", [])}
    return named | {t.strip().upper() for t in params.get("TYPE", [])
                    if t.strip().upper() in _TRANSFER}


def _charset(name: str | None) -> str | None:
    """A Python codec for a charset the file names, or None when Python knows no such
    charset, or it is UTF-16 or UTF-32, which a line of a text file can't be in (the value
    is then read as if none were named)."""
    if not name or not name.strip():
        return None
    name = name.strip().lower()
    name = _CHARSETS.get(name, name)
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    if codec.startswith(("utf-16", "utf-32")):  # a UTF-16 file's values reach here as UTF-8
        return None
    return name


def _bytes_of(raw: bytes, params: dict[str, list[str]]) -> bytes:
    """The value's bytes with its transfer encoding (quoted-printable, base64) undone."""
    transfer = _transfer(params)
    if "QUOTED-PRINTABLE" in transfer:
        return quopri.decodestring(raw)
    if transfer & {"BASE64", "B"}:
        try:
            return base64.b64decode(re.sub(rb"\s+", b"", raw), validate=True)
        except (binascii.Error, ValueError):
            return raw  # not base64 after all: read it as it stands
    return raw


def _text(raw: bytes, own: str | None, card: str | None) -> tuple[str, str | None]:
    """The value as text, and what ties had to guess (None when nothing): its own CHARSET,
    the card's, UTF-8; else UTF-8 with the bytes that are not shown as U+FFFD when the rest
    is UTF-8 with letters beyond ASCII (a stray byte in UTF-8 text), else Windows-1252
    (Latin-1 for the five bytes that has no letter for)."""
    for charset in (own, card, "utf-8"):
        if charset is None:
            continue
        try:
            return raw.decode(charset), None
        except UnicodeDecodeError:
            continue
    lenient = raw.decode("utf-8", "replace")
    if any(ord(c) > 127 and c != "\ufffd" for c in lenient):
        return lenient, DAMAGED
    try:
        return raw.decode("cp1252"), GUESS
    except UnicodeDecodeError:
        return raw.decode("latin-1"), GUESS


_ESCAPE_30 = re.compile(r"\\(.)", re.S)
_ESCAPE_21 = re.compile(r"\\([\\,;nN:])")


def _unescape(value: str, v21: bool = False) -> str:
    """RFC 6350 3.4: `\\n` is a line break and `\\,` `\\;` `\\\\` their characters; in 3.0 and
    4.0 any other escaped character stands for itself (`\\"` is `"`). vCard 2.1 has no
    escapes but those, so a backslash before anything else is kept (`C:\\Users`)."""
    pattern = _ESCAPE_21 if v21 else _ESCAPE_30
    return pattern.sub(lambda m: "\n" if m[1] in "nN" else m[1], value)


def _separated(value: str, sep: str) -> list[str]:
    """`value` split on each `sep` that is not escaped (`\\\\,` is an escaped backslash
    and then a separator), each part still escaped."""
    parts, start, i = [], 0, 0
    while True:
        j = value.find(sep, i)
        k = value.find("\\", i)
        if k >= 0 and (j < 0 or k < j):
            i = k + 2  # the escaped character, whatever it is
            continue
        if j < 0:
            parts.append(value[start:])
            return parts
        parts.append(value[start:j])
        start = i = j + 1


def _components(value: str, v21: bool = False) -> list[str]:
    """Split a structured value on unescaped ';' and unescape each part."""
    return [_unescape(p, v21) for p in _separated(value, ";")]


def _types(params: dict[str, list[str]]) -> set[str]:
    return {t.lower() for t in params.get("TYPE", [])}


def _rank(params: dict[str, list[str]]) -> int:
    """How preferred a value is, lowest first: PREF=1..100 (vCard 4), TYPE=pref or a bare
    PREF (3.0, 2.1) as 1, nothing said as 101."""
    for pref in params.get("PREF", []):
        if pref.strip().isdigit():
            return max(1, min(int(pref), 100))
        return 1  # PREF without a number: the preferred one
    return 1 if "pref" in _types(params) else 101


def _in_preference(items: list[tuple[dict, str]]) -> list[str]:
    """The values, most preferred first, the file's order among equals."""
    ranked = sorted(enumerate(items), key=lambda it: (_rank(it[1][0]), it[0]))
    return [value for _, (_, value) in ranked]


def _preferred(items: list[tuple[dict, str]]) -> str | None:
    values = _in_preference(items)
    return values[0] if values else None


# A line that opens or closes a card, alone on its line (spaces around it allowed): also
# `AGENT:BEGIN:VCARD`, a card nested in the property that names it.
_MARKER = re.compile(rb"[ \t]*(?:(?:[\w-]+\.)?AGENT(?:;[^:]*)?:[ \t]*)?(BEGIN|END):VCARD[ \t]*",
                     re.I)
_LINE_END = re.compile(rb"\r\n|\n|\r")


def _marks(data: bytes) -> list[tuple[bool, int, int]]:
    """(opens, start, end) of each line that opens or closes a card, in order. Found from
    each ':VCARD' in the file (a fast search of an upper-case copy), so that the lines in
    between, a folded photo's thousands, are never looked at one by one. A marker line is
    short: only the 200 bytes either side of ':VCARD' are searched for its line's ends."""
    upper = data.upper()
    marks = []
    at = upper.find(b":VCARD")
    while at >= 0:
        low, high = max(0, at - 200), min(len(data), at + 200)
        start = max(data.rfind(b"\n", low, at), data.rfind(b"\r", low, at)) + 1
        ends = [e for e in (data.find(b"\r", at, high), data.find(b"\n", at, high)) if e >= 0]
        end = min(ends) if ends else high
        whole = (start > 0 or low == 0) and (ends or high == len(data))
        found = _MARKER.fullmatch(data, start, end) if whole else None
        if found:
            marks.append((found[1].upper() == b"BEGIN", start, end))
        at = upper.find(b":VCARD", end)
    return marks


def parse(data: bytes | str) -> Parsed:
    """The cards of a vCard file, from its bytes (UTF-16 already made UTF-8 by
    `importers.read`); text is taken as its UTF-8 bytes."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    parsed = Parsed(format="vcard")
    # Only the BEGIN and END lines are looked at one by one: (opens, start, end) of each.
    marks = _marks(data)
    # Each END with the BEGIN it closes: a BEGIN inside a card opens a nested card when
    # both it and the card around it are closed (Android writes an AGENT, or a contact's
    # own cards, this way); otherwise the card before it was never closed.
    match: dict[int, int] = {}
    opened: list[int] = []
    for k, (opens, _, _) in enumerate(marks):
        if opens:
            opened.append(k)
        elif opened:
            begin = opened.pop()
            match[begin], match[k] = k, begin
    pieces: list[bytes] | None = None  # the open card's own bytes, nested cards left out
    guessed: dict[str, list[str]] = {}  # GUESS or DAMAGED -> the cards read so
    enclosing: list[int] = []  # the BEGIN marks of the open cards, the outermost first
    nested = number = since = 0  # since: where the open card's current piece starts
    for k, (opens, start, end) in enumerate(marks):
        if opens:
            if pieces is not None:
                if k in match and enclosing[-1] in match:
                    if len(enclosing) == 1:
                        pieces.append(data[since:start])
                    enclosing.append(k)
                    nested += 1
                    continue
                parsed.skipped.append((f"card {number}", "no END:VCARD"))
            number += 1
            pieces, enclosing, nested, since = [], [k], 0, end
        elif pieces is not None:
            enclosing.pop()
            if enclosing:
                if len(enclosing) == 1:
                    since = end
                continue
            pieces.append(data[since:start])
            _card(parsed, _LINE_END.split(b"".join(pieces)), number, nested, guessed)
            pieces = None
    if pieces is not None:
        parsed.skipped.append((f"card {number}", "the file ends inside this card (no "
                                                 "END:VCARD)"))
    for guess, where in guessed.items():
        parsed.notes.append(_guessed(guess, where))
    return parsed


def _guessed(guess: str, cards: list[str]) -> str:
    """The note that says what ties guessed about some cards' text, naming them."""
    where = ", ".join(cards[:5]) + (f" and {len(cards) - 5} more" if len(cards) > 5 else "")
    if guess == DAMAGED:
        return (f"{where}: UTF-8 text with bytes that are not UTF-8, each shown as \ufffd. "
                "Check those values after the import.")
    return (f"{where}: text that is not UTF-8 and names no charset, read as {GUESS} (a "
            "guess). If letters look wrong, save the file as UTF-8 and import it again.")


def _card(parsed: Parsed, lines: list[bytes], number: int, nested: int = 0,
          guessed: dict[str, list[str]] | None = None) -> None:
    position = f"card {number}"
    props: dict[str, list[tuple[dict, str]]] = {}
    guesses: set[str] = set()
    try:
        split = [one for line in _logical_lines(lines) if (one := _property(line)) is not None]
        declared = [c for _, params, _ in split
                    if (c := _charset((params.get("CHARSET") or [None])[0])) is not None]
        card_charset = declared[0] if declared else None
        version = next((v.strip() for n, _, v in split if n == "VERSION"), b"")
        v21 = version == b"2.1"
        for name, params, value in split:
            raw = _bytes_of(value, params)
            own = _charset((params.get("CHARSET") or [None])[0])
            text, guess = _text(raw, own, card_charset)
            if guess is not None:
                guesses.add(guess)
            props.setdefault(name, []).append((params, text))
    except Exception as exc:  # noqa: BLE001  (one unreadable card must not stop the rest)
        parsed.skipped.append((position, f"unreadable ({type(exc).__name__})"))
        return

    def first(name: str) -> str | None:
        items = props.get(name)
        return items[0][1] if items else None

    def unescape(value: str) -> str:
        return _unescape(value, v21)

    name = unescape(first("FN") or "").strip()
    if not name and first("N"):
        n = _components(first("N") or "", v21)
        name = " ".join(p.strip() for p in (n[3:4] + n[1:3] + n[0:1]) if p.strip())
    org = _components(first("ORG") or "", v21)[0].strip() if first("ORG") else None
    if not name and org:
        name = org
    what = _not_a_person(props)
    if what is not None:
        parsed.skipped.append((position, what))
        return
    who = " ".join(name.split())[:40]
    where = f"{position} ({who})" if who else position
    for guess in sorted(guesses) if guessed is not None else ():
        guessed.setdefault(guess, []).append(where)
    if nested:
        parsed.notes.append(f"{where} holds {'a card' if nested == 1 else f'{nested} cards'} "
                            "inside it (vCard 2.1's AGENT, such as an assistant), left out; "
                            "the card itself was read.")
    raw = {
        "email": [e for e in (_email(unescape(v)) for v in
                              _in_preference(props.get("EMAIL", []))) if e],
        "phone": [t for t in (_phone(unescape(v)) for v in
                              _in_preference(props.get("TEL", []))) if t],
        "company": org,
        "role": unescape(first("TITLE") or first("ROLE") or ""),
        **_labelled(props, unescape),
        "birthday": _birthday(props.get("BDAY", [])),
        "location": _location(props.get("ADR", []), v21),
        "linkedin": _linkedin(props, v21),
    }
    tags = []
    for _, value in props.get("CATEGORIES", []):
        # "a\, b": programs that escape the comma between two categories (Thunderbird's
        # MoreFunctionsForAddressBook, the files of issue 14) put a space after it; ties'
        # own export escapes a comma inside a tag, which never has a space after it.
        value = _ESCAPED_SEPARATOR.sub(r"\1,", value)
        for t in _separated(value, ","):
            tag = unescape(t).strip()
            if tag and tag.lower() not in SYSTEM_CATEGORIES:
                tags.append(tag)
    build(parsed, name, position, raw, tags)


def _labelled(props: dict, unescape) -> dict[str, str | None]:
    """The notes, and the fields vCard has no property for, from ties' own extension
    properties (`X-TIES-WORKING-ON`). A card ties exported also repeats those fields as
    "Label: value" lines at the end of its NOTE, for people reading it elsewhere; when the
    NOTE ends with exactly the lines the fields make, they are taken off the notes again,
    so a round trip gives the notes back as they were (an edited block stays in them)."""
    from ties.core import personfields

    values = {f.name: unescape(props[f.vcard_extension][0][1])
              for f in personfields.vcard_labelled() if props.get(f.vcard_extension)}
    notes = "\n\n".join(unescape(v).strip() for _, v in props.get("NOTE", []))
    block = personfields.vcard_note_lines(values).strip()
    if block and notes.endswith(block):
        notes = notes[: -len(block)].rstrip()
    return {**values, "notes": notes or None}


def _not_a_person(props: dict) -> str | None:
    """Why a card is left out when it is a group, a list or a place, not a person: its
    KIND (RFC 6350 6.1.4; `org` cards are kept, named by their organisation), Apple's
    X-ADDRESSBOOKSERVER-KIND, X-KIND, or Evolution's X-EVOLUTION-LIST."""
    for key in _KIND_PROPERTIES:
        for _, value in props.get(key, []):
            kind = value.strip().lower()
            if kind in _NOT_A_PERSON:
                return f"{_NOT_A_PERSON[kind]} ({key}:{kind}), not a person"
    for _, value in props.get("X-EVOLUTION-LIST", []):
        if value.strip().lower() == "true":
            return "a contact list (X-EVOLUTION-LIST), not a person"
    return None


_ANGLED = re.compile(r"[^<>]*<\s*([^<>\s]+)\s*>\s*")


def _email(value: str) -> str | None:
    """The address of `"Omega" <omega@example.com>`, `mailto:a@b` or a bare address."""
    value = value.strip()
    angled = _ANGLED.fullmatch(value)
    if angled:
        value = angled[1]
    if value[:7].lower() == "mailto:":
        value = value[7:]
    return value or None


def _phone(value: str) -> str | None:
    """A number as written, or from a vCard 4 `tel:` URI (`tel:+1-555-0100;ext=7` ->
    '+1-555-0100 ext. 7')."""
    value = value.strip()
    if value[:4].lower() == "tel:":
        number, *params = value[4:].split(";")
        extension = next((p.split("=", 1)[1] for p in params
                          if p.lower().startswith("ext=") and p[4:].strip()), None)
        value = f"{number} ext. {extension}" if extension else number
    return value or None


def _birthday(items: list[tuple[dict, str]]) -> str | None:
    """The first BDAY as `parse_birthday` reads it; a year that stands for "no year"
    (Apple's X-APPLE-OMIT-YEAR, 1604, 0000) gives a month and day only."""
    if not items:
        return None
    params, value = items[0]
    found = dates.vcard_date(value)
    if found is None or found.startswith("--"):
        return found
    year = found[:4]
    omitted = {y.strip() for y in params.get("X-APPLE-OMIT-YEAR", [])}
    if year in omitted or year in _NO_YEAR:
        return "--" + found[5:]
    return found


def _location(items: list[tuple[dict, str]], v21: bool = False) -> str | None:
    value = _preferred(items)
    if not value:
        return None
    parts = _components(value, v21) + [""] * 7
    city, region, country = parts[3].strip(), parts[4].strip(), parts[6].strip()
    return ", ".join(p for p in (city or region, country) if p) or None


def _linkedin(props: dict, v21: bool = False) -> str | None:
    for key in ("URL", "X-SOCIALPROFILE"):
        for _, value in props.get(key, []):
            if "linkedin.com" in value.lower():
                return _unescape(value, v21)
    return None
