"""Matching the names people type against the names in the store. Pure functions."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# A typed name matches with or without the joiners inside it ('AliReza' finds 'Ali\u200cReza').
_JOINERS = {0x200C: None, 0x200D: None}


def fold(text: str) -> str:
    """Case- and accent-insensitive key: 'Beyoncé  Knowles' -> 'beyonce knowles'.

    Letters of scripts without case or accents (王伟) are kept as they are.
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_JOINERS))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(unicodedata.normalize("NFC", stripped).casefold().split())


def _kept(c: str) -> bool:
    """Whether a character may stay in a name: not a control or other invisible format
    character, except the joiners that spell names (ZWNJ in Persian, ZWJ and the tag
    characters of emoji sequences)."""
    return not unicodedata.category(c).startswith("C") or c in "\u200c\u200d" or \
        "\U000e0020" <= c <= "\U000e007f"


def clean_name(text: str) -> str:
    """A name as it is stored: NFC, single spaces, no BOM or control characters; the
    joiners inside names are kept as typed."""
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


def _word_prefix(key: str, name: str) -> bool:
    words = name.split()
    typed = key.split()
    # "lima" fits "ana lima"; "a lim" fits "ana lima" (each typed word starts a name word, in order)
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
