"""Who is who: the one definition of when two descriptions are the same person. Pure.

A person is recognised, in this order, by their LinkedIn profile, any of their email
addresses (case ignored: `contacts.key`), then their name at their company (case, accents
and spacing ignored; no company is a company too). An import matches a file's entries to
people this way (`Index`); `ties duplicates` pairs people sharing a profile or any email
by the same keys (`merging.likely_duplicates`, which also looks at names alone); `ties
add` warns of someone already known by the same name (`queries.same_name`, by `name_key`).
"""

from __future__ import annotations

from collections.abc import Iterable

from ties.core import contacts
from ties.core.names import fold

# The keys that recognise a person on their own, strongest first, with what
# `ties duplicates` says when two people share one.
STRONG = (("linkedin", "same LinkedIn profile"), ("email", "same email"))


def name_key(name: str) -> str:
    """A name as it is compared (and stored in person.name_key)."""
    return fold(name)


def strong_key(kind: str, value: str | None) -> str | None:
    """A LinkedIn URL or email as it is compared; None when there is none."""
    if not value:
        return None
    return contacts.key("email", value) if kind == "email" else value.lower()


def name_company_key(key: str, company: str | None) -> tuple[str, str]:
    """A name (already as `name_key` makes it) at a company."""
    return key, fold(company or "")


class Index:
    """People by every key that recognises them; the first one added for a key keeps it."""

    def __init__(self) -> None:
        self.strong: dict[str, dict[str, int]] = {kind: {} for kind, _ in STRONG}
        self.by_name: dict[tuple[str, str], int] = {}

    def add(self, pid: int, *, key: str, company: str | None, email: str | None,
            linkedin: str | None, emails: Iterable[str] = ()) -> None:
        """Index someone by their name at their company, their profile and every one of
        their email addresses (`email` and `emails`)."""
        for kind, value in (("linkedin", linkedin), *(("email", e) for e in (email, *emails))):
            if (k := strong_key(kind, value)) is not None:
                self.strong[kind].setdefault(k, pid)
        self.by_name.setdefault(name_company_key(key, company), pid)

    def match(self, *, key: str, company: str | None, email: str | None,
              linkedin: str | None, emails: Iterable[str] = ()) -> int | None:
        """Who these details describe: by LinkedIn profile, else any email address, else
        name and company; None for someone new."""
        return self.recognise(key=key, company=company, email=email, linkedin=linkedin,
                              emails=emails)[0]

    def recognise(self, *, key: str, company: str | None, email: str | None,
                  linkedin: str | None, emails: Iterable[str] = ()) -> tuple[int | None, str]:
        """`match`, with how: ("same LinkedIn profile", "same email", "same name at the
        same company"), or (None, ""). Of several addresses, the first one known decides."""
        candidates = (("linkedin", linkedin), *(("email", e) for e in (email, *emails)))
        reasons = dict(STRONG)
        for kind, value in candidates:
            k = strong_key(kind, value)
            if k is not None and k in self.strong[kind]:
                return self.strong[kind][k], reasons[kind]
        pid = self.by_name.get(name_company_key(key, company))
        if pid is None:
            return None, ""
        return pid, "same name at the same company" if fold(company or "") else \
            "same name, and no company given on either"


def is_mine(address: str | None, me: frozenset[str]) -> bool:
    """Whether `address` is one of yours: an address of `me` (lower-case), case ignored,
    or a +tag variant of one (me+lists@example.com is me@example.com's). The one rule
    the calendar and mail readers share."""
    if not address:
        return False
    address = address.strip().lower()
    if address in me:
        return True
    local, at, domain = address.rpartition("@")
    return bool(at) and "+" in local and f"{local.split('+', 1)[0]}@{domain}" in me
