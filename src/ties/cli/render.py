"""Rich renderables for people to read. Never touches the database.

Everything a user typed is shown literally: it goes into `Text` objects (never
parsed as Rich markup) after `safe()` has made control characters visible, so a
name like "[bold]" or one with terminal escape sequences cannot restyle or
take over the terminal.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ties.core import dates, personfields
from ties.core.fields import value_of
from ties.core.text import safe


def t(value: Any, style: str = "") -> Text:
    return Text(safe(value), style=style)


TYPE_STYLE = {"strategic": "magenta", "social": "green", "tactical": "cyan"}


def name_column(table: Table, names: list[str], width: int, header: str = "Name") -> None:
    """A name column wide enough for the longest name (up to half the screen), so names
    are never cut: the other columns wrap first."""
    longest = max((len(safe(n)) for n in names), default=4)
    table.add_column(header, no_wrap=True, min_width=min(longest, max(width // 2, 10)))


def type_text(type_: str | None) -> Text:
    return Text(safe(type_ or "untyped"), style=TYPE_STYLE.get(type_ or "", "dim"))


def people_table(rows: list[dict], today: date, width: int) -> Table:
    """Names stay whole on one line; at under 100 columns the role column is dropped
    and company and tags wrap."""
    wide = width >= 100
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    name_column(table, [r["name"] for r in rows], width)
    table.add_column("Type", no_wrap=True)
    table.add_column("Company", overflow="fold", ratio=2)
    if wide:
        table.add_column("Role", overflow="fold", ratio=2)
    table.add_column("Last contact", no_wrap=True)
    table.add_column("Tags", overflow="fold", ratio=1)
    for r in rows:
        name = t(r["name"])
        if r.get("archived"):
            name.append(" (archived)", style="dim")
        cells = [name, type_text(r["type"]), t(r["company"])]
        if wide:
            cells.append(t(r["role"]))
        cells += [Text(dates.ago(r["last_contact"], today)), t(", ".join(r["tags"]))]
        table.add_row(*cells)
    return table


def _flags(item: dict) -> str:
    flags = []
    if item["gave"]:
        flags.append("gave")
    if item["received"]:
        flags.append("received")
    if item["they_reached_out"]:
        flags.append("they reached out")
    return ", ".join(flags)


def _fact(f: personfields.PersonField, person: dict, cadence_days: int) -> Any:
    """One field of the profile's facts as `show` prints it (by its kind)."""
    value = value_of(f, person)
    if f.kind == "tags":
        return ", ".join(value or [])
    if f.kind == "month-day" and value is None and person.get("birthday_damaged"):
        return (f"damaged ({person['birthday_damaged']}): fix with 'ties edit "
                f"@{person['id']} {f.option_flag} MM-DD'")
    if f.kind == "duration":  # the cadence that applies: theirs, or their type's
        every = f"every {dates.format_duration(cadence_days)}"
        return every + ("" if value else " (the type's default)")
    return value.isoformat() if hasattr(value, "isoformat") else value


def profile(person: dict, history: list[dict], follow_ups: list[dict], today: date,
            cadence_days: int) -> RenderableType:
    """A person's profile as `ties show` prints it: the title, the facts and what to
    remember (the field spec's sections, ties.core.personfields), promises, history."""
    parts: list[RenderableType] = []
    title = Text()
    title.append(safe(person["name"]), style="bold")
    title.append(f"  @{person['id']}  ", style="dim")
    title.append_text(type_text(person["type"]))
    if person["archived"]:
        title.append("  archived", style="yellow")
    if person["snoozed_until"] and person["snoozed_until"] > today:
        title.append(f"  snoozed until {person['snoozed_until'].isoformat()}", style="yellow")
    parts.append(title)

    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim", no_wrap=True)
    facts.add_column(overflow="fold")

    def fact(label: str, value: Any) -> None:
        if value not in (None, "", []):
            facts.add_row(label, value if isinstance(value, Text) else t(value))

    fact("Work", " · ".join(safe(v) for f in personfields.shown("work")
                            if (v := value_of(f, person))))
    for f in personfields.shown("facts"):
        if f.repeatable:  # every one, the primary first; the rest on lines of their own
            one = person.get(f.name)
            for n, value in enumerate(person.get(f"{f.name}s") or ([one] if one else [])):
                fact(f.title if n == 0 else "", value)
            continue
        fact(f.title, _fact(f, person, cadence_days))
    last = person.get("last_contact")
    fact("Last contact", f"{dates.ago(last, today)} ({last.isoformat()})" if last else "never")
    fact("Reciprocity", f"gave {person['gave_count']} · received {person['received_count']}")
    parts.append(facts)

    remember = Table.grid(padding=(0, 2))
    remember.add_column(style="dim", no_wrap=True)
    remember.add_column(overflow="fold")
    for f in personfields.shown("remember"):
        if value := value_of(f, person):
            remember.add_row(f.title, t(value))
    if remember.row_count:
        parts += [Text("\nWhat to remember", style="bold"), remember]

    if follow_ups:
        promises = Table.grid(padding=(0, 2))
        promises.add_column(style="dim", no_wrap=True)
        promises.add_column(overflow="fold")
        for f in follow_ups:
            due = f"due {f['due'].isoformat()}" if f["due"] else "no date"
            if f["due"] and f["due"] < today:
                due += f" ({dates.lateness(f['due'], today)})"
            promises.add_row(f"#{f['id']} {due}", t(f["text"]))
        parts += [Text("\nPromised", style="bold"), promises]

    parts.append(Text(f"\nHistory ({len(history)})", style="bold"))
    if history:
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        table.add_column("#", style="dim", no_wrap=True, justify="right")
        table.add_column("Date", no_wrap=True)
        table.add_column("Via", no_wrap=True)
        table.add_column("Note", overflow="fold", ratio=1)
        for item in history:
            note = t(item["note"])
            extra = _flags(item)
            if item["with"]:
                extra = ", ".join(filter(None, [extra, "with " + ", ".join(item["with"])]))
            if extra:
                if note.plain:
                    note.append("  ")
                note.append(safe(extra), style="dim")
            table.add_row(str(item["id"]), item["date"].isoformat(), t(item["channel"]), note)
        parts.append(table)
    else:
        parts.append(Text("No interactions yet. Record one with 'ties log'.", style="dim"))
    return Group(*parts)


def next_table(items: list[dict], width: int) -> Table:
    """This week's suggestions. Names stay whole; reasons wrap. Under 100 columns the
    type goes under the name and the topic under the reasons."""
    wide = width >= 100
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("#", justify="right", no_wrap=True, style="dim")
    name_column(table, [i["name"] for i in items], width)
    if wide:
        table.add_column("Type", no_wrap=True)
    table.add_column("Last contact", overflow="fold")
    table.add_column("Why" if wide else "Why, and what to talk about", overflow="fold",
                     ratio=3)
    if wide:
        table.add_column("Talk about", overflow="fold", ratio=2)
    for i, item in enumerate(items, 1):
        name = t(item["name"], style="bold")
        if not wide:
            name = Text.assemble(name, "\n", type_text(item["type"]))
        if item["stretch"]:
            name.append("\nstretch", style="yellow")
        why = Text("\n").join(t("· " + r) for r in item["reasons"])
        topic = t(item["talk_about"], style="italic")
        cells = [str(i), name] + ([type_text(item["type"])] if wide else [])
        cells.append(t(item["last_contact_words"]))
        if wide:
            cells += [why, topic]
        else:
            cells.append(Text.assemble(why, "\n", topic) if topic.plain else why)
        table.add_row(*cells)
    return table


def follow_up_table(items: list[dict], today: date) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("#", justify="right", no_wrap=True, style="dim")
    table.add_column("Name", no_wrap=True)
    table.add_column("Promise", overflow="fold", ratio=1)
    table.add_column("Due", no_wrap=True)
    for f in items:
        if f["done"]:
            due = Text(f"done {f['done'].isoformat()}", style="dim")
        elif f["due"] is None:
            due = Text("")
        else:
            late = (today - f["due"]).days
            style = "red" if late > 0 else ("yellow" if late > -7 else "")
            due = Text(f"{f['due'].isoformat()} ({dates.lateness(f['due'], today)})",
                       style=style)
        table.add_row(str(f["id"]), t(f["name"]), t(f["text"]), due)
    return table


STATUS_STYLE = {"strong": "green", "steady": "cyan", "due": "yellow", "reconnect": "magenta",
                "new": "blue", "snoozed": "dim", "imported": "dim"}


def strength_text(value: int) -> Text:
    style = "green" if value >= 60 else ("yellow" if value >= 30 else "red")
    return Text(str(value), style=style)


def _names(names: list[str], limit: int = 4) -> str:
    shown = ", ".join(safe(n) for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _spread(spread: list[tuple[str, int]], limit: int = 5) -> str:
    shown = ", ".join(f"{safe(name)} {n}" for name, n in spread[:limit])
    return shown + (f" and {len(spread) - limit} more" if len(spread) > limit else "")


def report_summary(s, today: date) -> Group:
    """The few lines above the report table (s is a report.Summary)."""
    days = (today - s.since).days
    period = f"since {s.since:%-d %b}" if days != 90 else "this quarter"
    lines: list[Text] = []
    head = Text()
    if s.type:
        head.append(f"{s.type.capitalize()} ties only: ", style=TYPE_STYLE.get(s.type, ""))
    head.append(f"{s.people} {'person' if s.people == 1 else 'people'}", style="bold")
    head.append(f" · {s.strong} strong {'tie' if s.strong == 1 else 'ties'}", style="bold")
    head.append(f" · {s.active} active {period}")
    lines.append(head)

    types = Text()
    for kind in (s.type,) if s.type else ("strategic", "social", "tactical"):
        v = s.by_type[kind]
        if types.plain:
            types.append(" · ")
        types.append(kind, style=TYPE_STYLE[kind])
        types.append(f" {v['count']} ({v['due']} due)")
    lines.append(types)
    if s.slipping:
        v = s.by_type["strategic"]
        lines.append(Text(f"Your strategic ties are the ones slipping: {v['due']} of "
                          f"{v['count']} are due ({_names(s.slipping_ties)}). They matter "
                          "most; start with them in 'ties next'.", style="yellow"))

    give = Text(f"Help {period}: you gave {s.gave} {'time' if s.gave == 1 else 'times'}, "
                f"received {s.received}")
    if s.owe:
        give.append(f" · your turn to give back: {_names(s.owe)}")
    lines.append(give)

    if s.industry_spread or s.company_spread:
        if s.industry_spread:
            lines.append(Text(f"Industries of your active ties: {_spread(s.industry_spread)}"))
        if s.company_spread:
            lines.append(Text(f"Companies: {_spread(s.company_spread)}"))
        if s.largest:
            zone = Text(f"The largest circle, {safe(s.largest)}, is {s.largest_share:.0%} "
                        "of your active ties")
            if s.largest_share >= 0.6 and s.active >= 3:
                zone.append(". Most of your time goes there: reach out to someone outside "
                            "it.")
            lines.append(zone)
    else:
        lines.append(Text("No industries or companies recorded for your active ties: add "
                          "them with 'ties edit NAME --industry ...' to see your comfort "
                          "zone."))

    from ties.core.report import sparkline

    rhythm = Text("Last 12 weeks: ")
    rhythm.append(sparkline(s.weekly), style="cyan")
    rhythm.append(f" {s.weekly[-1]} this week · streak {s.streak_weeks} "
                  f"{'week' if s.streak_weeks == 1 else 'weeks'}")
    lines.append(rhythm)
    return Group(*lines)


def report_table(rows: list, today: date, width: int, since: date) -> Table:
    """One row per person. Columns drop by priority as the terminal narrows: company and
    gave/received below 120 columns, type and next due below 100; names stay whole."""
    wide, medium = width >= 120, width >= 100
    period = "90d" if (today - since).days == 90 else f"since {since:%-d %b}"
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    name_column(table, [r.tie.name for r in rows], width)
    if medium:
        table.add_column("Type", no_wrap=True)
    if wide:
        table.add_column("Company", overflow="fold", ratio=1)
    table.add_column("Last contact", overflow="fold")
    table.add_column(f"{period}/all", justify="right", no_wrap=True)
    if wide:
        table.add_column("Gave/rec", justify="right", no_wrap=True)
    table.add_column("Strength", justify="right", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    if medium:
        table.add_column("Next due", no_wrap=True)
    for r in rows:
        tie = r.tie
        cells = [t(tie.name)]
        if medium:
            cells.append(type_text(tie.type))
        if wide:
            cells.append(t(tie.company))
        cells += [Text(dates.ago(tie.last_contact, today)),
                  Text(f"{tie.in_period}/{tie.interactions}")]
        if wide:
            cells.append(Text(f"{tie.gave}/{tie.received}"))
        cells += [strength_text(r.strength), Text(r.status, style=STATUS_STYLE[r.status])]
        if medium:
            due = tie.due
            cells.append(Text("—" if due is None else due.isoformat() if due > today
                              else "now"))
        table.add_row(*cells)
    return table
