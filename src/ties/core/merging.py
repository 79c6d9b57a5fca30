"""Finding likely duplicates and planning a merge. Pure functions."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field

from ties.core import contacts, identity, personfields
from ties.core.errors import BadValue
from ties.core.fields import MAX_TEXT
from ties.core.names import fold

BLOCK = 400  # past this many people at one company, compare only neighbours by name


def _plain(key: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", key).split())


@dataclass(frozen=True)
class Pair:
    a: int
    b: int
    reason: str


# A number this short is an extension or a typo, not someone's line.
MIN_PHONE_DIGITS = 7


def likely_duplicates(rows: list[tuple]) -> list[Pair]:
    """Pairs that are probably one person: the same LinkedIn profile, the same email, the
    same phone number, the same name, or very close names at the same company. rows: (id,
    name, name_key, company, email, linkedin[, phones]), where email may be a list of
    every address they have. A shared phone number is a suggestion here, never a match
    an import acts on: an office's switchboard or a family's line is many people's."""
    found: dict[tuple[int, int], str] = {}

    def add(a: int, b: int, reason: str) -> None:
        key = (min(a, b), max(a, b))
        found.setdefault(key, reason)

    column = {"linkedin": 5, "email": 4}
    for kind, reason in identity.STRONG:
        groups: dict[str, list[int]] = defaultdict(list)
        for r in rows:
            values = r[column[kind]]
            for value in values if isinstance(values, list | tuple) else [values]:
                if (key := identity.strong_key(kind, value)) is not None and \
                        r[0] not in groups[key]:
                    groups[key].append(r[0])
        for ids in groups.values():
            for other in ids[1:]:
                add(ids[0], other, reason)
    by_phone: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        for value in (r[6] if len(r) > 6 else None) or ():
            key = contacts.key("phone", value)
            if sum(c.isdigit() for c in key) >= MIN_PHONE_DIGITS and r[0] not in by_phone[key]:
                by_phone[key].append(r[0])
    for ids in by_phone.values():
        for other in ids[1:]:
            add(ids[0], other, "same phone number")
    by_name: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        by_name[_plain(r[2])].append(r[0])
    for ids in by_name.values():
        for other in ids[1:]:
            add(ids[0], other, "same name")
    by_company: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for r in rows:
        if r[3]:
            by_company[fold(r[3])].append((_plain(r[2]), r[0]))
    for people in by_company.values():
        people.sort()
        for i, (key, pid) in enumerate(people):
            others = people[i + 1:] if len(people) <= BLOCK else people[i + 1:i + 6]
            for other_key, other in others:
                if key != other_key and _close(key, other_key):
                    add(pid, other, "very close names at the same company")
    return [Pair(a, b, reason) for (a, b), reason in sorted(found.items())]


def _close(a: str, b: str) -> bool:
    if difflib.SequenceMatcher(None, a, b).ratio() >= 0.85:
        return True
    wa, wb = set(a.split()), set(b.split())
    return len(wa & wb) >= 2 and (wa <= wb or wb <= wa)


@dataclass
class MergePlan:
    take: dict = field(default_factory=dict)  # field -> value taken from the other
    keep: list[tuple[str, str, str]] = field(default_factory=list)  # field, kept, dropped
    # talking points where the other's value was learned later: field, theirs, yours (the
    # older, which goes into the notes)
    newer: list[tuple[str, str, str]] = field(default_factory=list)
    notes: str | None = None
    tags: list[str] = field(default_factory=list)
    # kind -> every email address or phone number of both, the kept one's first; only
    # where the other brings some the kept one lacks
    contacts: dict[str, list[str]] = field(default_factory=dict)


def plan(keep: dict, other: dict) -> MergePlan:
    """What merging `other` into `keep` does: empty fields of `keep` take the other's
    value; where both have different values `keep`'s stays and the other's is written into
    the notes, so nothing is lost; notes are joined; tags, email addresses and phone
    numbers are combined (the kept person's primary stays their primary). Which fields are
    taken, and which (settings of the relationship rather than facts about the person:
    type, cadence, birthday) the kept one keeps quietly, the field spec says
    (personfields: `merged`, `quiet`). A talking point (what they work on, struggle with,
    care about) is the one exception: where the other's was learned later (both dicts
    may carry `working_on_learned_at` and so on), theirs is taken and the kept one's older
    value goes into the notes, so the freshest thing you know stays in front."""
    result = MergePlan()
    lost, earlier = [], []
    for kind in contacts.KINDS:
        mine, theirs = (_listed(p, kind) for p in (keep, other))
        both = contacts.merged(kind, mine, theirs)
        if both != mine:
            result.contacts[kind] = both
    quiet = personfields.quiet_fields()
    for key in personfields.merged_fields():
        if key in contacts.KINDS:
            continue
        mine, theirs = keep.get(key), other.get(key)
        if theirs in (None, ""):
            continue
        if mine in (None, ""):
            result.take[key] = theirs
        elif (key in personfields.LEARNED_AT and str(mine) != str(theirs)
              and _later(other.get(personfields.LEARNED_AT[key]),
                         keep.get(personfields.LEARNED_AT[key]))):
            result.take[key] = theirs
            result.newer.append((key, str(theirs), str(mine)))
            earlier.append(f"{key.replace('_', ' ')}: {mine}")
        elif str(mine) != str(theirs) and key not in quiet:
            result.keep.append((key, str(mine), str(theirs)))
            lost.append(f"{key.replace('_', ' ')}: {theirs}")
    if keep.get("created") and other.get("created") and other["created"] < keep["created"]:
        result.take["created"] = other["created"]
    parts = [keep.get("notes"), other.get("notes")]
    if earlier:
        parts.append("Earlier (merged): " + "; ".join(earlier))
    if lost:
        parts.append(f"From {other['name']} (merged): " + "; ".join(lost))
    joined = "\n".join(p for p in parts if p)
    if len(joined) > MAX_TEXT:  # the limit every other write keeps, checked before asking
        raise BadValue(f"Merged, their notes would have {len(joined):,} characters; ties "
                       f"keeps at most {MAX_TEXT:,}. Nothing was changed: shorten one's notes "
                       "first with 'ties edit NAME --note ...'.")
    result.notes = joined or None
    result.tags = sorted(set(other.get("tags", [])) - set(keep.get("tags", [])))
    return result


def _later(theirs, mine) -> bool:
    """Whether a time the other's talking point was learned is after the kept one's (a
    stored UTC time as text or a datetime; none is earlier than any)."""
    if theirs is None:
        return False
    return mine is None or str(theirs)[:26] > str(mine)[:26]


def _listed(person: dict, kind: str) -> list[str]:
    """A profile's addresses of `kind`: its list, or its one field when it has no list."""
    if f"{kind}s" in person:
        return list(person[f"{kind}s"])
    return [person[kind]] if person.get(kind) else []
