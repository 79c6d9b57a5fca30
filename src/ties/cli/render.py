"""Rich renderables for people to read. Never touches the database.

Everything a user typed is shown literally: it goes into `Text` objects (never
parsed as Rich markup) after `safe()` has made control characters visible, so a
name like "[bold]" or one with terminal escape sequences cannot restyle or
take over the terminal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rich import box
from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ties.core import dates, personfields
from ties.core.fields import value_of
from ties.core.text import safe


def t(value: Any, style: str = "") -> Text:
    return Text(safe(value), style=style)


TYPE_STYLE = {"strategic": "magenta", "social": "green", "tactical": "cyan"}


@dataclass
class Column:
    """A column of a table fitted to the terminal (`fitted`): `keep` orders which columns
    go first when even their narrowest does not fit (lowest first; None: never dropped);
    a column that may `wrap` does so between words only, so it is never narrower than its
    longest word, and one that may not is never narrower than its longest line. A
    column to show `whole` (a name) makes columns go when that lets it stay on one line."""

    header: str
    wrap: bool = True
    keep: int | None = None
    whole: bool = False  # rather drop a column than wrap this one (names)
    least: int = 0  # narrower than this it is no use (a column of reasons): its narrowest
    justify: str = "left"
    style: str = ""
    cells: list[RenderableType] = field(default_factory=list)


GAP = 3  # between two columns: a space of padding each side and the separator


def _lines(cell: RenderableType) -> list[str]:
    return (cell.plain if isinstance(cell, Text) else str(cell)).split("\n")


def _widths(col: Column) -> tuple[int, int]:
    """The narrowest a column can be without cutting a word (or a line, when it may not
    wrap), and the width it would like."""
    lines = [line for c in [col.header, *col.cells] for line in _lines(c)]
    natural = max((cell_len(line) for line in lines), default=0)
    if not col.wrap:
        return natural, natural
    words = [cell_len(w) for line in lines for w in line.split()]
    lowest = max(max(words, default=0), min(col.least, natural))
    return lowest, natural


def fits_whole(columns: list[Column], width: int) -> bool:
    """Whether every column fits in `width` at its narrowest, with each `whole` column
    (a name) on one line: when not, a table with another layout may do better than one
    that drops columns."""
    sizes = [_widths(c) for c in columns]
    return sum(hi if c.whole else lo for c, (lo, hi) in zip(columns, sizes, strict=True)) \
        + GAP * (len(columns) - 1) <= width


def fitted(columns: list[Column], width: int) -> Table:
    """A table that fits in `width` columns without cutting a word: the columns to keep
    least go first while even the narrowest layout is too wide, and while a `whole`
    column (a name) would wrap when dropping them lets it stay on one line; then every
    column gets its longest word, a `whole` column its full width if it fits, and the room
    left goes first to the columns that need least to show whole, so short columns are
    not wrapped to give a long one a little more."""
    cols = list(columns)
    sizes = [_widths(c) for c in cols]

    def layout(whole: bool, only_kept: bool = False) -> int:
        """The narrowest width with the `whole` columns unwrapped (of the columns never
        dropped, with `only_kept`)."""
        chosen = [(c, s) for c, s in zip(cols, sizes, strict=True)
                  if not only_kept or c.keep is None]
        return sum(hi if whole and c.whole else lo for c, (lo, hi) in chosen) + \
            GAP * (len(chosen) - 1)

    def drop_one() -> None:
        drop = min((i for i, c in enumerate(cols) if c.keep is not None),
                   key=lambda i: (cols[i].keep, -i))
        del cols[drop], sizes[drop]

    while layout(False) > width and any(c.keep is not None for c in cols):
        drop_one()
    if layout(True) > width and layout(True, only_kept=True) <= width:
        while layout(True) > width:
            drop_one()
    room = width - layout(False)
    given = [lo for lo, _ in sizes]
    for i, (c, (lo, hi)) in enumerate(zip(cols, sizes, strict=True)):
        if c.whole and hi - lo <= room:
            given[i], room = hi, room - (hi - lo)
    wanting = sorted((hi - given[i], i) for i, (_, hi) in enumerate(sizes) if hi > given[i])
    for need, i in wanting:
        extra = min(need, room)
        given[i] += extra
        room -= extra
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for col, w in zip(cols, given, strict=True):
        table.add_column(col.header, justify=col.justify, style=col.style, width=max(w, 1),
                         no_wrap=not col.wrap, overflow="fold")
    for row in zip(*(c.cells for c in cols), strict=True) if cols else ():
        table.add_row(*row)
    return table


def type_text(type_: str | None) -> Text:
    return Text(safe(type_ or "untyped"), style=TYPE_STYLE.get(type_ or "", "dim"))


def people_table(rows: list[dict], today: date, width: int) -> Table:
    """At under 100 columns the role column is dropped; names, company, role, last
    contact and tags wrap between words, and when even that does not fit, role, tags,
    company and type go in that order. No word is cut."""
    name = Column("Name", whole=True)
    kind = Column("Type", wrap=False, keep=3)
    company = Column("Company", keep=2)
    role = Column("Role", keep=0)
    last = Column("Last contact", keep=4)
    tags = Column("Tags", keep=1)
    for r in rows:
        who = t(r["name"])
        if r.get("archived"):
            who.append(" (archived)", style="dim")
        name.cells.append(who)
        kind.cells.append(type_text(r["type"]))
        company.cells.append(t(r["company"]))
        role.cells.append(t(r["role"]))
        last.cells.append(Text(dates.ago(r["last_contact"], today)))
        tags.cells.append(t(", ".join(r["tags"])))
    return fitted([name, kind, company, *([role] if width >= 100 else []), last, tags], width)


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
            cadence_days: int, width: int = 100) -> RenderableType:
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
        number = Column("#", wrap=False, justify="right", style="dim")
        day = Column("Date", wrap=False)
        via = Column("Via", wrap=False)
        notes = Column("Note")
        for item in history:
            note = t(item["note"])
            extra = _flags(item)
            if item["with"]:
                extra = ", ".join(filter(None, [extra, "with " + ", ".join(item["with"])]))
            if extra:
                if note.plain:
                    note.append("  ")
                note.append(safe(extra), style="dim")
            number.cells.append(str(item["id"]))
            day.cells.append(item["date"].isoformat())
            via.cells.append(t(item["channel"]))
            notes.cells.append(note)
        table = fitted([number, day, via, notes], width)
        parts.append(table)
    else:
        parts.append(Text("No interactions yet. Record one with 'ties log'.", style="dim"))
    return Group(*parts)


LONGEST_WORD = 40  # in what you wrote (a note's link, a promise): longer is shortened


def shortened(text: str | None, longest: int = LONGEST_WORD) -> str | None:
    """`text` with each word longer than `longest` (a link pasted into a note) shortened
    to its start and an ellipsis, so that one word can't squeeze a table's names and
    reasons into slivers. For what you wrote only, never for a name; `--json` keeps it
    whole."""
    if not text:
        return text
    return " ".join(w if len(w) <= longest else w[:longest - 1] + "…"
                    for w in text.split(" "))


def next_table(items: list[dict], width: int) -> Table:
    """This week's suggestions: a column each for the type and the topic when they fit
    with every name on one line and the reasons at least 24 wide (from 100 columns on,
    names allowing); else the type goes under the name and the topic under the reasons.
    Names, reasons and topics wrap between words, the reasons never narrower than 24; a
    word of yours longer than 40 characters (a link in a note) is shortened with an
    ellipsis; names are never cut."""
    if width >= 100:
        wide = _next_columns(items, wide=True)
        if fits_whole(wide, width):
            return fitted(wide, width)
    return fitted(_next_columns(items, wide=False), width)


def _next_columns(items: list[dict], wide: bool) -> list[Column]:
    number = Column("#", wrap=False, justify="right", style="dim")
    name = Column("Name", whole=True)
    kind = Column("Type", wrap=False, keep=1)
    last = Column("Last contact")
    why = Column("Why" if wide else "Why, and what to talk about", least=24)
    topic = Column("Talk about", least=16)
    for i, item in enumerate(items, 1):
        who = t(item["name"], style="bold")
        if not wide:
            who = Text.assemble(who, "\n", type_text(item["type"]))
        if item["stretch"]:
            who.append("\nstretch", style="yellow")
        if item.get("reconnect"):
            who.append("\nreconnect", style="yellow")
        reasons = Text("\n").join(t("· " + shortened(r)) for r in item["reasons"])
        talk = t(shortened(item["talk_about"]), style="italic")
        number.cells.append(str(i))
        name.cells.append(who)
        kind.cells.append(type_text(item["type"]))
        last.cells.append(t(item["last_contact_words"]))
        why.cells.append(reasons if wide or not talk.plain
                         else Text.assemble(reasons, "\n", talk))
        topic.cells.append(talk)
    return [number, name, kind, last, why, topic] if wide else [number, name, last, why]


def follow_up_table(items: list[dict], today: date, width: int = 100) -> Table:
    """Promises. Names and promises wrap between words; the due date is never cut."""
    number = Column("#", wrap=False, justify="right", style="dim")
    name = Column("Name", whole=True)
    text = Column("Promise")
    due_col = Column("Due")
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
        number.cells.append(str(f["id"]))
        name.cells.append(t(f["name"]))
        text.cells.append(t(f["text"]))
        due_col.cells.append(due)
    return fitted([number, name, text, due_col], width)


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


def report_summary(s, today: date, follow: list[dict] | None = None) -> Group:
    """The few lines above the report table (s is a report.Summary; `follow` the weeks
    of `views.follow_through`)."""
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
    if follow:
        lines.append(Text(follow_through_line(follow)))
    return Group(*lines)


def follow_through_line(weeks: list[dict]) -> str:
    """'Follow-through: of those ties next suggested, you reached 2 of 5 the week of 17
    Feb · 3 of 5 (24 Feb) · ... · 9 of 20 in 4 weeks'."""
    total = sum(w["suggested"] for w in weeks)
    if not total:
        return (f"Follow-through: 'ties next' had no one to suggest in the last {len(weeks)} "
                "weeks.")
    each = " · ".join(f"{w['reached']} of {w['suggested']} (week of {w['week']:%-d %b})"
                      for w in weeks)
    reached = sum(w["reached"] for w in weeks)
    return (f"Follow-through, people 'ties next' suggested that you reached that week: "
            f"{each} · {reached} of {total} in {len(weeks)} weeks")


def report_table(rows: list, today: date, width: int, since: date) -> Table:
    """One row per person. Columns drop by priority as the terminal narrows: company and
    gave/received below 120 columns, type and next due below 100, and then, if a long
    name still leaves no room, next due, type and the period's count in that order; names
    and the last contact wrap between words, and nothing is cut."""
    wide, medium = width >= 120, width >= 100
    period = "90d" if (today - since).days == 90 else f"since {since:%-d %b}"
    name = Column("Name", whole=True)
    kind = Column("Type", wrap=False, keep=2)
    company = Column("Company", keep=0)
    last = Column("Last contact")
    counts = Column(f"{period}/all", wrap=False, keep=3, justify="right")
    balance = Column("Gave/rec", wrap=False, keep=1, justify="right")
    score = Column("Strength", wrap=False, justify="right")
    state = Column("Status", wrap=False)
    due_col = Column("Next due", wrap=False, keep=2)
    for r in rows:
        tie = r.tie
        name.cells.append(t(tie.name))
        kind.cells.append(type_text(tie.type))
        company.cells.append(t(tie.company))
        last.cells.append(Text(dates.ago(tie.last_contact, today)))
        counts.cells.append(Text(f"{tie.in_period}/{tie.interactions}"))
        balance.cells.append(Text(f"{tie.gave}/{tie.received}"))
        score.cells.append(strength_text(r.strength))
        state.cells.append(Text(r.status, style=STATUS_STYLE[r.status]))
        due = tie.due
        due_col.cells.append(Text("—" if due is None else due.isoformat() if due > today
                                  else "now"))
    columns = [name, *([kind] if medium else []), *([company] if wide else []), last, counts,
               *([balance] if wide else []), score, state, *([due_col] if medium else [])]
    return fitted(columns, width)
