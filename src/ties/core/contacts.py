"""A person's email addresses and phone numbers, as lists. Pure.

A person has any number of each, in their order of preference: the first is the primary
(the one `show` puts first, `--json` gives as "email"/"phone", a vCard marks PREF=1).
Two values are the same address when their `key`s are equal: an email ignoring case, a
phone number ignoring everything but its digits and a leading + (so "+351 555 0101" and
"+3515550101" are one number). Lists never hold one address twice.
"""

from __future__ import annotations

from collections.abc import Iterable

from ties.core.errors import BadValue

KINDS = ("email", "phone")
WORDS = {"email": "email address", "phone": "phone number"}


def key(kind: str, value: str) -> str:
    """An address as it is compared."""
    if kind == "phone":
        digits = "".join(c for c in value if c.isdigit())
        if not digits:  # a number written in words is compared as written
            return value.casefold()
        return ("+" if value.lstrip().startswith("+") else "") + digits
    return value.casefold()


def unique(kind: str, values: Iterable[str | None]) -> list[str]:
    """`values` once each (the first spelling kept), in order, without empty ones."""
    seen: set[str] = set()
    out = []
    for value in values:
        if not value:
            continue
        k = key(kind, value)
        if k not in seen:
            seen.add(k)
            out.append(value)
    return out


def has(kind: str, values: Iterable[str], value: str) -> bool:
    k = key(kind, value)
    return any(key(kind, v) == k for v in values)


def edited(kind: str, current: list[str], *, replace: list[str] | None = None,
           add: Iterable[str] = (), remove: Iterable[str] = (), whose: str = "") -> list[str]:
    """The list after `ties edit`: `replace` (when given) instead of `current`, then
    `remove` taken out (each must be there: a typo is refused, not ignored), then `add`
    appended. An address given to --add-email that is already there stays where it is."""
    result = list(current if replace is None else replace)
    for gone in remove:
        if not has(kind, result, gone):
            have = ", ".join(result) or "none"
            raise BadValue(f"{whose or 'They'} {'has' if whose else 'have'} no "
                           f"{WORDS[kind]} {gone!r} (theirs: {have}). Nothing was changed.")
        k = key(kind, gone)
        result = [v for v in result if key(kind, v) != k]
    return unique(kind, [*result, *add])


def merged(kind: str, kept: list[str], other: list[str]) -> list[str]:
    """Both people's addresses: the kept person's first (their primary stays primary)."""
    return unique(kind, [*kept, *other])


def added(kind: str, have: list[str], incoming: Iterable[str]) -> list[str]:
    """The addresses of `incoming` that `have` lacks, in order, once each."""
    return [v for v in unique(kind, incoming) if not has(kind, have, v)]
