"""What an import will do, planned before anything is written. Pure: records and what is
already here in, a plan out (in the style of `merging.plan`); `store.import_records`
applies it in the caller's one transaction.

Each entry of a file is matched (ties.core.identity: LinkedIn profile, then email, then name at
company) to someone already here, to someone earlier in the same file, or to no one:

- **create**: no one matches; the person is created with the file's values;
- **update**: someone here matches and the file fills fields (or adds tags, email
  addresses or phone numbers) they lack. What they already have is never overwritten: a
  different value is a **conflict**, reported and kept as it is; but a person has any
  number of addresses and numbers, so one they lack is added after theirs, not a conflict;
- **unchanged**: someone here matches and the file adds nothing;
- **skip**: the reader could not use the entry (no name), with its reason.

An entry matching one earlier in the file adds to that earlier one's creation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ties.core import contacts, personfields
from ties.core.dates import birthday_of
from ties.core.identity import Index
from ties.core.names import fold

# The person fields an import may set (a ties JSON file's ids, state and clocks are the
# store's to restore, not a plan's).
IMPORT_FIELDS = personfields.IMPORT_FIELDS


def _text(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


@dataclass
class Create:
    name: str
    values: dict  # IMPORT_FIELDS -> value (type included, None where the file is silent)
    tags: list[str]
    positions: list[str]  # the entries it comes from ("row 3", "card 2")
    reason: str = "no one here has this LinkedIn profile, email, or name at this company"
    # kind -> every email address / phone number, the primary (values[kind]) first
    contacts: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Update:
    person_id: int
    name: str
    changes: dict = field(default_factory=dict)  # field -> value; "tag:T" -> T; an address
    # or number added after theirs: "email:A" -> A, "phone:N" -> N
    reason: str = ""  # how they were recognised: "same email", ...


@dataclass
class Plan:
    creates: list[Create] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)  # with no changes: unchanged
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (position, reason)
    conflicts: list[tuple[str, str, str, str]] = field(default_factory=list)  # name, field,
    # the file's value, yours

    @property
    def changed(self) -> list[Update]:
        return [u for u in self.updates if u.changes]

    @property
    def unchanged(self) -> list[Update]:
        return [u for u in self.updates if not u.changes]


def _details(record) -> dict:
    return {"key": fold(record.name), "company": record.fields.get("company"),
            "email": record.fields.get("email"), "linkedin": record.fields.get("linkedin"),
            "emails": listed(record, "email")}


def listed(record, kind: str) -> list[str]:
    """Every address (or number) of `kind` a record gives, its field's first."""
    return contacts.unique(kind, [record.fields.get(kind),
                                  *getattr(record, f"{kind}s", ())])


def _have(person: dict, kind: str) -> list[str]:
    """What someone here has of `kind`: their list, else their one field."""
    if f"{kind}s" in person:
        return list(person[f"{kind}s"])
    return [person[kind]] if person.get(kind) else []


def plan(records: Iterable, index: Index, current: dict[int, dict], *,
         type_: str | None = None, tags: Iterable[str] = (),
         skipped: Iterable[tuple[str, str]] = (),
         progress: Callable[[int], None] | None = None) -> Plan:
    """The plan for `records` (importers.Record) against the people in `index`, whose
    importable fields and tags `current` holds (pid -> {field: value, "name", "tags"}) for
    everyone a record matches. `type_` and `tags` go to everyone created (tags also to
    everyone matched). `progress(n)` is told every 500 records. `index` learns the people
    the plan creates (as -1, -2, ...); `current` is left as it was."""
    result = Plan(skipped=list(skipped))
    extra_tags = list(tags)
    updates: dict[int, Update] = {}
    working: dict[int, dict] = {}  # the people matched, as the plan leaves them
    for n, rec in enumerate(records, 1):
        if progress and n % 500 == 0:
            progress(n)
        details = _details(rec)
        pid, reason = index.recognise(**details)
        if pid is not None and pid < 0:  # the same person earlier in this file
            create = result.creates[-pid - 1]
            for key, value in rec.fields.items():
                if key in IMPORT_FIELDS and create.values.get(key) is None:
                    create.values[key] = value
            create.tags += [t for t in rec.tags if t not in create.tags]
            create.positions.append(rec.position)
            for kind in contacts.KINDS:
                both = contacts.merged(kind, create.contacts.get(kind, []),
                                       listed(rec, kind))
                if both:
                    create.contacts[kind] = both
                    create.values[kind] = both[0]
            index.add(pid, **details)  # its further addresses recognise it too
            continue
        if pid is None:
            values = {"type": type_}
            values.update({k: v for k, v in rec.fields.items() if k in IMPORT_FIELDS})
            if type_ is not None:
                values["type"] = type_
            found = {kind: listed(rec, kind) for kind in contacts.KINDS}
            for kind, values_of in found.items():
                if values_of:
                    values[kind] = values_of[0]
            result.creates.append(Create(rec.name, values,
                                         list(dict.fromkeys(rec.tags + extra_tags)),
                                         [rec.position],
                                         contacts={k: v for k, v in found.items() if v}))
            index.add(-len(result.creates), **details)
            continue
        update = updates.get(pid)
        if update is None:
            have = {**current[pid], "tags": list(current[pid]["tags"]),
                    **{f"{k}s": _have(current[pid], k) for k in contacts.KINDS}}
            update = updates[pid] = Update(pid, have["name"], reason=reason)
            result.updates.append(update)
            working[pid] = have
        have = working[pid]
        changed = update.changes
        for kind in contacts.KINDS:  # added after theirs, never a conflict
            for value in contacts.added(kind, have[f"{kind}s"], listed(rec, kind)):
                if not have[f"{kind}s"]:
                    have[kind] = changed[kind] = value  # the first is their primary
                else:
                    changed[f"{kind}:{value}"] = value
                have[f"{kind}s"].append(value)
        incoming = {k: v for k, v in rec.fields.items()
                    if k in IMPORT_FIELDS and v is not None and not k.startswith("birthday_")
                    and k not in contacts.KINDS}
        if rec.fields.get("birthday_month"):
            incoming["birthday"] = birthday_of(rec.fields)
        for key, value in incoming.items():
            now = birthday_of(have) if key == "birthday" else have.get(key)
            if now in (None, ""):
                if key == "birthday":
                    for part in ("birthday_year", "birthday_month", "birthday_day"):
                        have[part] = changed[part] = rec.fields.get(part)
                else:
                    have[key] = changed[key] = value
            elif _text(now) != _text(value) and key not in changed:
                result.conflicts.append((have["name"], key, _text(value), _text(now)))
        for t in rec.tags + extra_tags:
            if t not in have["tags"]:
                have["tags"].append(t)
                changed[f"tag:{t}"] = t
        index.add(pid, **details)  # the addresses it brings recognise them from now on
    return result
