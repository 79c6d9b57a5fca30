"""Making user text safe to print. Pure and light: the CLI's error path imports it, so it
must not pull in Rich.

Free text is stored as it was given; it is made harmless only when it is shown or written
out as text. One rule, `UNSAFE`, says which characters a terminal (or a spreadsheet, an
editor, a reviewer's diff) could be fooled by: C0 controls other than tab and newline, DEL,
the C1 controls (0x9b is a one-byte CSI), the bidirectional marks, embeddings, overrides and
isolates (the "Trojan Source" characters), the line and paragraph separators, and lone
surrogates (which no encoding can write). Everything else is kept: letters of every script,
emoji, and the zero-width joiner and non-joiner that Persian names and emoji sequences need.
"""

from __future__ import annotations

import re
from typing import Any

# A spreadsheet runs a cell starting with one of these as a formula: CSV exports put an
# apostrophe before such a cell, and the CSV importer takes it off again.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff]"
)


def visible(char: str) -> str:
    """How one unsafe character is shown: \\x1b below 0x100, else \\u202e."""
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe(value: Any) -> str:
    """User text made harmless to print: control, escape and bidi-override characters
    become visible escapes such as \\x1b and \\u202e; tab and newline stay."""
    if value is None:
        return ""
    return UNSAFE.sub(lambda m: visible(m.group()), str(value))


def safe_json(document: str, encoding: str = "utf-8") -> str:
    """JSON text (from json.dumps) with every unsafe character, and every character
    `encoding` can't write, as a JSON \\u escape. The document means exactly the same
    data; only its spelling changes. (json.dumps already escapes C0 controls.)"""

    def escape(m: re.Match) -> str:
        char = m.group()
        code = ord(char)
        if code > 0xFFFF:  # a surrogate pair, as JSON spells characters outside the BMP
            code -= 0x10000
            return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
        return f"\\u{code:04x}"

    pattern = UNSAFE if _encodes_everything(encoding) else re.compile(
        f"{UNSAFE.pattern}|[^\x00-\x7f]")
    if pattern is UNSAFE:
        return UNSAFE.sub(escape, document)
    return pattern.sub(lambda m: escape(m) if UNSAFE.match(m.group()) or not _can_encode(
        m.group(), encoding) else m.group(), document)


def _encodes_everything(encoding: str) -> bool:
    return encoding.lower().replace("_", "-") in ("utf-8", "utf8", "utf-16", "utf-32")


def _can_encode(char: str, encoding: str) -> bool:
    try:
        char.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def plural(n: int, word: str, words: str | None = None) -> str:
    """'1 interaction', '2 interactions' (or the given plural)."""
    return f"{n} {word if n == 1 else (words or word + 's')}"
