"""The weekly habit: next, follow-ups, snooze, archive, config."""

from __future__ import annotations

from typing import Annotated

import typer

from ties.cli import options as o
from ties.cli.app import app, console, emit_json, reading, say, today, writing
from ties.fields import MAX_ID


@app.command("next", rich_help_panel="Keeping in touch")
def next_(
    count: Annotated[int | None, typer.Option(
        "--count", "-n", min=1, max=100, show_default=False,
        help="How many people to suggest (default: the weekly count in 'ties config', 5).")]
    = None,
    type_: Annotated[str | None, typer.Option(
        "--type", "-t", help="Only this type: tactical, social or strategic.",
        show_default=False)] = None,
    json: o.Json = False,
) -> None:
    """Show whom to reach out to this week, and why.

    Example: ties next --count 3
    """
    from ties import fields

    kind = fields.relationship_type(type_) if type_ else None
    with reading() as conn:
        items, empty = this_week(conn, today(), count, kind)
    if json:
        emit_json([{k: v for k, v in item.items() if k != "last_contact_words"}
                   for item in items])
    elif not items:
        say(empty)
    else:
        from ties import render

        out = console()
        out.print(render.next_table(items, out.width))


def this_week(conn, day, count: int | None, kind: str | None) -> tuple[list[dict], str]:
    """The week's suggestions as plain data, and what to say when there are none."""
    from ties import dates, queries, render, scoring

    cfg = queries.settings(conn)
    weights = scoring.Weights(cfg["weight.strategic"], cfg["weight.social"],
                              cfg["weight.tactical"])
    wanted = count or cfg["next.count"]
    candidates = queries.next_candidates(conn, day, cfg, kind, count=wanted)
    zone = queries.comfort_zone(conn, day) if cfg["next.stretch"] else None
    pool = queries.stretch_pool(conn, day, cfg, zone, kind) if zone and zone.dominant else []
    picks = scoring.suggest(candidates, day, wanted, weights, pool, zone)
    ids = [s.facts.id for s in picks]
    notes = queries.last_notes(conn, ids)
    points = queries.talking_points(conn, ids)
    items = [
        {
            "id": s.facts.id,
            "name": s.facts.name,
            "type": s.facts.type,
            "score": round(s.score, 2),
            "last_contact": s.facts.last_contact,
            "days_since": (day - s.facts.last_contact).days if s.facts.last_contact else None,
            "last_contact_words": dates.ago(s.facts.last_contact, day),
            "due": s.due,
            "reasons": s.reasons,
            "stretch": s.stretch,
            "follow_ups": [p.text for p in s.facts.promises],
            "talk_about": render.talk_about(points[s.facts.id], notes.get(s.facts.id)),
        }
        for s in picks
    ]
    if items:
        return items, ""
    if queries.count_people(conn) == 0:
        return [], ("No one in ties yet. Add the last person you met: ties add \"Ana Lima\" "
                    "--type strategic  (or try 'ties demo').")
    upcoming = queries.next_due(conn, day, cfg)
    if upcoming is None:
        if queries.list_people(conn, type_="untyped", limit=1):
            return [], ("No one has a type yet, and 'ties next' suggests only typed people. "
                        "Give someone one: ties edit NAME --type strategic.")
        waiting = queries.count_imported_never_contacted(conn)
        if waiting:
            return [], (f"No one to suggest yet: {waiting} imported "
                        f"{'person stays' if waiting == 1 else 'people stay'} out of 'ties "
                        "next' until you log an interaction with them (ties log NAME).")
        return [], "No one to suggest: everyone is archived or snoozed."
    due = upcoming["due"]
    when = dates.ago(due, day) if due > day else "now"
    return [], f"Everyone is up to date. Next due: {upcoming['name']}, {when} ({due.isoformat()})."


@app.command("follow-up", rich_help_panel="Keeping in touch")
def follow_up(
    name: o.Name,
    text: Annotated[str, typer.Argument(help="What you promised: send an article, make an "
                                        "intro.", show_default=False)],
    due: Annotated[str | None, typer.Option(
        help="When it is due: friday, next monday, in 2 weeks, 2025-04-01.",
        show_default=False)] = None,
) -> None:
    """Record something you promised someone.

    Example: ties follow-up Ana "send the CRDT paper" --due friday
    """
    from ties import dates, fields, queries, store
    from ties.errors import BadValue

    day = today()
    when = dates.parse_when(due, day, future=True, option="--due") if due is not None else None
    promise = fields.text("follow_up", text, "The promise")
    if not promise:
        raise BadValue("Say what you promised, for example: ties follow-up Ana \"send the "
                       "paper\".")
    with writing() as session:
        who = queries.find_person(store.raw(session), name)
        fid = store.add_follow_up(session, who.id, promise, when, day)
    say(f"Follow-up #{fid} for {who.name}" + (f", due {when.isoformat()}." if when else "."))


@app.command("follow-ups", rich_help_panel="Keeping in touch")
def follow_ups(
    everything: Annotated[bool, typer.Option("--all", help="Include done ones.")] = False,
    json: o.Json = False,
) -> None:
    """List open promises, soonest due first.

    Example: ties follow-ups
    """
    from ties import queries

    day = today()
    with reading() as conn:
        items = queries.follow_ups(conn, include_done=everything)
    if json:
        emit_json([{k: f[k] for k in ("id", "name", "text", "due", "created", "done")}
                   for f in items])
        return
    if not items:
        say("No open promises. Record one with: ties follow-up NAME \"what you promised\".")
        return
    from ties import render

    console().print(render.follow_up_table(items, day))


@app.command(rich_help_panel="Keeping in touch")
def done(
    follow_up_id: Annotated[int, typer.Argument(help="The follow-up's number, from 'ties "
                                                "follow-ups'.", min=1, max=MAX_ID,
                                                show_default=False)],
) -> None:
    """Mark a promise as kept.

    Example: ties done 3
    """
    from ties import store

    with writing() as session:
        item = store.complete_follow_up(session, follow_up_id, today())
        text = item.text
    say(f"Done: {text}")


@app.command(rich_help_panel="Keeping in touch")
def snooze(
    name: o.Name,
    until: Annotated[str | None, typer.Option(help="Hide them from 'ties next' until this "
                                              "date: 2025-06-01, next monday.",
                                              show_default=False)] = None,
    for_: Annotated[str | None, typer.Option("--for", help="...or for this long: 2w, 1 "
                                             "month, 30d.", show_default=False)] = None,
) -> None:
    """Hide someone from 'ties next' for a while.

    Example: ties snooze Ana --for 3w
    """
    from datetime import timedelta

    from ties import dates, queries, store
    from ties.errors import BadValue

    day = today()
    if (until is None) == (for_ is None):
        raise BadValue("Give either --until DATE or --for DURATION, for example: ties snooze "
                       "Ana --for 3w.")
    if until is not None:
        end = dates.parse_when(until, day, future=True, option="--until")
    else:
        end = day + timedelta(days=dates.parse_duration(for_ or "", option="--for"))
    with writing() as session:
        who = queries.find_person(store.raw(session), name)
        store.set_person_flags(session, who.id, snoozed_until=end)
    say(f"Snoozed {who.name} until {end.isoformat()}; 'ties unsnooze' brings them back "
        "sooner.")


@app.command(rich_help_panel="Keeping in touch")
def unsnooze(name: o.Name) -> None:
    """Bring a snoozed person back into 'ties next'.

    Example: ties unsnooze Ana
    """
    _set_flag(name, "snoozed_until", None, "is back in 'ties next'")


@app.command(rich_help_panel="People")
def archive(name: o.Name) -> None:
    """Stop suggesting someone; their history is kept.

    Example: ties archive "Old Colleague"
    """
    _set_flag(name, "archived", True, "is archived: history kept, no more suggestions "
              "('ties unarchive' to undo)")


@app.command(rich_help_panel="People")
def unarchive(name: o.Name) -> None:
    """Bring an archived person back.

    Example: ties unarchive "Old Colleague"
    """
    _set_flag(name, "archived", False, "is active again")


def _set_flag(name: str, key: str, value, message: str) -> None:
    from ties import queries, store

    with writing() as session:
        who = queries.find_person(store.raw(session), name)
        store.set_person_flags(session, who.id, **{key: value})
    say(f"{who.name} {message}.")


@app.command(rich_help_panel="Your data")
def config(
    key: Annotated[str | None, typer.Argument(help="A setting, e.g. cadence.strategic.",
                                              show_default=False)] = None,
    value: Annotated[str | None, typer.Argument(help="Its new value.", show_default=False)]
    = None,
    reset: Annotated[bool, typer.Option("--reset", help="Put KEY back to its default.")]
    = False,
    json: o.Json = False,
) -> None:
    """Show or change settings: cadences, weights, weekly count.

    Example: ties config cadence.strategic 4w
    """
    from ties import queries, settings
    from ties.errors import BadValue

    if key is not None and key not in settings.SPECS:
        raise BadValue(f"There is no setting {key!r}. Known settings: "
                       f"{', '.join(settings.SPECS)}.")
    if key is not None and (value is not None or reset):
        if value is not None and reset:
            raise BadValue("Give a value or --reset, not both.")
        from ties import store

        stored = None if reset else settings.stored_form(key, value or "")
        with writing() as session:
            store.set_setting(session, key, stored)
        shown = settings.SPECS[key].default if reset else stored
        say(f"{key} = {settings.display(key, shown)}" + (" (default)" if reset else ""))
        return
    with reading() as conn:
        current = queries.settings(conn)
    keys = [key] if key else list(settings.SPECS)
    if json:
        emit_json({k: current[k] for k in keys})
        return
    for k in keys:
        spec = settings.SPECS[k]
        default = settings.parse(k, spec.default)
        mark = "" if current[k] == default else "  (changed)"
        typer.echo(f"{k:<20} {settings.display(k, current[k]):<8} {spec.help}{mark}")
