"""People: add, edit, show, list, rm."""

from __future__ import annotations

from typing import Annotated

import typer

from ties.cli import options as o
from ties.cli.app import (
    app,
    complete_type_or_untyped,
    confirm,
    console,
    emit_json,
    reading,
    say,
    today,
    writing,
)
from ties.core import personfields
from ties.core.fields import MAX_ID

TABLE_LIMIT = 100  # rows in the list table unless --limit says otherwise

def profile_of(options: dict) -> dict:
    """The validated profile fields from the options `o.profile_options` gave a command
    (parameter name -> text or None), but for the email addresses and phone numbers
    (`contacts_of`)."""
    from ties.core import fields

    names = personfields.options()
    return fields.profile({names[param]: value for param, value in options.items()
                           if param in names
                           and not personfields.field(names[param]).repeatable})


def contacts_of(kind: str, values: list[str] | None) -> list[str] | None:
    """Checked addresses or numbers from a repeatable option, once each; None when the
    option was not given ('' alone gives an empty list: it clears them)."""
    if values is None:
        return None
    from ties.core import contacts, fields

    return contacts.unique(kind, [fields.contact(kind, v) for v in values])


@app.command(rich_help_panel="People")
@o.profile_options(skip=("name",), after={"linkedin": ("tag",), "met": ("on", "via")},
                   defaults={"type": "tactical"})
def add(
    name: Annotated[str, typer.Argument(help="Their full name (quote it if it has spaces).",
                                        show_default=False)],
    tag: o.Tags = None,
    on: Annotated[str, typer.Option(help="When you met: 2025-03-14, yesterday, 3 days ago, "
                                    "friday, 3 March.")] = "today",
    via: o.Via = "in-person",
    no_log: Annotated[bool, typer.Option("--no-log", help="Don't record the meeting as an "
                                         "interaction.")] = False,
    another: Annotated[bool, typer.Option("--another", help="Add a second person with a name "
                                          "that is already in ties.")] = False,
    json: Annotated[bool, typer.Option("--json", help="Print the person added, with their "
                                       "id, as 'ties show --json' does.")] = False,
    **options: str | None,
) -> None:
    """Add someone you just met; the meeting is logged too.

    Example: ties add "Ana Lima" --type strategic --company Acme --met "PyCon, CRDT talk"
    """
    from ties.core import dates, fields
    from ties.core.records import InteractionRecord
    from ties.storage import store

    day = today()
    person_name = fields.name(name)
    profile = profile_of(options)
    lists = {kind: contacts_of(kind, options.get(kind)) for kind in ("email", "phone")}
    tags = [fields.tag(t) for t in tag or []]
    first = None
    if not no_log:
        first = InteractionRecord(when=dates.parse_when(on, day), channel=fields.channel(via),
                                  note=profile.get("met") or fields.FIRST_MEETING)
    with writing() as session:
        pid = store.add_person(session, name=person_name, fields=profile, tags=tags, today=day,
                               first=first, another=another,
                               contacts={k: v for k, v in lists.items() if v})
        added = person_json(store.raw(session), pid) if json else None
    if added is not None:
        emit_json(added)
    kind = profile.get("type") or "untyped"
    say(f"Added {person_name} (@{pid}) as {kind}"
        + (f", met {dates.ago(first.when, day)}." if first else "."))


@app.command(rich_help_panel="People")
@o.profile_options(after={"email": ("add_email", "remove_email"),
                          "phone": ("add_phone", "remove_phone"),
                          "linkedin": ("tag", "untag"), "notes": ("add_note",)},
                   help={"notes": "Replace their notes ('' clears them).",
                         "email": "Replace their email addresses with these; repeat for "
                         "several, the first is the primary ('' removes them all).",
                         "phone": "Replace their phone numbers with these; repeat for "
                         "several, the first is the primary ('' removes them all)."})
def edit(
    name: o.Name,
    add_email: Annotated[list[str] | None, typer.Option(
        "--add-email", help="Add an email address after theirs; repeat for several.",
        show_default=False)] = None,
    remove_email: Annotated[list[str] | None, typer.Option(
        "--remove-email", help="Remove one of their email addresses; repeat for several.",
        show_default=False)] = None,
    add_phone: Annotated[list[str] | None, typer.Option(
        "--add-phone", help="Add a phone number after theirs; repeat for several.",
        show_default=False)] = None,
    remove_phone: Annotated[list[str] | None, typer.Option(
        "--remove-phone", help="Remove one of their phone numbers; repeat for several.",
        show_default=False)] = None,
    tag: o.Tags = None,
    untag: Annotated[list[str] | None, typer.Option(
        "--untag", help="Remove a tag; repeat for several.", show_default=False)] = None,
    add_note: Annotated[str | None, typer.Option(
        "--add-note", help="Append a line to their notes.", show_default=False)] = None,
    moved: Annotated[bool, typer.Option(
        "--moved", help="With --company or --role: they changed jobs (not a typo fixed). "
        "The earlier job is kept in their history, and 'ties next' suggests congratulating "
        "them.")] = False,
    **options: str | None,
) -> None:
    """Change someone's details; '' clears a field.

    Example: ties edit Ana --company Globex --working-on "a book on CRDTs" --every 3w
    """
    from ties.core import fields
    from ties.core.names import fold
    from ties.storage import queries, store

    changes = profile_of(options)
    lists = {kind: (contacts_of(kind, replace), contacts_of(kind, more) or [],
                    contacts_of(kind, less) or [])
             for kind, replace, more, less in (
                 ("email", options.get("email"), add_email, remove_email),
                 ("phone", options.get("phone"), add_phone, remove_phone))
             if replace is not None or more or less}
    add_tags = [fields.tag(t) for t in tag or []]
    remove_tags = [fields.tag(t) for t in untag or []]
    appended = fields.text("notes", add_note) if add_note is not None else None
    if moved and not ({"company", "role"} & set(changes)):
        from ties.core.errors import BadValue

        raise BadValue("--moved says they changed jobs: give it with their new --company or "
                       "--role, for example: ties edit Ana --company Globex --role CTO --moved")
    if not (changes or lists or add_tags or remove_tags or appended):
        from ties.core.errors import BadValue

        raise BadValue("Nothing to change: give at least one option, for example --company. "
                       "See 'ties edit --help'.")
    with writing() as session:
        conn = store.raw(session)
        who = queries.find_person(conn, name)
        before = queries.profile(conn, who.id)
        from ties.core import contacts

        new_lists = {kind: contacts.edited(kind, before[f"{kind}s"], replace=replace,
                                           add=more, remove=less, whose=who.name)
                     for kind, (replace, more, less) in lists.items()}
        new_lists = {k: v for k, v in new_lists.items() if v != before[f"{k}s"]}
        tags = set(queries.tags_of(conn, [who.id])[who.id])
        # The same name again still writes its search key: it repairs one left stale
        # by a change outside ties ('ties doctor' says so).
        stale = "name" in changes and queries.name_key(conn, who.id) != fold(changes["name"])
        if not appended and not stale and not new_lists and set(add_tags) <= tags and \
                not set(remove_tags) & tags and all(
                before.get(key) == value for key, value in changes.items()):
            say(f"{who.name} (@{who.id}) already has those details; nothing changed.")
            return
        person = store.update_person(session, who.id, changes, add_tags=add_tags,
                                     remove_tags=remove_tags, append_note=appended,
                                     contacts=new_lists)
        shown = person.name
        from ties.core.reconcile import Job

        change = Job(before["company"] or None, before["role"] or None,
                     person.company or None, person.role or None)
        job = (before["company"], before["role"]) != (person.company, person.role)
        if moved and job and not change.spelling_only:
            store.record_job(session, who.id, before, today())
    if moved and job and change.spelling_only:
        say(f"Updated {shown} (@{who.id}): {change.history.removesuffix(' (spelling only)')} "
            f"is a spelling fix, not a job change; nothing was added to their history.")
        return
    if moved and job:
        say(f"Updated {shown} (@{who.id}): {change.history}, kept in their history.")
        return
    say(f"Updated {shown} (@{who.id}).")


@app.command(rich_help_panel="People")
def show(name: o.Name, json: o.Json = False) -> None:
    """Show someone's profile, what to remember, and history.

    Example: ties show Ana
    """
    from ties.core import settings
    from ties.storage import queries

    day = today()
    with reading() as conn:
        who = queries.find_person(conn, name)
        data = person_json(conn, who.id) if json else None
        if data is None:
            person = queries.profile(conn, who.id)
            history = queries.history(conn, who.id)
            promises = queries.follow_ups(conn, who.id)
            cadence = settings.cadence_for(queries.settings(conn), person["type"],
                                           person["cadence_days"])
    if data is not None:
        emit_json(data)
        return
    from ties.cli import render

    out = console()
    out.print(render.profile(person, history, promises, day, cadence, out.width))


def person_json(conn, person_id: int) -> dict:
    """Someone as 'ties show --json' (and 'ties add --json') prints them."""
    from ties.core import fields, rhythm, settings
    from ties.storage import queries

    person = queries.profile(conn, person_id)
    data = fields.profile_json(person)
    data["every_effective_days"] = settings.cadence_for(
        queries.settings(conn), person["type"], person["cadence_days"])
    fixed = bool(person["cadence_days"])
    typical, gaps = person.get("rhythm_days"), person.get("rhythm_gaps") or 0
    data["usual_gap_days"] = typical if rhythm.learned(typical, gaps, fixed) else None
    data["expected_every_days"] = rhythm.expected_interval(
        data["every_effective_days"], typical, gaps, fixed)
    data["history"] = [
        {k: item[k] for k in ("id", "date", "channel", "note", "they_reached_out", "gave",
                              "received", "with")}
        for item in queries.history(conn, person_id)
    ]
    data["follow_ups"] = [{k: f[k] for k in ("id", "text", "due", "created")}
                          for f in queries.follow_ups(conn, person_id)]
    data["jobs"] = person["jobs"]
    return data


@app.command("list", rich_help_panel="People")
def list_(
    type_: Annotated[str | None, typer.Option(
        "--type", "-t", help="Only this type: tactical, social, strategic or untyped.",
        show_default=False, autocompletion=complete_type_or_untyped)] = None,
    tag: Annotated[str | None, typer.Option(help="Only people with this tag.",
                                            show_default=False)] = None,
    search: Annotated[str | None, typer.Option(
        "--search", "-s", help="Only people whose name, company, role, notes or other text "
        "contains this.", show_default=False)] = None,
    archived: Annotated[bool, typer.Option(
        "--archived", help="List archived people instead of active ones.")] = False,
    everyone: Annotated[bool, typer.Option("--all", help="List active and archived people.")]
    = False,
    limit: Annotated[int | None, typer.Option(
        min=1, max=MAX_ID, help="Show at most this many (default: 100 in a table, all with "
        "--json).",
        show_default=False)] = None,
    json: o.Json = False,
) -> None:
    """List people, sorted by name.

    Example: ties list --type strategic --search acme
    """
    from ties.core import fields
    from ties.storage import queries

    kind = None
    if type_ is not None:
        kind = "untyped" if type_.strip().lower() == "untyped" else \
            fields.relationship_type(type_)
    filters = {"type_": kind, "tag": tag, "search": search,
               "archived": None if everyone else archived}
    shown_limit = limit or (None if json else TABLE_LIMIT)
    day = today()
    with reading() as conn:
        rows = queries.list_people(conn, **filters, limit=shown_limit)
        matching = queries.count_matching(conn, **filters) if len(rows) == shown_limit \
            else len(rows)
        total = matching or queries.count_people(conn)
    if json:
        emit_json([
            {k: r[k] for k in ("id", "name", "type", "company", "role", "industry", "location",
                               "email", "emails", "tags", "last_contact", "interactions",
                               "archived")}
            for r in rows
        ])
        return
    if not rows:
        if total == 0:
            say("No one in ties yet. Add the last person you met: ties add \"Ana Lima\" "
                "--company Acme  (or try 'ties demo').")
        else:
            say("No one matches. 'ties list' shows everyone.")
        return
    from ties.cli import render

    console().print(render.people_table(rows, day, console().width))
    if len(rows) < matching:
        say(f"Showing {len(rows)} of {matching}; --limit N shows more, or narrow it down with "
            "--type, --tag or --search.")
    else:
        say(f"{len(rows)} {'person' if len(rows) == 1 else 'people'}")


@app.command(rich_help_panel="People")
def rm(name: o.Name, yes: o.Yes = False) -> None:
    """Delete someone and their history, after asking.

    Example: ties rm "Ana Lima" --yes
    """
    from ties.storage import queries, store

    with reading() as conn:  # ask outside the write lock: a prompt must not block others
        who = queries.find_person(conn, name)
        n = queries.profile(conn, who.id)["interactions"]
    confirm(f"Delete {who.name} (@{who.id}) and their {n} interaction{'' if n == 1 else 's'} "
            "for good? (Interactions shared with others stay with them.)", yes)
    with writing() as session:
        store.remove_person(session, who.id)
    say(f"Deleted {who.name}.")
