"""Turning contacts into relationships: triage, duplicates, merge."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ties.cli import options as o
from ties.cli.app import app, confirm, console, echo, emit_json, reading, say, today, writing
from ties.core.fields import MAX_ID
from ties.core.text import plural

CHOICES = {"1": "tactical", "2": "social", "3": "strategic"}
PROMPT = "[1] tactical  [2] social  [3] strategic  [a] archive  [s] skip  [q] quit"


def _key() -> str:
    """One keypress on a terminal; one line when the answers are piped in (scripts, tests)."""
    if sys.stdin.isatty():
        return typer.getchar().lower()
    line = sys.stdin.readline()
    return line.strip().lower()[:1] if line else "q"


@app.command(rich_help_panel="People")
def triage(
    limit: Annotated[int | None, typer.Option(min=1, max=MAX_ID,
                                              help="Stop after this many people.",
                                              show_default=False)] = None,
) -> None:
    """Sort imported contacts into types, one key each.

    Example: ties triage
    """
    from ties.core import dates, scoring
    from ties.core.reconcile import held
    from ties.storage import queries, store

    day = today()
    with reading() as conn:
        waiting = queries.count_untyped(conn)
    if waiting == 0:
        say("No one is waiting for triage: everyone has a type.")
        return
    say(f"{waiting} {'person has' if waiting == 1 else 'people have'} no type yet. Decide "
        "who is a relationship worth keeping; each answer is saved at once, so you can stop "
        "any time and pick up later.")
    seen: list[int] = []
    done = {"tactical": 0, "social": 0, "strategic": 0, "archived": 0, "skipped": 0}
    from ties.core.text import safe

    while limit is None or len(seen) < limit:
        with reading() as conn:
            batch = queries.untyped(conn, seen, 1)
        if not batch:
            break
        p = batch[0]
        seen.append(p["id"])
        work = " at ".join(safe(x) for x in (p["role"], p["company"]) if x)
        since = f", connected {p['connected_on'].isoformat()}" if p["connected_on"] else ""
        last = f", last in touch {dates.ago(p['last_contact'], day)}" if p["last_contact"] \
            else ""
        echo(f"\n{safe(p['name'])}" + (f" ({work})" if work else "") + since + last,
                   err=True)
        if p["job"] is not None:  # news to reach out with, whatever type they get
            job = p["job"]
            words = scoring.job_words(job) if 0 <= (day - job.day).days < \
                scoring.JOB_NEWS_DAYS else f"now {held(job.company, job.role)}"
            echo(f"  changed jobs {dates.ago(job.day, day)}: {safe(words)}", err=True)
        echo(PROMPT, err=True)
        answer = _key()
        while answer not in (*CHOICES, "a", "s", "q", ""):
            echo(f"Press one of: {PROMPT}", err=True)
            answer = _key()
        if answer == "q":
            seen.pop()
            break
        if answer in ("s", ""):
            done["skipped"] += 1
            continue
        changes = {"archived": True} if answer == "a" else {"type": CHOICES[answer]}
        with writing() as session:
            store.set_person_flags(session, p["id"], **changes)
        done["archived" if answer == "a" else CHOICES[answer]] += 1
    with reading() as conn:
        left = queries.count_untyped(conn)
    summary = ", ".join(f"{n} {k}" for k, n in done.items() if n)
    say(f"\nTriage: {summary or 'nothing decided'}. {left} still without a type"
        + ("; run 'ties triage' again to continue." if left else "."))


@app.command(rich_help_panel="People")
def duplicates(json: o.Json = False) -> None:
    """List people who are probably the same person.

    Example: ties duplicates
    """
    from ties.core import merging
    from ties.storage import queries

    with reading() as conn:
        rows = queries.identity_rows(conn)
    names = {r[0]: (r[1], r[3]) for r in rows}
    pairs = merging.likely_duplicates(rows)
    if json:
        emit_json([{"a": {"id": p.a, "name": names[p.a][0]},
                    "b": {"id": p.b, "name": names[p.b][0]}, "reason": p.reason}
                   for p in pairs])
        return
    if not pairs:
        say("No likely duplicates.")
        return
    from ties.core.text import safe

    def who(pid: int) -> str:
        name, company = names[pid]
        return f"@{pid} {safe(name)}" + (f" ({safe(company)})" if company else "")

    for p in pairs:
        echo(f"{who(p.a)}  ~  {who(p.b)}: {p.reason}")
    say(f"{len(pairs)} likely {'pair' if len(pairs) == 1 else 'pairs'}. Combine one with: ties "
        f"merge @{pairs[0].a} @{pairs[0].b}")


@app.command(rich_help_panel="People")
def merge(keep: o.Name, other: o.Name, yes: o.Yes = False) -> None:
    """Combine two records of one person, history and all.

    Example: ties merge @12 @15
    """
    from ties.core import merging
    from ties.storage import queries, store

    with reading() as conn:
        a = queries.find_person(conn, keep)
        b = queries.find_person(conn, other)
        if a.id == b.id:
            from ties.core.errors import BadValue

            raise BadValue(f"{keep!r} and {other!r} are the same person (@{a.id}); name two "
                           "different people.")
        pa, pb = queries.profile(conn, a.id), queries.profile(conn, b.id)
        learned = queries.merge_facts(conn, [a.id, b.id])
    plan = merging.plan({**pa, **learned[a.id]}, {**pb, **learned[b.id]})
    from ties.core.text import safe

    out = console(stderr=True)
    out.print(f"Merge @{b.id} {safe(b.name)} into @{a.id} {safe(a.name)}:", markup=False)
    newer = {key: mine for key, _, mine in plan.newer}
    for key, value in plan.take.items():
        out.print(f"  {key.replace('_', ' ')}: take {safe(value)}"
                  + (f" (learned later; {safe(newer[key])} goes into notes)"
                     if key in newer else ""), markup=False)
    for key, mine, theirs in plan.keep:
        out.print(f"  {key.replace('_', ' ')}: keep {safe(mine)} (their {safe(theirs)} goes "
                  "into notes)", markup=False)
    if plan.tags:
        out.print(f"  tags: add {safe(', '.join(plan.tags))}", markup=False)
    for kind, values in plan.contacts.items():
        added = values[len(pa[f"{kind}s"]):]
        word = "email addresses" if kind == "email" else "phone numbers"
        out.print(f"  {word}: add {safe(', '.join(added))}", markup=False)
    out.print(f"  history: {plural(pb['interactions'], 'interaction')} and every follow-up "
              f"move to @{a.id}", markup=False)
    confirm(f"Merge them and delete @{b.id}?", yes)
    with writing() as session:
        store.merge_people(session, a.id, b.id)
    say(f"Merged {b.name} into {a.name} (@{a.id}).")
