"""What an import will do, planned before anything is written. Pure: records and what is
already here in, a plan out (in the style of `merging.plan`); `store.apply_plan` writes
it in the caller's one transaction, and `ties import --dry-run` shows it (`Plan.entries`).

Each entry of a file is matched (ties.core.identity: LinkedIn profile, then email, then name at
company) to someone already here, to someone earlier in the same file, or to no one:

- **create**: no one matches; the person is created with the file's values;
- **update**: someone here matches and the file fills fields (or adds tags, email
  addresses or phone numbers) they lack. What they already have is never overwritten: a
  different value is a **conflict**, reported and kept as it is; but a person has any
  number of addresses and numbers, so one they lack is added after theirs, not a conflict;
- **unchanged**: someone here matches and the file adds nothing;
- **skip**: the reader could not use the entry (no name), with its reason.

An entry matching one earlier in the file (or the same person here as an earlier entry)
is **merged** with it: it adds to that earlier one, and is counted and shown as merged.

A ties JSON file also brings history, planned by `plan_history` once its people are
placed: each interaction and follow-up is **created**, or **skipped** with its reason
(already here, or its people matched no one here: the file's copies of one beyond those
here are created, so something done twice stays twice);
each setting is **set** (you have the default), **unchanged** (yours is the same) or a
**conflict** (yours differs, and is kept). A file read into an empty store keeps every
id (`plan_kept`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from ties.core import contacts, personfields
from ties.core.dates import birthday_of
from ties.core.identity import Index
from ties.core.names import fold
from ties.core.records import InteractionRecord

# The person fields an import may set (a ties JSON file's ids, state and clocks are the
# store's to restore, not a plan's).
IMPORT_FIELDS = personfields.IMPORT_FIELDS

# Why someone is created: said per entry by `ties import --dry-run`.
NEW_PERSON = "no one here has this LinkedIn profile, email, or name at this company"
KEPT = "the store is empty: kept as it is, with its id"


def _text(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _same(ours, theirs) -> bool:
    """Whether a file's value says what is already there: the same, or spelled in
    another case ('Globex' and 'globex' are one company, not a conflict)."""
    return _text(ours).casefold() == _text(theirs).casefold()


def field_names(keys: Iterable[str]) -> list[str]:
    """The fields a create or update sets, as a person reads them: a birthday's three
    columns are one 'birthday'; tags and further addresses are said on their own."""
    return list(dict.fromkeys("birthday" if k.startswith("birthday_") else k
                              for k in keys if ":" not in k))


@dataclass
class Create:
    name: str
    values: dict  # IMPORT_FIELDS -> value (type included, None where the file is silent)
    tags: list[str]
    positions: list[str]  # the entries it comes from ("row 3", "card 2")
    reason: str = NEW_PERSON
    # kind -> every email address / phone number, the primary (values[kind]) first
    contacts: dict[str, list[str]] = field(default_factory=dict)
    id: int | None = None  # the id the store gave them, once the plan is applied
    jobs: list[dict] = field(default_factory=list)  # earlier jobs a ties JSON file keeps
    brought: dict[str, dict[str, str]] = field(default_factory=dict)  # and what imports
    # brought them, by kind of file (format -> {company, role})
    deleted: list[str] = field(default_factory=list)  # keys of interactions you deleted
    learned: dict = field(default_factory=dict)  # talking point -> when the file says you
    # learned it (a ties JSON file keeps the time; other files know none: the import's)


# The fields a re-import may change rather than only fill: a person's job. The rule that
# keeps what you typed is `plan`'s (docs/import.md, "Job changes").
JOB_FIELDS = ("company", "role")


def held(company: str | None, role: str | None) -> str:
    """A job in words: 'CTO at Globex', 'at Globex', 'CTO', or 'no job known'."""
    if company and role:
        return f"{role} at {company}"
    if company:
        return f"at {company}"
    return role or "no job known"


def named(company: str | None, role: str | None) -> str:
    """A job standing on its own: 'CTO at Globex', 'Globex', 'CTO', or 'no job known'."""
    if company and role:
        return f"{role} at {company}"
    return company or role or "no job known"


@dataclass
class Job:
    """A change of company or role a re-import brings: what they had, what the file says
    now (the role None when the file gives none at a new company)."""

    company_before: str | None
    role_before: str | None
    company: str | None
    role: str | None

    @property
    def words(self) -> str:
        """'Initech -> Globex, CTO'; 'CTO -> VP at Globex' for a new role only; 'left
        Hooli' (no company now); 'no longer Engineer at Hooli' (the role emptied only)."""
        if self.company_before and not self.company:
            now = f", now {self.role}" if self.role and not _same(
                self.role_before or "", self.role) else ""
            return f"left {self.company_before}{now}"
        if self.role_before and not self.role and _same(self.company_before or "",
                                                          self.company or ""):
            at = f" at {self.company}" if self.company else ""
            return f"no longer {self.role_before}{at}"
        if _same(self.company_before or "", self.company or ""):
            at = f" at {self.company}" if self.company else ""
            if _same(self.role_before or "", self.role or ""):
                return f"{named(self.company_before, self.role_before)} -> " \
                       f"{named(self.company, self.role)} (spelling only)"
            return f"{self.role_before or 'no role'} -> {self.role}{at}"
        role = f", {self.role}" if self.role else ""
        if not self.company_before:
            return f"now at {self.company}{role}"
        return f"{self.company_before} -> {self.company}{role}"

    @property
    def spelling_only(self) -> bool:
        """Whether only the case of the company or role changed ('Hooli' -> 'hooli')."""
        return _same(self.company_before or "", self.company or "") and \
            _same(self.role_before or "", self.role or "")

    @property
    def history(self) -> str:
        """The change in full, as `ties show` lists it and `ties edit --moved` says it:
        'VP at Initech -> CTO at Globex', 'Designer at Hooli -> left Hooli (still
        Designer)', 'Designer at Hooli -> no role at Hooli', 'Designer at Hooli ->
        Designer at hooli (spelling only)'. Pinned in tests/test_job_changes.py."""
        was = named(self.company_before, self.role_before)
        if self.spelling_only:
            return f"{was} -> {named(self.company, self.role)} (spelling only)"
        if self.company_before and not self.company:  # they left it
            if not self.role:
                now = ""
            elif _same(self.role_before or "", self.role):
                now = f" (still {self.role})"
            else:
                now = f", now {self.role}"
            return f"{was} -> left {self.company_before}{now}"
        if self.role_before and not self.role and self.company:  # only the role emptied
            return f"{was} -> no role at {self.company}"
        return f"{was} -> {named(self.company, self.role)}"

    def as_dict(self) -> dict:
        return {"company_before": self.company_before, "role_before": self.role_before,
                "company": self.company, "role": self.role}


@dataclass
class Update:
    person_id: int
    name: str
    changes: dict = field(default_factory=dict)  # field -> value; "tag:T" -> T; an address
    # or number added after theirs: "email:A" -> A, "phone:N" -> N
    reason: str = ""  # how they were recognised: "same email", ...
    positions: list[str] = field(default_factory=list)  # the entries that matched them
    job: Job | None = None  # their company or role the file changes (a job change)
    learned: dict = field(default_factory=dict)  # as Create's: for the talking points it fills

    @property
    def why(self) -> str:
        """'same email as Ana Lima (@3)'"""
        return f"{self.reason} as {self.name} (@{self.person_id})"


@dataclass
class Merged:
    """An entry folded into an earlier one of the same file: both describe one person."""

    position: str  # "row 5"
    name: str  # as this entry gives it
    into: str  # the earlier entry's position ("row 2")
    into_name: str  # whom that entry is: "Ana Lima", or "Ana Lima (@3)" when here
    how: str  # "same email"
    # (field, the earlier entry's value, this entry's): where the two differ, the
    # earlier one's value is what the import takes
    kept: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def reason(self) -> str:
        """'merged with row 2 (Ana Lima): same email; kept row 2's role 'VP', not 'CTO''"""
        return f"merged with {self.into} ({self.into_name}): {self.how}{self.also}"

    @property
    def also(self) -> str:
        """What the earlier entry's values won over this one's, in words (or '')."""
        return "".join(f"; kept {self.into}'s {key.replace('_', ' ')} {ours!r}, not {theirs!r}"
                       for key, ours, theirs in self.kept)


@dataclass
class Step:
    """What the import does with one interaction, follow-up or setting of a file."""

    kind: str  # "interaction", "follow-up", "setting"
    position: str  # "interaction 9", "follow-up 2", "setting next.count"
    action: str  # "create" or "skip"; a setting: "set", "unchanged" or "conflict"
    reason: str  # in words, for people
    record: object = None  # the InteractionRecord or FollowUpRecord to create
    people: list[int] = field(default_factory=list)  # who, here (-1: the plan's creates[0])
    key: str | None = None  # a setting's name
    value: str | None = None  # a setting's value in the file (stored form)
    yours: str | None = None  # a setting's value here, when you have set it
    sources: list = field(default_factory=list)  # an interaction's SourceKeys, people here


@dataclass
class Plan:
    creates: list[Create] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)  # with no changes: unchanged
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (position, reason)
    conflicts: list[tuple[str, str, str, str]] = field(default_factory=list)  # name, field,
    # the file's value, yours
    merged: list[Merged] = field(default_factory=list)
    # Where each record went, in the records' order: an id here, or -n for creates[n - 1].
    targets: list[int] = field(default_factory=list)
    keep_ids: bool = False  # creates (and history) keep the file's ids (plan_kept)
    interactions: list[Step] = field(default_factory=list)
    follow_ups: list[Step] = field(default_factory=list)
    settings: list[Step] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """How many of each: people created, updated, unchanged, skipped, merged (entries
        folded into an earlier one), conflicts kept as yours; interactions, follow-ups
        and settings created or set."""
        def done(steps: list[Step]) -> int:
            return sum(s.action in ("create", "set") for s in steps)

        return {"created": len(self.creates), "updated": len(self.changed),
                "unchanged": len(self.unchanged), "skipped": len(self.skipped),
                "merged": len(self.merged),
                "conflicts": len(self.conflicts) + sum(s.action == "conflict"
                                                       for s in self.settings),
                "jobs": len(self.jobs),
                "interactions": done(self.interactions), "follow_ups": done(self.follow_ups),
                "settings": done(self.settings)}

    def entries(self) -> list[dict]:
        """The whole plan as plain data, one entry per decision with its reason in words:
        the file's people in the file's order (create, merge, update, unchanged, skip),
        then the conflicts kept as yours, then interactions, follow-ups and settings."""
        people: list[tuple[tuple, dict]] = []
        for c in self.creates:
            people.append((_order(c.positions[0]), {
                "kind": "person", "action": "create", "position": c.positions[0],
                "name": c.name, "id": c.id if c.id is not None else c.values.get("id"),
                "reason": c.reason,
                "fields": field_names(k for k, v in c.values.items()
                                      if v is not None and k not in ("id", "archived")),
                "tags": list(c.tags)}))
        for m in self.merged:
            people.append((_order(m.position), {
                "kind": "person", "action": "merge", "position": m.position, "name": m.name,
                "into": m.into, "reason": m.reason}))
        for u in self.updates:
            fields = field_names(k for k in u.changes  # a new job is said on its own
                                 if u.job is None or k not in JOB_FIELDS)
            tags = [v for k, v in u.changes.items() if k.startswith("tag:")]
            entry = {
                "kind": "person", "action": "update" if u.changes else "unchanged",
                "position": u.positions[0] if u.positions else "", "name": u.name,
                "id": u.person_id, "reason": u.why, "fields": fields, "tags": tags}
            if u.job is not None:
                entry["job"] = u.job.as_dict()
            people.append((_order(u.positions[0] if u.positions else ""), entry))
        for position, reason in self.skipped:
            people.append((_order(position), {"kind": "person", "action": "skip",
                                              "position": position, "reason": reason}))
        out = [entry for _, entry in sorted(people, key=lambda pair: pair[0])]
        out += [{"kind": "person", "action": "conflict", "name": name, "field": key,
                 "file": theirs, "yours": ours,
                 "reason": f"yours is {repr(ours) if ours else 'empty'}, the file says "
                           f"{theirs!r}: kept yours"}
                for name, key, theirs, ours in self.conflicts]
        for step in self.interactions + self.follow_ups + self.settings:
            entry = {"kind": step.kind, "action": step.action, "position": step.position,
                     "reason": step.reason}
            if step.kind == "setting":
                entry.update(key=step.key, value=step.value, yours=step.yours)
            out.append(entry)
        return out

    @property
    def jobs(self) -> list[Update]:
        """The people whose company or role the file changes, in the file's order."""
        return [u for u in self.updates if u.job is not None]

    @property
    def changed(self) -> list[Update]:
        return [u for u in self.updates if u.changes]

    @property
    def unchanged(self) -> list[Update]:
        return [u for u in self.updates if not u.changes]


def _order(position: str) -> tuple:
    """Entries in the file's order: 'row 10' after 'row 9'."""
    head, _, number = position.rpartition(" ")
    return (head, int(number)) if number.isdigit() else (position, 0)


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
         progress: Callable[[int], None] | None = None,
         brought: dict[int, dict[str, str]] | None = None,
         emptied: dict[int, dict[str, set[str]]] | None = None) -> Plan:
    """The plan for `records` (importers.Record) against the people in `index`, whose
    importable fields and tags `current` holds (pid -> {field: value, "name", "tags"}) for
    everyone a record matches. `type_` and `tags` go to everyone created (tags also to
    everyone matched). `progress(n)` is told every 500 records. `index` learns the people
    the plan creates (as -1, -2, ...); `current` is left as it was.

    A job change: `brought` holds, per person, the company and role an earlier import of
    this kind of file brought them (None: a ties JSON file, which changes no job). Where
    the file's company or role differs from theirs, and theirs is still what that earlier
    import brought (you have not typed another since; another kind of file's value counts
    as yours), the file's value replaces it and the update carries the `Job`; a new
    company with no role in the file also empties a role that import brought. Anything
    else that differs is a conflict, kept as yours.

    `emptied` holds, per person, the company or role you emptied though files had brought
    a value (field -> those values): an empty you made is yours too, so no file fills it;
    a file bringing one of those values again brings nothing new (no change, no
    conflict), another value is a conflict, kept as yours."""
    importable = set(personfields.import_fields())  # what a file may set (the field spec)
    result = Plan(skipped=list(skipped))
    extra_tags = list(tags)
    updates: dict[int, Update] = {}
    working: dict[int, dict] = {}  # the people matched, as the plan leaves them
    for n, rec in enumerate(records, 1):
        if progress and n % 500 == 0:
            progress(n)
        details = _details(rec)
        pid, reason = index.recognise(**details)
        result.targets.append(pid if pid is not None else -len(result.creates) - 1)
        if pid is not None and pid < 0:  # the same person earlier in this file
            create = result.creates[-pid - 1]
            merged = Merged(rec.position, rec.name, create.positions[0], create.name, reason)
            result.merged.append(merged)
            for key, value in rec.fields.items():
                if key not in importable or value is None:
                    continue
                if create.values.get(key) is None:
                    create.values[key] = value
                elif key not in contacts.KINDS and not _same(create.values[key], value):
                    merged.kept.append((key, _text(create.values[key]), _text(value)))
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
            values.update({k: v for k, v in rec.fields.items() if k in importable})
            if type_ is not None:
                values["type"] = type_
            found = {kind: listed(rec, kind) for kind in contacts.KINDS}
            for kind, values_of in found.items():
                if values_of:
                    values[kind] = values_of[0]
            result.creates.append(Create(rec.name, values,
                                         list(dict.fromkeys(rec.tags + extra_tags)),
                                         [rec.position],
                                         contacts={k: v for k, v in found.items() if v},
                                         jobs=list(getattr(rec, "jobs", ())),
                                         brought=dict(getattr(rec, "brought", {})),
                                         deleted=list(getattr(rec, "deleted", ())),
                                         learned=_learned(rec)))
            index.add(-len(result.creates), **details)
            continue
        update = updates.get(pid)
        if update is None:
            have = {**current[pid], "tags": list(current[pid]["tags"]),
                    **{f"{k}s": _have(current[pid], k) for k in contacts.KINDS}}
            update = updates[pid] = Update(pid, have["name"], reason=reason)
            result.updates.append(update)
            working[pid] = have
        else:  # someone here an earlier entry of this file matched too
            result.merged.append(Merged(rec.position, rec.name, update.positions[0],
                                        f"{update.name} (@{pid})", reason))
        update.positions.append(rec.position)
        update.learned.update(_learned(rec))
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
                    if k in importable and v is not None and not k.startswith("birthday_")
                    and k not in contacts.KINDS}
        if rec.fields.get("birthday_month"):
            incoming["birthday"] = birthday_of(rec.fields)
        ours = (brought or {}).get(pid, {})
        moved = {key: value for key, value in incoming.items()
                 if key in JOB_FIELDS and have.get(key) not in (None, "")
                 and not _same(have[key], value) and ours.get(key) is not None
                 and _same(ours[key], have[key])}
        emptied_company = (emptied or {}).get(pid, {}).get("company")
        if ("role" in moved and "company" not in moved and incoming.get("company")
                and ((have.get("company") and not _same(have["company"], incoming["company"]))
                     or (emptied_company is not None and not have.get("company")))):
            del moved["role"]  # a role at a company they are not at here (yours is kept,
            # an empty you made too)
        # A job the file now shows as empty (LinkedIn: no current position) empties what
        # that kind of file brought, as news: they left (a value that is yours stays).
        moved.update({key: None for key in getattr(rec, "emptied", ())
                      if key in JOB_FIELDS and key not in incoming
                      and have.get(key) not in (None, "") and ours.get(key) is not None
                      and _same(ours[key], have[key])})
        if moved:
            before = {key: have.get(key) for key in JOB_FIELDS}
            if ("company" in moved and "role" not in incoming and before["role"]
                    and ours.get("role") is not None and _same(ours["role"], before["role"])):
                moved["role"] = None  # a new company, and the file knows no role there
            for key, value in moved.items():
                have[key] = changed[key] = value
            if update.job is None:
                update.job = Job(before["company"], before["role"], None, None)
            update.job.company, update.job.role = have.get("company"), have.get("role")
        for key, value in incoming.items():
            if key in moved:
                continue
            now = birthday_of(have) if key == "birthday" else have.get(key)
            yours = (emptied or {}).get(pid, {}).get(key) if key in JOB_FIELDS else None
            if yours is not None and now in (None, "") and key not in changed:
                if not any(_same(v, value) for v in yours):  # news, but the empty is yours
                    result.conflicts.append((have["name"], key, _text(value), ""))
                continue
            if now in (None, ""):
                if key == "birthday":
                    for part in ("birthday_year", "birthday_month", "birthday_day"):
                        have[part] = changed[part] = rec.fields.get(part)
                else:
                    have[key] = changed[key] = value
            elif not _same(now, value) and key not in changed:
                result.conflicts.append((have["name"], key, _text(value), _text(now)))
        for t in rec.tags + extra_tags:
            if t not in have["tags"]:
                have["tags"].append(t)
                changed[f"tag:{t}"] = t
        index.add(pid, **details)  # the addresses it brings recognise them from now on
    return result


def _learned(rec) -> dict:
    """When the file says you learned each talking point it gives (a ties JSON file's
    `*_learned_at`), so that an import dates it as the file does, not by the import."""
    return {k: rec.fields[clock] for k, clock in personfields.LEARNED_AT.items()
            if rec.fields.get(k) and rec.fields.get(clock) is not None}


def plan_kept(records: Iterable) -> Plan:
    """The plan for a ties JSON file read into an empty store (or restored): everyone is
    created as the file has them, with their id, state and clocks; nothing is matched or
    merged, so that the file's history finds its people by their ids."""
    result = Plan(keep_ids=True)
    for rec in records:
        values = {k: v for k, v in rec.fields.items() if k in IMPORT_FIELDS}
        values.update(id=rec.fields["id"], cadence_days=rec.fields.get("cadence_days"),
                      archived=bool(rec.fields.get("archived")),
                      snoozed_until=rec.fields.get("snoozed_until"))
        for clock in ("created", "updated_at"):  # else the store's today and now
            if rec.fields.get(clock) is not None:
                values[clock] = rec.fields[clock]
        for clock in personfields.LEARNED_AT.values():  # None too: the file knows no such time
            if clock in rec.fields:
                values[clock] = rec.fields[clock]
        found = {kind: listed(rec, kind) for kind in contacts.KINDS}
        result.creates.append(Create(rec.name, values, list(rec.tags), [rec.position],
                                     reason=KEPT,
                                     contacts={k: v for k, v in found.items() if v},
                                     jobs=list(getattr(rec, "jobs", ())),
                                     brought=dict(getattr(rec, "brought", {})),
                                     deleted=list(getattr(rec, "deleted", ()))))
        result.targets.append(-len(result.creates))
    return result


def _who(people: list[int], names: dict[int, str]) -> str:
    shown = [names.get(p, f"@{p}") for p in people]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def plan_history(result: Plan, records: list, interactions: Iterable, follow_ups: Iterable,
                 settings: dict[str, str], *, here_interactions: dict[tuple, list[int]],
                 here_promises: dict[tuple, list[int]], your_settings: dict[str, str]
                 ) -> Plan:
    """Add to `result` (the plan for `records`, the file's people) what becomes of the
    file's interactions, follow-ups and settings. An interaction is already here when one
    on the same day, by the same channel, with the same note and people is
    (`here_interactions`: (day, channel, note, people ids sorted) -> their ids; as many of
    the file's as are here are matched, the rest created); a follow-up
    when the same person has the same promise with the same due date (`here_promises`:
    (person id, text, due) -> their ids; counted the same way, so a promise made twice
    comes back twice). `your_settings` holds the settings you have set, in their stored
    form. Returns `result`."""
    from ties.core import settings as spec
    from ties.core.errors import TiesError

    placed = {rec.fields.get("id"): target
              for rec, target in zip(records, result.targets, strict=True)}
    names = {-n: f"{c.name} (new)" for n, c in enumerate(result.creates, 1)}
    names.update({u.person_id: f"{u.name} (@{u.person_id})" for u in result.updates})
    if result.keep_ids:
        names.update({-n: f"{c.name} (@{c.values['id']})"
                      for n, c in enumerate(result.creates, 1)})

    def where(file_ids: list[int]) -> tuple[list[int], str]:
        missing = [p for p in file_ids if placed.get(p) is None]
        if missing:
            return [], f"its person {missing[0]} in the file matched no one here for certain"
        return sorted({placed[p] for p in file_ids}), ""

    # Each interaction here stands for one of the file's: the file's copies beyond as many
    # as are here are created, so one logged twice on purpose (`log --force`) stays twice.
    unmatched = {key: list(found) for key, found in here_interactions.items()}
    for item in interactions:
        position = f"interaction {item.id}"
        people, missing = where(item.people)
        key = (item.when.isoformat(), item.channel or "other", item.note or "",
               tuple(people))
        if missing:
            step = Step("interaction", position, "skip", missing)
        elif unmatched.get(key):
            step = Step("interaction", position, "skip",
                        f"already here as #{unmatched[key].pop(0)} (same day, channel, "
                        "note and people)", people=people)
        else:
            in_file_order = list(dict.fromkeys(placed[p] for p in item.people))
            step = Step("interaction", position, "create",
                        f"{item.channel or 'other'} with {_who(in_file_order, names)} on "
                        f"{item.when.isoformat()}, not here yet", record=item, people=people,
                        sources=[replace(s, person=placed[s.person])
                                 for s in getattr(item, "sources", ())])
        result.interactions.append(step)
    # The same for promises: one made twice (say "call Ana", done last month and made
    # again) is two, and each of the file's copies beyond those here is created.
    promised = {key: list(found) for key, found in here_promises.items()}
    for item in follow_ups:
        position = f"follow-up {item.id}"
        people, missing = where([item.person])
        key = (people[0] if people else None, item.text,
               item.due.isoformat() if item.due else None)
        if missing:
            step = Step("follow-up", position, "skip", missing)
        elif not item.text:
            step = Step("follow-up", position, "skip", "it promises nothing (no text)")
        elif promised.get(key):
            step = Step("follow-up", position, "skip",
                        f"already here as #{promised[key].pop(0)} (same person, text and "
                        "due date)", people=people)
        else:
            due = f", due {item.due.isoformat()}" if item.due else ""
            step = Step("follow-up", position, "create",
                        f"for {_who(people, names)}{due}, not here yet", record=item,
                        people=people)
        result.follow_ups.append(step)
    for key, value in settings.items():
        position = f"setting {key}"
        try:
            stored = spec.stored_form(key, str(value))
        except TiesError:
            result.settings.append(Step("setting", position, "skip",
                                        f"{value!r} is not a valid value", key=key,
                                        value=str(value)))
            continue
        yours = your_settings.get(key)
        if yours is None:
            step = Step("setting", position, "set", "you have not set it", key=key,
                        value=stored)
        elif yours == stored:
            step = Step("setting", position, "unchanged", "yours is the same", key=key,
                        value=stored, yours=yours)
        else:
            step = Step("setting", position, "conflict",
                        f"yours is {yours!r}, the file says {stored!r}: kept yours", key=key,
                        value=stored, yours=yours)
        result.settings.append(step)
    return result


# Calendars and mailboxes ------------------------------------------------------------------
# A calendar or mail reader gives `records.Sightings`: who else was there (by address),
# when, how and about what, keyed by the event occurrence or message. `plan_sightings`
# matches the addresses to people here and decides, for each, what the import does.

ADD_NEW_AT = 2  # --add-new adds an unknown address met at least this often
# The local parts of addresses no person reads (docs/import.md, "Adding the people you
# meet"): compared case ignored, without a +tag, with "-", "_" and "." taken out, so that
# no-reply, no_reply and noreply are one; a local part starting with "noreply" or
# "donotreply" (noreply-12345@) counts too.
MACHINE_SENDERS = frozenset({
    "noreply", "donotreply", "mailerdaemon", "postmaster", "notifications", "notification",
    "notify", "bounce", "bounces", "newsletter", "newsletters", "alerts", "automated",
    "autoreply", "nobody"})
_MACHINE_PREFIXES = ("noreply", "donotreply", "bounce", "mailerdaemon")


def is_machine_address(address: str) -> bool:
    """Whether an address is a machine's, not a person's (no-reply@, mailer-daemon@,
    notifications@...): never added by --add-new, and left out of the unknown list."""
    local = address.rpartition("@")[0] or address
    local = local.split("+", 1)[0].casefold()
    squeezed = "".join(c for c in local if c not in "-_.")
    return squeezed in MACHINE_SENDERS or squeezed.startswith(_MACHINE_PREFIXES)

NO_ONE_KNOWN = "no one you know was in it"
MACHINE = "only no-reply and other machine addresses"
ALREADY_IMPORTED = "already imported"
IN_THE_FUTURE = "dated after today"
DELETED_BY_YOU = "deleted by you"
# Why an import corrects who reached out in an interaction an earlier one created.
ORGANIZER_KNOWN = "imported before without its organizer, who is someone else: they " \
    "reached out"
THEY_STARTED = "imported before without the thread's first message, which someone else " \
    "sent: they reached out"
YOU_STARTED = "imported before without the thread's first message, which you sent: you " \
    "reached out"


@dataclass
class NewPerson:
    """An unknown address met often enough that `--add-new` adds them (untyped)."""

    address: str
    name: str  # the display name the source gives most often, else the address
    met: int  # how many sightings they were in
    id: int | None = None  # the id the store gave them, once the plan is applied


@dataclass
class Meeting:
    """One interaction an import creates, or merges into one already here.

    `people` are ids here (-n: the plan's new[n - 1]). `keys` are the (source key,
    person) pairs it records. A merge (`into` an interaction logged by hand with those
    people on that day) creates nothing: it records the keys there and, when that one has
    no note, fills it with the import's (`fill`)."""

    action: str  # "create" or "merge"
    record: object  # records.InteractionRecord: day, channel, note, they_reached_out
    people: list[int]
    keys: list[tuple[str, int]]
    into: int | None = None
    fill: str | None = None
    by_hand: bool = False  # a merge into one you logged (else into one imported before)
    # people a merge adds to the interaction `into`: someone you added since an earlier
    # import made it with the others of that event occurrence
    joins: list[int] = field(default_factory=list)
    id: int | None = None  # the id the store gave a create, once applied


@dataclass
class SightingPlan:
    meetings: list[Meeting] = field(default_factory=list)
    new: list[NewPerson] = field(default_factory=list)
    # (address, display name or None, how many sightings), most frequent first
    unknown: list[tuple[str, str | None, int]] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> how many sightings
    # (interaction, its day, they reached out, why) an earlier import created saying
    # otherwise: an event whose organizer, known now, is someone else (they reached out);
    # a mail thread whose first message this import holds (its sender decides, either way)
    corrections: list[tuple[int, object, bool, str]] = field(default_factory=list)

    def skip(self, reason: str, n: int = 1) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + n

    def counts(self) -> dict[str, int]:
        return {"created": sum(m.action == "create" for m in self.meetings),
                "merged": sum(m.action == "merge" for m in self.meetings),
                "people": len(self.new), "unknown": len(self.unknown),
                "skipped": sum(self.skipped.values())}

    def entries(self, names: dict[int, str]) -> list[dict]:
        """The plan as plain data (`ties import --dry-run --json`), people by name."""
        def who(ids: list[int]) -> list[str]:
            return sorted((self.new[-i - 1].name if i < 0 else names.get(i, f"@{i}")
                           for i in ids), key=str.casefold)

        out: list[dict] = [{"kind": "person", "action": "create", "name": p.name,
                            "email": p.address, "id": p.id,
                            "reason": f"met {p.met} times, and --add-new adds those met "
                                      f"at least {ADD_NEW_AT} times"} for p in self.new]
        for m in self.meetings:
            r = m.record
            entry = {"kind": "interaction", "action": m.action, "date": r.when.isoformat(),
                     "channel": r.channel, "note": r.note, "people": who(m.people),
                     "they_reached_out": r.they_reached_out,
                     "keys": sorted({k for k, _ in m.keys})}
            if m.action == "merge":
                entry["into"] = m.into
                entry["fills_note"] = m.fill
                entry["reason"] = (("you logged it with them that day" if m.by_hand else
                                    "imported before with the others in it, who were known "
                                    "then: they join it" if m.joins else
                                    "imported before, from the same thread that day")
                                   + ("" if m.joins else ": merged into it")
                                   + ("; fills its empty note" if m.fill else ""))
                entry["joins"] = who(m.joins)
            else:
                entry["id"] = m.id
            out.append(entry)
        out += [{"kind": "interaction", "action": "correct", "into": iid,
                 "date": day.isoformat(), "they_reached_out": theirs, "reason": why}
                for iid, day, theirs, why in self.corrections]
        return out


# Whether `plan_sightings` plans an event occurrence nothing here touches at once, as the
# create its general path would make (a test compares both ways on generated stores).
_DIRECT = True
_ALREADY = object()  # the group of an occurrence imported before with everyone in it


def _thread_openers(found: list) -> dict[str, object]:
    """Each mail thread's first message: the one whose key names the thread, else its
    earliest in the file."""
    first: dict[str, object] = {}
    for s in found:  # sorted by day, then key
        if s.thread is None:
            continue
        current = first.get(s.thread)
        if current is None or (s.key == s.thread and current.key != s.thread):
            first[s.thread] = s
    return first


def _thread_before(first, pid: int, roots: set[str], here, threads, earlier) -> list:
    """The interactions earlier imports made of `first`'s thread with `pid`, as sorted
    (day, they reached out, interaction, whether it holds the thread's start): found by a
    key this file's messages name (`linked`) or by a root they name alike (`threads`)."""
    rows: dict[int, bool] = {}
    for key in first.linked:
        iid = here.get((key, pid))
        if iid is not None and iid in earlier:
            rows[iid] = rows.get(iid, False) or key in roots
    for root in roots:
        for key, p, iid in threads.get(root, ()):
            if p == pid and iid in earlier:
                rows[iid] = rows.get(iid, False) or key == root
    return sorted((*earlier[iid], iid, start) for iid, start in rows.items())


def plan_sightings(sightings, index: dict[str, int], here: dict[tuple[str, int], int],
                   logged: dict[tuple[int, object], tuple[int, str | None]], *, today,
                   add_new: bool = False,
                   earlier: dict[int, tuple[object, bool]] | None = None,
                   created: set[int] | frozenset[int] = frozenset(),
                   threads: dict[str, list[tuple[str, int, int]]] | None = None,
                   deleted: set[tuple[str, int]] | frozenset = frozenset()
                   ) -> SightingPlan:
    """What importing `sightings` (records.Sightings) does.

    `index` maps every address of everyone here (lower-cased) to their id; `here` the
    (key, person) pairs already imported to the interaction that holds them; `logged`
    (person, day) to the first interaction logged by hand with them that day and its note;
    `earlier` each interaction an import recorded keys in to (its day, they_reached_out);
    `created` the interactions a calendar or mail import created (not merged into);
    `threads` each mail thread's root key -> the (key, person, interaction) an import
    recorded with that root (`Sighting.root`); `deleted` the (key, person) pairs whose
    interaction you deleted.

    - A calendar occurrence is one interaction with every known person in it; a mailbox's
      messages are one interaction per person per thread per day. The thread's first
      message (an event's organizer) decides who reached out: they did when it is anyone
      but you, known here or not. A thread imported before (Sent, then Inbox: a message
      here names one imported then, `Sighting.linked`, or names the same root,
      `threads`) is the same thread: a day of it already imported for that person is
      joined. Who reached out is decided by whichever import holds the thread's start
      (a message naming no earlier one, `Sighting.starts`); when both or neither do, by
      the earliest day (the same day: the earlier import). When this file decides, the
      interactions an earlier import created for the thread that say otherwise are
      corrected, either way (`SightingPlan.corrections`; a sender is definite).
    - A (key, person) already here is skipped; a key new to a thread-day already imported
      for that person is recorded on that interaction (merged), adding nothing.
    - An occurrence imported before as you reaching out, whose organizer is now someone
      else (an export without ORGANIZER, then one with it), is corrected: they reached
      out (`SightingPlan.corrections`), only on an interaction an import created, never
      one you logged; never the other way (an export that lacks the organizer says
      nothing about who reached out).
    - Someone added since an event occurrence was imported with the others in it joins
      the interaction that import created (`Meeting.joins`), as one import knowing them
      all would have had them in it; not one you logged (yours is yours), and only when
      they have none of their own that day (logged by hand: merged there, as always).
    - Someone with an interaction logged by hand that day: merged into it, never a second
      one. Yours wins: its day, channel, flags and note stay; an empty note gets the
      import's title or subject.
    - An interaction you deleted stays deleted: an event occurrence whose key you deleted
      with anyone in it, or a person's day of a mail thread holding a message whose key
      you deleted with them, is skipped (`DELETED_BY_YOU`), whoever has been added since.
    - No known person: counted, and the unknown addresses listed by how often they were
      met; with `add_new`, those met at least ADD_NEW_AT times become new people (and
      their sightings are planned like anyone's). A machine's address (no-reply@,
      mailer-daemon@: `is_machine_address`) is neither listed nor added.
    """
    plan = SightingPlan()
    found = []
    for s in sightings.found:
        if s.when > today:
            plan.skip(IN_THE_FUTURE)
        else:
            found.append(s)
    found.sort(key=lambda s: (s.when, s.key))
    met: dict[str, int] = {}
    shown: dict[str, dict[str, int]] = {}
    # A calendar's occurrences of one event share its addresses and names: each distinct
    # tuple of them is looked up in the index once.
    unknown_in: dict[tuple, tuple[str, ...]] = {}
    named_in: dict[tuple, tuple[tuple[str, str], ...]] = {}
    for s in found:
        unknown = unknown_in.get(s.others)
        if unknown is None:
            unknown = unknown_in[s.others] = tuple(
                a for a in dict.fromkeys(s.others) if a not in index)
        for address in unknown:
            met[address] = met.get(address, 0) + 1
        if s.names:
            named = named_in.get(s.names)
            if named is None:
                named = named_in[s.names] = tuple(
                    (a, n) for a, n in s.names if a not in index and n)
            for address, name in named:
                counted = shown.setdefault(address, {})
                counted[name] = counted.get(name, 0) + 1

    def best_name(address: str) -> str | None:
        names = shown.get(address)
        return max(sorted(names), key=names.get) if names else None

    ranked = sorted(((a, n) for a, n in met.items() if not is_machine_address(a)),
                    key=lambda kv: (-kv[1], kv[0]))
    index = dict(index)
    if add_new:
        for address, n in ranked:
            if n >= ADD_NEW_AT:
                plan.new.append(NewPerson(address, best_name(address) or address, n))
                index[address] = -len(plan.new)
    plan.unknown = [(a, best_name(a), n) for a, n in ranked if a not in index]
    openers = _thread_openers(found)
    roots: dict[str, set[str]] = {}  # a thread here -> the roots its messages name
    for s in found:
        if s.thread is not None and s.root is not None:
            roots.setdefault(s.thread, set()).add(s.root)

    # Group: an event occurrence on its own; mail per person, thread and day. An
    # occurrence that nothing here touches (none of its keys imported or deleted, no one
    # in it with an interaction logged by hand that day: a first import's common case) is
    # planned at once as the create the general path below would make of it; one imported
    # before with everyone in it, not deleted, and with no organizer to correct (a
    # re-import's common case), as the skip it would make.
    deleted_keys = {key for key, _ in deleted}  # an occurrence deleted with anyone in it
    imported_keys = {key for key, _ in here} if _DIRECT else ()
    logged_days = {day for _, day in logged}
    known_in: dict[tuple, list[int] | str] = {}  # the people in each tuple of addresses,
    # or the reason it is skipped
    groups: dict[object, dict | Meeting] = {}
    for s in found:
        people = known_in.get(s.others)
        if people is None:
            people = known_in[s.others] = list(dict.fromkeys(
                index[a] for a in s.others if a in index)) or (
                MACHINE if s.others and all(map(is_machine_address, s.others))
                else NO_ONE_KNOWN)
        if people.__class__ is str:
            plan.skip(people)
            continue
        if s.thread is None:
            key = s.key
            if _DIRECT and key not in imported_keys and key not in deleted_keys and not (
                    s.when in logged_days and any((p, s.when) in logged for p in people)):
                groups[key] = Meeting("create", _record(s, s.reached_out is not None),
                                      people[:], [(key, p) for p in people])
            elif key in imported_keys and key not in deleted_keys and all(
                    (key, p) in here for p in people) and (
                    s.reached_out is None or not earlier or all(
                        here[(key, p)] not in created or earlier[here[(key, p)]][1]
                        for p in people)):
                groups[key] = _ALREADY  # a re-import's common case: nothing to correct
            else:
                groups[key] = {"sightings": [s], "people": people[:]}
            continue
        for pid in people:
            group = groups.setdefault((pid, s.thread, s.when),
                                      {"sightings": [], "people": [pid]})
            group["sightings"].append(s)
    filled: set[int] = set()
    corrected: set[int] = set()
    for group in groups.values():
        if group.__class__ is Meeting:
            plan.meetings.append(group)
            continue
        if group is _ALREADY:
            plan.skip(ALREADY_IMPORTED)
            continue
        sights = group["sightings"]
        first = sights[0]
        if (first.key in deleted_keys if first.thread is None else
                any((s.key, p) in deleted for s in sights for p in group["people"])):
            plan.skip(DELETED_BY_YOU, len(sights))
            continue
        opener = openers.get(first.thread, first) if first.thread else first
        theirs = opener.reached_out is not None  # anyone but you, known here or not
        before = {}  # person -> [(day, they reached out, interaction, holds its start)]
        if first.thread is not None and earlier:
            for pid in group["people"]:
                met = _thread_before(first, pid, roots.get(first.thread, set()), here,
                                     threads or {}, earlier)
                if met:
                    before[pid] = met
        if before:
            rows = sorted(m for ms in before.values() for m in ms)
            started = [m for m in rows if m[3]]  # an earlier import held its first message
            if started and not opener.starts:
                theirs = started[0][1]
            elif opener.starts and not started or opener.when < rows[0][0]:
                for _, was, iid, _ in rows:  # this file holds the thread's start: it
                    # decides for the days imported before too, either way
                    if iid in created and iid not in corrected and was != theirs:
                        corrected.add(iid)
                        plan.corrections.append((iid, earlier[iid][0], theirs,
                                                 THEY_STARTED if theirs else YOU_STARTED))
            else:  # the thread started in an earlier import (the same day: that one)
                theirs = rows[0][1]
        if first.thread is None and theirs and earlier:
            # the organizer arrived later (an export without it, then one with it)
            for iid in dict.fromkeys(here[(first.key, p)] for p in group["people"]
                                     if (first.key, p) in here):
                if iid in created and iid not in corrected and not earlier[iid][1]:
                    corrected.add(iid)
                    plan.corrections.append((iid, first.when, True, ORGANIZER_KNOWN))
        fresh = [pid for pid in group["people"]
                 if any((s.key, pid) not in here for s in sights)]
        if not fresh:
            plan.skip(ALREADY_IMPORTED, len(sights))
            continue
        rest = []
        into_groups: dict[int, list[int]] = {}
        joining: set[tuple[int, int]] = set()
        for pid in fresh:
            imported = next((here[(s.key, pid)] for s in sights if (s.key, pid) in here),
                            None)
            if imported is None:  # that day of the thread, from an earlier import
                imported = next((iid for day, _, iid, _ in before.get(pid, ())
                                 if day == first.when), None)
            hand = logged.get((pid, first.when))
            target = imported if imported is not None else hand[0] if hand else None
            if target is None and first.thread is None:  # an occurrence imported before
                target = next((here[(s.key, p)] for s in sights for p in group["people"]
                               if here.get((s.key, p)) in created), None)
                if target is not None:
                    joining.add((target, pid))
            if target is None:
                rest.append(pid)
            else:
                into_groups.setdefault(target, []).append(pid)
        for target, pids in into_groups.items():
            hand = next((logged[(p, first.when)] for p in pids
                         if logged.get((p, first.when), (None,))[0] == target), None)
            fill = None
            if hand is not None and hand[1] is None and first.note and target not in filled:
                fill = first.note  # the note yours lacks; said once per interaction
                filled.add(target)
            plan.meetings.append(Meeting(
                "merge", _record(first, theirs), pids,
                [(s.key, p) for s in sights for p in pids if (s.key, p) not in here],
                into=target, fill=fill, by_hand=hand is not None,
                joins=[p for p in pids if (target, p) in joining]))
        if rest:
            plan.meetings.append(Meeting(
                "create", _record(first, theirs), rest,
                [(s.key, p) for s in sights for p in rest]))
    return plan


def _record(first, theirs: bool):
    """The interaction a meeting creates or merges from a group whose first sighting is
    `first`: its day, channel and note, and whether they reached out."""
    return InteractionRecord(when=first.when, channel=first.channel, note=first.note,
                             they_reached_out=theirs)
