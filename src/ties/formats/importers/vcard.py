"""vCard 2.1, 3.0 and 4.0 as phones, Outlook, Gmail, iCloud and Android write them.

Hand-written because vobject 0.9.9 refused 4 of 7 real vendor files (Android, both
Outlook files, iPhone). This reader is tolerant by design: it unfolds lines (RFC folding
and quoted-printable soft breaks), decodes quoted-printable with the property's charset,
accepts bare 2.1 parameters (EMAIL;PREF;INTERNET), `itemN.` groups and quoted parameter
values, skips binary blobs (PHOTO, KEY, LOGO, SOUND) without decoding them, and reads each
card on its own: a card it cannot use is reported with its number and the rest import.
"""

from __future__ import annotations

import io
import quopri
import re

from ties.core import dates
from ties.formats.importers import Parsed, build

BINARY = {"PHOTO", "LOGO", "SOUND", "KEY"}
SYSTEM_CATEGORIES = {"my contacts", "mycontacts", "starred in android", "starred"}


class _Joined:
    """One logical line joined from its physical lines in time linear in its length (a
    string grown by `+=` in a list is copied on every fold). It appends, drops its last
    character (the '=' of a quoted-printable soft break) and answers what
    `_logical_lines` asks after each line: whether the part before the first ':' names
    QUOTED-PRINTABLE, and whether the line ends with '='."""

    __slots__ = ("text", "buffer", "has_colon", "qp_head")

    def __init__(self, line: str):
        self.text: str | None = line
        self.buffer: io.StringIO | None = None  # only once a second line joins
        colon = line.find(":")
        self.has_colon = colon >= 0
        self.qp_head = "QUOTED-PRINTABLE" in (line if colon < 0 else line[:colon]).upper()

    def _writable(self) -> io.StringIO:
        if self.buffer is None:
            self.buffer = io.StringIO()
            self.buffer.write(self.text or "")
            self.text = None
        return self.buffer

    def tail(self, n: int) -> str:
        """The last `n` characters."""
        if self.buffer is None:
            return (self.text or "")[-n:]
        end = self.buffer.tell()
        self.buffer.seek(max(0, end - n))
        return self.buffer.read(n)

    def add(self, piece: str) -> None:
        if not piece:
            return
        if not self.has_colon:  # the head grows: look for QUOTED-PRINTABLE across the seam
            colon = piece.find(":")
            if not self.qp_head:  # 15 characters before the seam can hold all but one of it
                seam = self.tail(15) + (piece if colon < 0 else piece[:colon])
                self.qp_head = "QUOTED-PRINTABLE" in seam.upper()
            self.has_colon = colon >= 0
        self._writable().write(piece)

    def drop_last(self) -> None:
        buffer = self._writable()
        end = buffer.tell()
        if end:
            buffer.seek(end - 1)
            buffer.truncate()

    def continues_as_quoted_printable(self) -> bool:
        return self.qp_head and self.tail(1) == "="

    def value(self) -> str:
        return self.text if self.buffer is None else self.buffer.getvalue()


def _logical_lines(lines: list[str]) -> list[str]:
    """Join folded lines: a line starting with a space or tab continues the previous one
    (RFC 2425/6350); a quoted-printable value ending in '=' continues on the next line.
    Linear in the size of the card however many lines are folded."""
    out: list[str] = []
    current: _Joined | None = None
    qp_open = False
    for line in lines:
        if qp_open and current is not None:
            current.drop_last()
            current.add(line)
        elif line[:1] in (" ", "\t") and current is not None:
            current.add(line[1:])
        elif line.strip() == "":
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
    """'item1.EMAIL;TYPE=a,b;PREF:value' -> ('EMAIL', {'TYPE': ['a','b'], 'PREF': []}, value)."""
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
        else:  # vCard 2.1 bare parameter: TYPE value or PREF
            params.setdefault("TYPE", []).append(p.strip())
    return name, params, value


def _decode(value: str, params: dict[str, list[str]]) -> str:
    encoding = [e.upper() for e in params.get("ENCODING", [])]
    if "QUOTED-PRINTABLE" in encoding:
        charset = (params.get("CHARSET") or ["utf-8"])[0]
        raw = quopri.decodestring(value.encode("latin-1", errors="replace"))
        for cs in (charset, "utf-8", "cp1252"):
            try:
                return raw.decode(cs)
            except (LookupError, UnicodeDecodeError):
                continue
        return raw.decode("latin-1")
    return value


def _unescape(value: str) -> str:
    return re.sub(r"\\([\\,;nN:])", lambda m: "\n" if m[1] in "nN" else m[1], value)


def _components(value: str) -> list[str]:
    """Split a structured value on unescaped ';' and unescape each part."""
    return [_unescape(p) for p in re.split(r"(?<!\\);", value)]


def _types(params: dict[str, list[str]]) -> set[str]:
    return {t.lower() for t in params.get("TYPE", [])}


def _preferred(items: list[tuple[dict, str]]) -> list[str]:
    """Every value, the preferred first: TYPE=pref (vCard 2.1/3.0) or the lowest PREF=n
    (vCard 4.0, 1 the most preferred) before the rest, otherwise in the card's order."""
    def rank(item: tuple[dict, str]) -> int:
        params = item[0]
        pref = params.get("PREF") or ""
        pref = str(pref[0] if isinstance(pref, list) and pref else pref or "")
        if pref.isdigit():
            return int(pref)
        return 100 if ("pref" in _types(params) or params.get("PREF")) else 101

    return [value for _, value in sorted(items, key=rank)]


def parse(text: str) -> Parsed:
    parsed = Parsed(format="vcard")
    lines = re.split(r"\r\n|\n|\r", text)
    card: list[str] | None = None
    number = 0
    for line in lines:
        upper = line.strip().upper()
        if upper == "BEGIN:VCARD":
            if card is not None:  # an unterminated card before this one
                parsed.skipped.append((f"card {number}", "no END:VCARD"))
            number += 1
            card = []
        elif upper == "END:VCARD" and card is not None:
            _card(parsed, card, number)
            card = None
        elif card is not None:
            card.append(line)
    if card is not None:
        parsed.skipped.append((f"card {number}", "the file ends inside this card (no "
                                                 "END:VCARD)"))
    return parsed


def _card(parsed: Parsed, lines: list[str], number: int) -> None:
    position = f"card {number}"
    props: dict[str, list[tuple[dict, str]]] = {}
    try:
        for line in _logical_lines(lines):
            split = _split(line)
            if split is None:
                continue
            name, params, value = split
            if name in BINARY:
                continue
            props.setdefault(name, []).append((params, _decode(value, params)))
    except Exception as exc:  # noqa: BLE001  (one unreadable card must not stop the rest)
        parsed.skipped.append((position, f"unreadable ({type(exc).__name__})"))
        return

    def first(name: str) -> str | None:
        items = props.get(name)
        return items[0][1] if items else None

    name = _unescape(first("FN") or "").strip()
    if not name and first("N"):
        n = _components(first("N") or "")
        name = " ".join(p.strip() for p in (n[3:4] + n[1:3] + n[0:1]) if p.strip())
    org = _components(first("ORG") or "")[0].strip() if first("ORG") else None
    if not name and org:
        name = org
    raw = {
        "email": _preferred(props.get("EMAIL", [])),
        "phone": _preferred(props.get("TEL", [])),
        "company": org,
        "role": _unescape(first("TITLE") or first("ROLE") or ""),
        "notes": "\n\n".join(_unescape(v).strip() for _, v in props.get("NOTE", [])) or None,
        "birthday": dates.vcard_date(first("BDAY")),
        "location": _location(props.get("ADR", [])),
        "linkedin": _linkedin(props),
    }
    raw["phone"] = [v[4:].split(";")[0] if v.lower().startswith("tel:") else v
                    for v in raw["phone"]]
    tags = []
    for _, value in props.get("CATEGORIES", []):
        tags += [t.strip() for t in re.split(r"(?<!\\),", value)
                 if t.strip() and t.strip().lower() not in SYSTEM_CATEGORIES]
    build(parsed, name, position, raw, [_unescape(t) for t in tags])


def _location(items: list[tuple[dict, str]]) -> str | None:
    values = _preferred(items)
    if not values:
        return None
    parts = _components(values[0]) + [""] * 7
    city, region, country = parts[3].strip(), parts[4].strip(), parts[6].strip()
    return ", ".join(p for p in (city or region, country) if p) or None


def _linkedin(props: dict) -> str | None:
    for key in ("URL", "X-SOCIALPROFILE"):
        for _, value in props.get(key, []):
            if "linkedin.com" in value.lower():
                return _unescape(value)
    return None
