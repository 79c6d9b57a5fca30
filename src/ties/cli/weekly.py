"""The weekly habit: next, follow-ups, snooze, archive, config."""

from __future__ import annotations

from typing import Annotated

import typer

from ties.cli import options as o
from ties.cli.app import (
    app,
    complete_follow_up,
    complete_setting,
    complete_type,
    confirm,
    console,
    emit_json,
    reading,
    say,
    today,
    writing,
)
from ties.core.fields import MAX_ID


@app.command("next", rich_help_panel="Keeping in touch")
def next_(
    count: Annotated[int | None, typer.Option(
        "--count", "-n", min=1, max=100, show_default=False,
        help="How many people to suggest (default: the weekly count in 'ties config', 5).")]
    = None,
    type_: Annotated[str | None, typer.Option(
        "--type", "-t", help="Only this type: tactical, social or strategic.",
        show_default=False, autocompletion=complete_type)] = None,
    json: o.Json = False,
) -> None:
    """Show whom to reach out to this week, and why.

    Example: ties next --count 3
    """
    from ties import views
    from ties.core import fields

    kind = fields.relationship_type(type_) if type_ else None
    with reading() as conn:
        items, empty = views.this_week(conn, today(), count, kind)
        last = None if json else views.last_week(conn, today())
    if json:
        emit_json([{k: v for k, v in item.items() if k != "last_contact_words"}
                   for item in items])
        return
    from ties.cli import render

    if not items:
        say(empty)
    else:
        out = console()
        out.print(render.next_table(items, out.width))
    if last:
        say(render.last_week_line(last))


@app.command("follow-up", rich_help_panel="Keeping in touch")
def follow_up(
    name: o.Name,
    text: Annotated[str, typer.Argument(help="What you promised: send an article, make an "
                                        "intro.", show_default=False)],
    due: Annotated[str | None, typer.Option(
        help="When it is due: friday, next monday, in 2 weeks, 2025-04-01; a past date "
        "records a promise that is already overdue.",
        show_default=False)] = None,
    json: Annotated[bool, typer.Option("--json", help="Print the promise recorded, with its "
                                       "id.")] = False,
) -> None:
    """Record something you promised someone.

    Example: ties follow-up Ana "send the CRDT paper" --due friday
    """
    from ties import views
    from ties.core import dates
    from ties.storage import queries, store

    day = today()
    when = (dates.parse_when(due, day, future=True, option="--due", past_ok=True)
            if due is not None else None)
    promise = views.promise(text)
    with writing() as session:
        conn = store.raw(session)
        who = queries.find_person(conn, name)
        fid = store.add_follow_up(session, who.id, promise, when, day)
        recorded = (views.follow_up_data(queries.follow_up(conn, fid), day) if json
                    else None)
    if recorded is not None:
        emit_json(recorded)
    late = f" ({dates.lateness(when, day)})" if when and when < day else ""
    say(f"Follow-up #{fid} for {who.name}" + (f", due {when.isoformat()}{late}." if when
                                               else "."))


follow_ups_app = typer.Typer(
    name="follow-ups", invoke_without_command=True, rich_markup_mode=None)
app.add_typer(follow_ups_app, rich_help_panel="Keeping in touch")

FollowUpId = Annotated[int, typer.Argument(
    help="The follow-up's number, from 'ties follow-ups'.", min=1, max=MAX_ID,
    show_default=False, autocompletion=complete_follow_up)]


@follow_ups_app.callback()
def follow_ups(
    ctx: typer.Context,
    everything: Annotated[bool, typer.Option("--all", help="Include done ones.")] = False,
    json: o.Json = False,
) -> None:
    """List open promises, soonest due first; edit or remove one.

    'ties follow-ups edit ID' rewords or reschedules a promise, 'ties follow-ups rm ID'
    deletes one, 'ties done ID' keeps it.

    Example: ties follow-ups --all
    """
    if ctx.invoked_subcommand is not None:
        if everything or json:
            from ties.core.errors import WrongUsage

            sub = ctx.invoked_subcommand
            raise WrongUsage(f"--all and --json before '{sub}' are the list's options; put "
                             f"--json after it: ties follow-ups {sub} ID --json.")
        return
    from ties import views
    from ties.storage import queries

    day = today()
    with reading() as conn:
        items = queries.follow_ups(conn, include_done=everything)
    if json:
        emit_json([views.follow_up_data(f, day) for f in items])
        return
    if not items:
        say("No open promises. Record one with: ties follow-up NAME \"what you promised\".")
        return
    from ties.cli import render

    out = console()
    out.print(render.follow_up_table(items, day, out.width))


@follow_ups_app.command("edit")
def follow_ups_edit(
    follow_up_id: FollowUpId,
    text: Annotated[str | None, typer.Option(
        "--text", help="What you promised, reworded.", show_default=False)] = None,
    due: Annotated[str | None, typer.Option(
        help="The new due date: friday, in 2 weeks, 2025-04-01; a past date records it as "
        "already overdue; '' clears it.", show_default=False)] = None,
    no_due: Annotated[bool, typer.Option("--no-due", help="Clear the due date.")] = False,
    reopen: Annotated[bool, typer.Option("--reopen", help="Open a promise marked done "
                                         "again ('ties done' by mistake).")] = False,
    json: Annotated[bool, typer.Option("--json", help="Print the promise as JSON.")]
    = False,
) -> None:
    """Reword, reschedule or reopen a promise.

    Example: ties follow-ups edit 3 --due "next friday" --text "send the deck"
    """
    from ties import views
    from ties.core import dates
    from ties.core.errors import BadValue
    from ties.storage import queries, store

    day = today()
    changes: dict = {}
    if text is not None:
        changes["text"] = views.promise(text)
    if no_due and due not in (None, ""):
        raise BadValue("Give --due DATE or --no-due, not both.")
    if no_due or due == "":
        changes["due"] = None
    elif due is not None:
        changes["due"] = dates.parse_when(due, day, future=True, option="--due",
                                          past_ok=True)
    if reopen:
        changes["done"] = None
    if not changes:
        raise BadValue("Nothing to change: give --text, --due, --no-due or --reopen. See "
                       "'ties follow-ups edit --help'.")
    with writing() as session:
        conn = store.raw(session)
        current = queries.follow_up(conn, follow_up_id)
        same = all(current[k] == v for k, v in changes.items())
        if not same:
            store.update_follow_up(session, follow_up_id, changes)
            current = queries.follow_up(conn, follow_up_id)
    if json:
        emit_json(views.follow_up_data(current, day))
    if same:
        say(f"Follow-up #{follow_up_id} already says that; nothing changed.")
        return
    say(f"{'Reopened' if reopen and len(changes) == 1 else 'Updated'} follow-up "
        f"#{follow_up_id} for {current['name']}: {current['text']}, "
        f"{views.due_words(current['due'], day)}.")


@follow_ups_app.command("rm")
def follow_ups_rm(
    follow_up_id: FollowUpId,
    yes: o.Yes = False,
    json: Annotated[bool, typer.Option("--json", help="Print the deleted promise as JSON.")]
    = False,
) -> None:
    """Delete a promise, after asking.

    Its number is never given to another promise. To mark it kept instead, use 'ties done'.

    Example: ties follow-ups rm 3 --yes
    """
    from ties import views
    from ties.storage import queries, store

    day = today()
    with reading() as conn:
        item = queries.follow_up(conn, follow_up_id)
    state = f"done {item['done'].isoformat()}" if item["done"] else \
        views.due_words(item["due"], day)
    confirm(f"Delete follow-up #{follow_up_id} for {item['name']} ({item['text']}, "
            f"{state})?", yes)
    with writing() as session:
        item = queries.follow_up(store.raw(session), follow_up_id)
        store.delete_follow_up(session, follow_up_id)
    if json:
        emit_json(views.follow_up_data(item, day))
    say(f"Deleted follow-up #{follow_up_id} for {item['name']}: {item['text']}.")


@app.command(rich_help_panel="Keeping in touch")
def done(
    follow_up_id: FollowUpId,
) -> None:
    """Mark a promise as kept.

    Example: ties done 3
    """
    from ties.storage import store

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

    from ties.core import dates
    from ties.core.errors import BadValue
    from ties.storage import queries, store

    day = today()
    if (until is None) == (for_ is None):
        raise BadValue("Give either --until DATE or --for DURATION, for example: ties snooze "
                       "Ana --for 3w.")
    if until is not None:
        end = dates.parse_when(until, day, future=True, option="--until", past_ok=True)
        if end <= day:
            raise BadValue(f"{until.strip()!r} is {end.isoformat()}; snoozing until then "
                           "would hide no one. --until needs a date after today. Try one "
                           f"of: {dates.date_forms(day, future=True, after_today=True)}.")
    else:
        end = day + timedelta(days=dates.parse_duration(for_ or "", option="--for"))
    with writing() as session:
        conn = store.raw(session)
        who = queries.find_person(conn, name)
        before = queries.profile(conn, who.id)
        if before["snoozed_until"] != end:
            store.set_person_flags(session, who.id, snoozed_until=end)
    was = before["snoozed_until"]
    if was == end:
        say(f"{who.name} is already snoozed until {end.isoformat()}; nothing changed.")
        return
    earlier = f" (was until {was.isoformat()})" if was and was > day else ""
    say(f"Snoozed {who.name} until {end.isoformat()}{earlier}; 'ties unsnooze' brings them "
        "back sooner." + _also_hidden(before, day, snoozed=False))


@app.command(rich_help_panel="Keeping in touch")
def unsnooze(name: o.Name) -> None:
    """Bring a snoozed person back into 'ties next'.

    If they are not snoozed, nothing changes (exit code 0).

    Example: ties unsnooze Ana
    """
    day = today()
    who, before = _set_flag(name, "snoozed_until", None,
                            lambda p: p["snoozed_until"] is not None and
                            p["snoozed_until"] > day)
    if before is None:
        say(f"{who.name} is not snoozed; nothing changed.")
        return
    say(f"{who.name} is no longer snoozed" + _still_hidden(before, day, snoozed=False))


@app.command(rich_help_panel="People")
def archive(name: o.Name) -> None:
    """Stop suggesting someone; their history is kept.

    If they are archived already, nothing changes (exit code 0).

    Example: ties archive "Old Colleague"
    """
    who, before = _set_flag(name, "archived", True, lambda p: not p["archived"])
    if before is None:
        say(f"{who.name} is already archived; nothing changed ('ties unarchive' brings them "
            "back).")
        return
    say(f"{who.name} is archived: history kept, no more suggestions ('ties unarchive' to "
        "undo).")


@app.command(rich_help_panel="People")
def unarchive(name: o.Name) -> None:
    """Bring an archived person back.

    If they are not archived, nothing changes (exit code 0).

    Example: ties unarchive "Old Colleague"
    """
    who, before = _set_flag(name, "archived", False, lambda p: p["archived"])
    if before is None:
        say(f"{who.name} is not archived; nothing changed.")
        return
    say(f"{who.name} is active again" + _still_hidden(before, today(), archived=False))


def _set_flag(name: str, key: str, value, needed):
    """Set a flag when `needed(person)` says it would change something. Returns the person
    found and their profile before the change, or None when nothing was changed (so an
    import that created them can still be undone)."""
    from ties.storage import queries, store

    with writing() as session:
        conn = store.raw(session)
        who = queries.find_person(conn, name)
        before = queries.profile(conn, who.id)
        if not needed(before):
            return who, None
        store.set_person_flags(session, who.id, **{key: value})
    return who, before


def _still_hidden(person: dict, day, *, archived: bool | None = None,
                  snoozed: bool | None = None) -> str:
    """The end of a sentence saying whether 'ties next' can suggest them now, and if not,
    what else keeps them out."""
    reasons = _hidden_by(person, day, archived=archived, snoozed=snoozed)
    if not reasons:
        return ": 'ties next' can suggest them again."
    return ", but " + "; and ".join(reasons) + "."


def _also_hidden(person: dict, day, *, snoozed: bool) -> str:
    reasons = _hidden_by(person, day, snoozed=snoozed)
    return (" (Besides, " + "; and ".join(reasons) + ".)") if reasons else ""


def _hidden_by(person: dict, day, *, archived: bool | None = None,
               snoozed: bool | None = None) -> list[str]:
    archived = person["archived"] if archived is None else archived
    until = person["snoozed_until"]
    snoozed = (until is not None and until > day) if snoozed is None else snoozed
    reasons = []
    if archived:
        reasons.append("they are archived: 'ties unarchive' lets 'ties next' suggest them")
    if snoozed:
        reasons.append(f"they are snoozed until {until.isoformat()} ('ties unsnooze' ends "
                       "that)")
    if person["type"] is None:
        reasons.append("they have no type yet, so 'ties next' suggests them only for a "
                       "job change: 'ties triage' or 'ties edit NAME --type ...' gives them "
                       "one")
    return reasons


@app.command(rich_help_panel="Your data")
def config(
    key: Annotated[str | None, typer.Argument(help="A setting, e.g. cadence.strategic.",
                                              show_default=False,
                                              autocompletion=complete_setting)] = None,
    value: Annotated[str | None, typer.Argument(help="Its new value.", show_default=False)]
    = None,
    reset: Annotated[bool, typer.Option("--reset", help="Put KEY back to its default.")]
    = False,
    json: o.Json = False,
) -> None:
    """Show or change settings: cadences, weights, weekly count.

    Example: ties config cadence.strategic 4w
    """
    from ties.core import settings
    from ties.core.errors import BadValue
    from ties.storage import queries

    if key is not None and key not in settings.SPECS:
        raise BadValue(f"There is no setting {key!r}. Known settings: "
                       f"{', '.join(settings.SPECS)}.")
    if key is not None and (value is not None or reset):
        if value is not None and reset:
            raise BadValue("Give a value or --reset, not both.")
        from ties.storage import store

        stored = None if reset else settings.stored_form(key, value or "")
        with writing() as session:
            store.set_setting(session, key, stored)
        shown = settings.SPECS[key].default if reset else stored
        if json:
            emit_json({key: settings.parse(key, shown)})
        say(f"{key} = {settings.display(key, shown)}" + (" (default)" if reset else ""))
        return
    with reading() as conn:
        current = queries.settings(conn)
    keys = [key] if key else list(settings.SPECS)
    if json:
        emit_json({k: current[k] for k in keys})
        return
    from ties.cli import render

    rows = [(k, settings.display(k, current[k]), settings.SPECS[k].help,
             current[k] != settings.parse(k, settings.SPECS[k].default)) for k in keys]
    console().print(render.settings_table(rows, console().width))
