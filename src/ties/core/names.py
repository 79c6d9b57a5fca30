"""Matching the names people type against the names in the store. Pure functions."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# A typed name matches with or without the joiners inside it ('AliReza' finds 'Ali\u200cReza').
_JOINERS = {0x200C: None, 0x200D: None}
# The bidirectional marks, embeddings, overrides and isolates: real contact files carry
# them around right-to-left names, so a name keeps them as given (every place that shows
# it makes them visible: ties.core.text.safe), but its search key leaves them out.
BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_NOT_IN_KEY = {**_JOINERS, **dict.fromkeys(map(ord, BIDI))}
# The control characters no name or tag holds: C0 controls other than the whitespace ones
# (tab, line feed, vertical tab, form feed, carriage return: those become spaces), NUL,
# DEL, and the C1 controls other than NEL (a line break). A name holding one is refused.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")


# Letters that are not a base letter plus accents, so Unicode's decomposition (NFKD) keeps
# them, but that people type as plain letters: 'soren' for Søren, 'lukasz' for Łukasz,
# 'aero' for Ærø. After case folding, so only small letters are needed (ß and ẞ already
# fold to 'ss'). Hyphens fold to the one on every keyboard; apostrophes, of every kind,
# are left out, as people type O'Brien: 'obrien' and "o'brien" both find O’Brien. A change
# here changes every stored `person.name_key`: it needs a migration step that recomputes
# them (as `m004_fold_letters_in_name_keys` and `m012_apostrophes_left_out_of_name_keys`
# did).
_LETTERS = str.maketrans({
    "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i",
    "ħ": "h", "ŧ": "t", "ƀ": "b", "ɨ": "i", "ʉ": "u", "ƶ": "z", "ǥ": "g", "ĸ": "k",
    "\u2019": None, "\u2018": None, "\u02bc": None, "\u02bb": None, "`": None, "'": None,
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",
})


def plain_spelling(name: str) -> str:
    """`name` in the letters `fold` turns its own into, case kept, without what the key
    leaves out: 'Søren Ærø' -> 'Soren Aero', "Seán O'Brien" -> 'Sean OBrien'. What fish,
    which matches only the letters as spelled, may insert for a name typed without its
    accents or apostrophes: it folds to the same key, so it finds the same person."""
    out = []
    for char in name:
        folded = fold(char)
        if not folded:  # a space stays; an apostrophe or a mark the key leaves out goes
            out.append(char if char.isspace() else "")
        elif folded == char.lower():
            out.append(char)
        else:
            out.append(folded.capitalize() if char.isupper() else folded)
    return "".join(out)


def fold(text: str) -> str:
    """Case- and accent-insensitive key, folded the way people type names: 'Beyoncé
    Knowles' -> 'beyonce knowles', 'Søren' -> 'soren', 'Łukasz' -> 'lukasz', 'Ærø' ->
    'aero', 'Straße' -> 'strasse'. The one definition of how names compare: matching,
    search, duplicates, completion and the stored `person.name_key` all use it.

    Letters of scripts without case or accents (王伟) are kept as they are.
    """
    if text.isascii():  # most names: no accent, mark or joiner, and casefold is lower
        return " ".join(text.lower().translate(_LETTERS).split())
    return _fold_any(text)


def _fold_any(text: str) -> str:
    """`fold` for any text (the ASCII shortcut gives the same: tests/test_names.py)."""
    # Twice: case folding can make accents (İ -> i̇) and NFKD capitals (𝐀 -> A).
    folded = _bare(_bare(text.translate(_NOT_IN_KEY)).casefold())
    return " ".join(unicodedata.normalize("NFC", folded).translate(_LETTERS).split())


def _bare(text: str) -> str:
    """`text` decomposed (NFKD) without its accents (combining marks)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))


def _kept(c: str) -> bool:
    """Whether a character may stay in a name: not a control or other invisible format
    character, except the joiners that spell names (ZWNJ in Persian, ZWJ and the tag
    characters of emoji sequences) and the bidi marks around right-to-left names."""
    return not unicodedata.category(c).startswith("C") or c in "\u200c\u200d" or \
        "\U000e0020" <= c <= "\U000e007f" or c in BIDI


def control(text: str) -> str | None:
    """The first control character in `text` that no name or tag may hold, or None."""
    m = _CONTROL.search(text)
    return m.group() if m else None


def clean_name(text: str) -> str:
    """A name as it is stored: NFC, single spaces, no BOM or other invisible format
    characters; the joiners and bidi marks inside names are kept as given. (A control
    character is refused before: `control`.)"""
    if text.isascii() and text.isprintable():  # nothing to normalize or leave out
        return " ".join(text.split())
    return _clean_any(text)


def _clean_any(text: str) -> str:
    """`clean_name` for any text (the shortcut gives the same: tests/test_names.py)."""
    text = unicodedata.normalize("NFC", text.replace("\ufeff", ""))
    text = "".join(c if _kept(c) else " " for c in text)
    return " ".join(text.split())


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str
    key: str
    company: str | None = None


@dataclass(frozen=True)
class Match:
    """The outcome of matching one typed name."""

    found: Candidate | None
    ambiguous: tuple[Candidate, ...] = ()
    suggestions: tuple[str, ...] = ()


def match(typed: str, candidates: Iterable[Candidate]) -> Match:
    """Exact (folded) name, then a unique prefix of the name or of one of its words,
    then a unique close spelling. Several fits are ambiguous; none gives suggestions."""
    key = fold(typed)
    people = list(candidates)
    if not key:
        return Match(None, suggestions=())
    for rule in (_exact, _prefix, _word_prefix, _close):
        fits = [c for c in people if rule(key, c.key)]
        if len(fits) == 1:
            return Match(fits[0])
        if len(fits) > 1:
            return Match(None, ambiguous=tuple(sorted(fits, key=lambda c: (c.key, c.id))))
    return Match(None, suggestions=suggest(key, people))


def _exact(key: str, name: str) -> bool:
    return key == name


def _prefix(key: str, name: str) -> bool:
    return name.startswith(key)


# The dashes that part a name's words as a space does (`fold` makes the other hyphens -).
DASHES = ("-", "\u2014", "\u2212")
_DASHES = str.maketrans(dict.fromkeys(DASHES, " "))


def spaced(key: str) -> str:
    """A folded name with each dash a space: people type 'jean luc' or 'luc' for
    Jean-Luc, 'wong' for Li—Wong (naming someone: `_word_prefix`; `ties list --search`
    compares the same in SQL)."""
    return key.translate(_DASHES)


def _words(key: str) -> list[str]:
    """A folded name's words, a dash parting them as a space does (`spaced`)."""
    return spaced(key).split()


def _word_prefix(key: str, name: str) -> bool:
    words = _words(name)
    typed = _words(key)
    if not typed:  # only hyphens typed: no word to look for
        return False
    # "lima" fits "ana lima"; "a lim" fits "ana lima" (each typed word starts a name word, in
    # order); "jean luc" and "luc" fit "jean-luc picard"
    for start in range(len(words) - len(typed) + 1):
        if all(words[start + i].startswith(t) for i, t in enumerate(typed)):
            return True
    return False


def _close(key: str, name: str) -> bool:
    return len(key) >= 3 and difflib.SequenceMatcher(None, key, name).ratio() >= 0.85


def suggest(key: str, people: list[Candidate], limit: int = 3) -> tuple[str, ...]:
    """The closest names, for 'did you mean'."""
    scored = []
    for c in people:
        ratio = max(
            difflib.SequenceMatcher(None, key, c.key).ratio(),
            max((difflib.SequenceMatcher(None, key, w).ratio() for w in c.key.split()),
                default=0.0),
        )
        if ratio >= 0.6:
            scored.append((-ratio, c.key, c.name))
    scored.sort()
    seen: list[str] = []
    for _, _, name in scored:
        if name not in seen:
            seen.append(name)
    return tuple(seen[:limit])
