"""Where the data lives, and the demo."""

from __future__ import annotations

from typing import Annotated

import typer

from ties.cli.app import app, console, echo, live_store, say, state, today


@app.command(rich_help_panel="Your data")
def path() -> None:
    """Print where your data lives.

    Example: ties path
    """
    from ties.core.text import safe

    echo(safe(state().path))


@app.command(rich_help_panel="Start here")
def demo(
    seed: Annotated[int, typer.Option(help="Seed for the sample data; the same seed and day "
                                      "give the same network.")] = 7,
    force: Annotated[bool, typer.Option("--force", help="Replace what is where the demo "
                                        "goes even when it is not an earlier demo.")] = False,
) -> None:
    """Build and tour a sample network in a separate store.

    Example: ties demo
    """
    from datetime import UTC, datetime, time, timedelta

    from ties import views
    from ties.cli import render
    from ties.core import demo as sample
    from ties.core.records import InteractionRecord
    from ties.storage import backend, config, queries, store

    day = today()
    target = config.demo_db_path()
    if live_store() is not None and target.resolve() == live_store().resolve():
        from ties.core.errors import TiesError

        raise TiesError(f"Your store is at {target}, where the demo would go; the demo never "
                        "touches your own store. Use --db to choose another store.")
    if not force and not _replaceable(target, {p[0] for p in sample.PEOPLE}):
        from ties.core.errors import TiesError

        raise TiesError(f"{target} holds something other than an earlier demo, and the demo "
                        "never replaces it. Move it away, or run 'ties demo --force'.")
    for suffix in ("", "-wal", "-shm"):
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    people, interactions = sample.build(day, seed)

    def typed_on(d):  # as if each was logged that evening: the same seed gives the same store
        return datetime.combine(d, time(18), tzinfo=UTC)

    conn = backend.for_store(target).open()
    try:
        with conn.transaction(write=True):
            session = conn.backend.session(conn)
            ids = {}
            for p in people:
                ids[p.name] = store.add_person(
                    session, name=p.name, tags=p.tags, today=p.met_on,
                    fields={"type": p.type, "company": p.company, "role": p.role,
                            "industry": p.industry, "location": p.location,
                            "working_on": p.working_on or None, "struggles": p.struggles or None,
                            "cares_about": p.cares_about or None, "met": p.met,
                            "cadence_days": p.cadence_days},
                    first=InteractionRecord(when=p.met_on, channel="in-person", note=p.met),
                    stamp=typed_on(p.met_on),
                )
            for i in interactions:
                store.log(session, [ids[n] for n in i.names], InteractionRecord(
                    when=i.when, channel=i.channel, note=i.note, gave=i.gave,
                    received=i.received, they_reached_out=i.they_reached_out), force=True,
                    stamp=typed_on(i.when))
            session.flush()
            session.close()
        with conn.transaction(write=False):
            rows = queries.list_people(conn)
            week, _ = views.this_week(conn, day, None, None)
            health = views.network_health(conn, day, day - timedelta(days=90), None, limit=1)[0]
    finally:
        conn.close()
    out = console()
    out.rule("ties demo: your network")
    out.print(render.people_table(rows, day, out.width))
    out.rule("ties next: whom to reach out to this week, and why")
    out.print(render.next_table(week, out.width))
    out.rule("ties report: the health of your network")
    out.print(render.report_summary(health, day))
    say(f"A demo store with {len(people)} people and {len(interactions) + len(people)} "
        f"interactions is at {target}; your own store was not touched.")
    say(f"Explore it: ties --db {target} show 'Ana Lima'")


def _replaceable(target, demo_names: set[str]) -> bool:
    """Whether the demo may replace what is at `target`: nothing, an empty file, or an
    earlier demo (a ties store holding only the demo's people). Anything else, a store you
    added someone to or a file that is no store, is yours."""
    from ties.core.errors import TiesError
    from ties.storage import backend, queries

    if not target.exists() or (target.is_file() and target.stat().st_size == 0):
        return True
    if not target.is_file():
        return False
    try:
        conn = backend.for_store(target).open()
        try:
            with conn.transaction(write=False):
                names = {row["name"] for row in queries.list_people(conn, archived=None)}
        finally:
            conn.close()
    except TiesError:
        return False
    return names <= demo_names
