"""Interactions: log one, correct one, delete one."""

from __future__ import annotations

from typing import Annotated

import typer

from ties.cli import options as o
from ties.cli.app import (
    app,
    complete_channel,
    confirm,
    emit_json,
    reading,
    say,
    today,
    writing,
)
from ties.core.fields import MAX_ID

On = Annotated[str, typer.Option(
    help="When it happened: 2025-03-14, today, yesterday, 3 days ago, friday, 3 March.")]


@app.command(rich_help_panel="Keeping in touch")
def log(
    names: o.Names,
    on: On = "today",
    via: o.Via = "other",
    note: Annotated[str | None, typer.Option(
        "--note", "-n", help="What you talked about, what you learned.", show_default=False)]
    = None,
    gave: Annotated[bool, typer.Option("--gave", help="You helped: an intro, advice, a "
                                       "favour.")] = False,
    received: Annotated[bool, typer.Option("--received", help="They helped you.")] = False,
    they_reached_out: Annotated[bool, typer.Option(
        "--they-reached-out", help="They started it (you did, by default).")] = False,
    force: Annotated[bool, typer.Option(
        "--force", help="Log it even if the same interaction was logged minutes ago.")] = False,
    promise: Annotated[str | None, typer.Option(
        "--promise", help="Something you promised them then; recorded as a follow-up, as "
        "'ties follow-up' does (one person only).", show_default=False)] = None,
    due: Annotated[str | None, typer.Option(
        help="When the promise is due: friday, in 2 weeks, 2025-04-01; a past date records "
        "it as already overdue.", show_default=False)] = None,
    json: Annotated[bool, typer.Option("--json", help="Print the interaction logged, with "
                                       "its id (and the promise, if any).")] = False,
) -> None:
    """Record that you were in touch with one or more people.

    Example: ties log Ana Bo --on yesterday --via in-person --note "coffee, new job" --gave
    """
    from ties import views
    from ties.core import dates, fields
    from ties.core.errors import WrongUsage
    from ties.core.records import InteractionRecord
    from ties.storage import queries, store

    day = today()
    meeting = InteractionRecord(
        when=dates.parse_when(on, day), channel=fields.channel(via),
        note=fields.text("note", note), gave=gave, received=received,
        they_reached_out=they_reached_out,
    )
    if due is not None and promise is None:
        raise WrongUsage("--due is the due date of a --promise; give both, for example: "
                         "ties log Ana --promise \"send the deck\" --due friday.")
    promised = views.promise(promise) if promise is not None else None
    when = (dates.parse_when(due, day, future=True, option="--due", past_ok=True)
            if due is not None else None)
    fid = None
    with writing() as session:
        conn = store.raw(session)
        people = [queries.find_person(conn, n) for n in names]
        ids = list(dict.fromkeys(p.id for p in people))
        if promised is not None and len(ids) > 1:
            raise WrongUsage("--promise goes with one person; log this, then record it "
                             "with: ties follow-up NAME \"what you promised\".")
        iid = store.log(session, ids, meeting, force=force)
        if promised is not None:
            fid = store.add_follow_up(session, ids[0], promised, when, day)
        logged = None
        if json:
            logged = interaction_json(queries.interaction(conn, iid))
            logged["follow_up"] = (views.follow_up_data(queries.follow_up(conn, fid), day)
                                   if fid is not None else None)
    if logged is not None:
        emit_json(logged)
    who = ", ".join(p.name for p in {p.id: p for p in people}.values())
    said = f"Logged #{iid}: {meeting.channel} with {who}, {dates.ago(meeting.when, day)}."
    if fid is not None:
        said += f" Follow-up #{fid}: {promised}, {views.due_words(when, day)}."
    say(said)


def interaction_json(item: dict) -> dict:
    """An interaction as 'ties log --json' prints it."""
    return {"id": item["id"], "date": item["date"], "channel": item["channel"],
            "note": item["note"], "gave": item["gave"], "received": item["received"],
            "they_reached_out": item["they_reached_out"],
            "people": [{"id": pid, "name": name} for pid, name in item["people"]]}


interaction_app = typer.Typer(
    name="interaction", help="Correct or delete a logged interaction.", no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(interaction_app, rich_help_panel="Keeping in touch")

InteractionId = Annotated[int, typer.Argument(
    help="The interaction's number, as 'ties show NAME' lists it.", show_default=False,
    min=1, max=MAX_ID)]


@interaction_app.command("edit")
def interaction_edit(
    interaction_id: InteractionId,
    on: Annotated[str | None, typer.Option(help="The corrected date.", show_default=False)]
    = None,
    via: Annotated[str | None, typer.Option(help="The corrected channel.", show_default=False,
                                            autocompletion=complete_channel)] = None,
    note: Annotated[str | None, typer.Option("--note", "-n", help="The corrected note ('' "
                                             "clears it).", show_default=False)] = None,
    gave: Annotated[bool | None, typer.Option("--gave/--no-gave", help="Whether you helped.",
                                              show_default=False)] = None,
    received: Annotated[bool | None, typer.Option(
        "--received/--no-received", help="Whether they helped you.", show_default=False)]
    = None,
    they_reached_out: Annotated[bool | None, typer.Option(
        "--they-reached-out/--i-reached-out", help="Who started it.", show_default=False)]
    = None,
) -> None:
    """Correct a logged interaction.

    Example: ties interaction edit 42 --on "3 March" --via call --no-gave
    """
    from ties.core import dates, fields
    from ties.core.errors import BadValue
    from ties.storage import store

    changes: dict = {}
    if on is not None:
        changes["date"] = dates.parse_when(on, today())
    if via is not None:
        changes["channel"] = fields.channel(via)
    if note is not None:
        changes["note"] = fields.text("note", note)
    for key, value in (("gave", gave), ("received", received),
                       ("they_reached_out", they_reached_out)):
        if value is not None:
            changes[key] = value
    if not changes:
        raise BadValue("Nothing to change: give at least one option, for example --on. See "
                       "'ties interaction edit --help'.")
    from ties.storage import queries

    with writing() as session:
        current = queries.interaction(store.raw(session), interaction_id)
        if all(current[key] == value for key, value in changes.items()):
            say(f"Interaction #{interaction_id} already says that; nothing changed.")
            return
        store.update_interaction(session, interaction_id, changes)
    say(f"Updated interaction #{interaction_id}.")


@interaction_app.command("rm")
def interaction_rm(interaction_id: InteractionId, yes: o.Yes = False) -> None:
    """Delete a logged interaction, after asking.

    Example: ties interaction rm 42 --yes
    """
    from ties.storage import queries, store

    with reading() as conn:
        item = queries.interaction(conn, interaction_id)
    people = ", ".join(name for _, name in item["people"]) or "nobody"
    confirm(f"Delete interaction #{interaction_id} ({item['channel']} on "
            f"{item['date'].isoformat()} with {people})?", yes)
    with writing() as session:
        store.delete_interaction(session, interaction_id)
    say(f"Deleted interaction #{interaction_id}.")
