"""The health of your network."""

from __future__ import annotations

from typing import Annotated

import typer

from ties.cli import options as o
from ties.cli.app import app, complete_type, console, emit_json, reading, say, today
from ties.core.fields import MAX_ID
from ties.core.report import SORTS  # pure and light: the sort orders the model defines


@app.command(rich_help_panel="Keeping in touch")
def report(
    type_: Annotated[str | None, typer.Option(
        "--type", "-t", help="Only this type: tactical, social or strategic.",
        show_default=False, autocompletion=complete_type)] = None,
    sort: Annotated[str, typer.Option(
        help="Order of the table: strength, due, last, name or balance (you owe first).",
        autocompletion=lambda incomplete: [s for s in SORTS if s.startswith(incomplete)])]
    = "strength",
    since: Annotated[str, typer.Option(
        help="Start of the period the summary and the period column count: a date, or "
        "'3 months ago'.")] = "90 days ago",
    limit: Annotated[int, typer.Option(min=1, max=MAX_ID,
                                                help="Show at most this many rows.")] = 30,
    everyone: Annotated[bool, typer.Option("--all", help="Show every row (no limit).")]
    = False,
    json: o.Json = False,
) -> None:
    """Show the health of your network: strength, balance, rhythm.

    Example: ties report --type strategic --sort due
    """
    from ties import views
    from ties.core import dates, fields
    from ties.core import report as model
    from ties.core.errors import BadValue
    from ties.storage import queries

    day = today()
    kind = fields.relationship_type(type_) if type_ else None
    if sort not in SORTS:
        raise BadValue(f"--sort must be one of {', '.join(SORTS)}, not {sort!r}.")
    start = dates.parse_when(since, day, option="--since")
    if start == day:
        raise BadValue("--since must be before today, for example '30 days ago'.")
    with reading() as conn:
        summary, shown = views.network_health(conn, day, start, kind, sort,
                                        None if everyone else limit)
        shown = model.with_period_counts(shown, queries.interactions_in_period(
            conn, [r.tie.id for r in shown], start, day))
        follow = views.follow_through(conn, day) if summary.people else []
    if json:
        emit_json({"summary": {**views.summary_json(summary),
                               "follow_through": views.follow_through_json(follow)},
                   "people": [views.row_json(r, day) for r in shown]})
        return
    if not summary.people:
        say("No one in ties yet. Add the last person you met: ties add \"Ana Lima\" "
            "(or try 'ties demo').")
        return
    from ties.cli import render

    out = console()
    parts = [render.report_summary(summary, day, follow), "",
             render.report_table(shown, day, out.width, start)]
    if out.is_terminal and len(shown) + 12 > out.height:
        import os

        from ties.cli import paging

        command, env, colour = paging.plan(os.environ)
        with out.pager(paging.UserPager(command, env), styles=colour):
            out.print(*parts)
    else:
        out.print(*parts)
    if len(shown) < summary.people:
        say(f"Showing {len(shown)} of {summary.people}; --all shows everyone, --limit N more.")
