"""Rich renderables for people to read. Never touches the database.

Everything a user typed is shown literally: it goes into `Text` objects (never
parsed as Rich markup) after `safe()` has made control characters visible, so a
name like "[bold]" or one with terminal escape sequences cannot restyle or
take over the terminal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rich import box
from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ties.core import dates, personfields, rhythm, scoring
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
    column to show `whole` (a name) makes columns go when that lets it stay on one line.
    Only when every column that may go has gone and the table still does not fit does a
    word longer than its column give way: in a column of what you wrote (`shorten`: a
    note, a promise) it is shortened to the room left with an ellipsis (down to the
    column's `least`), anywhere else (a name) it wraps after a hyphen, never cut."""

    header: str
    wrap: bool = True
    keep: int | None = None
    whole: bool = False  # rather drop a column than wrap this one (names)
    least: int = 0  # narrower than this it is no use (a column of reasons): its narrowest
    shorten: bool = False  # what you wrote: a word too long for the room is shortened
    justify: str = "left"
    style: str = ""
    cells: list[RenderableType] = field(default_factory=list)


GAP = 3  # between two columns: a space of padding each side and the separator


def _lines(cell: RenderableType) -> list[str]:
    return (cell.plain if isinstance(cell, Text) else str(cell)).split("\n")


LONGEST_WORD = 40  # a word of yours (a link in a note) is shortened to this, or less


def _pieces(word: str) -> list[str]:
    """A word cut after each of its hyphens: where a name too long for any layout may
    wrap ("Wolfeschlegelsteinhausenbergerdorff-" / "Featherstonehaugh")."""
    return re.findall(r"[^-]*-+|[^-]+$", word) or [word]


def _widths(col: Column, tight: bool = False) -> tuple[int, int]:
    """The narrowest a column can be without cutting a word (or a line, when it may not
    wrap), and the width it would like. A word of yours counts as at most LONGEST_WORD
    wide; `tight`, when nothing else lets the table fit, as at most the column's `least`,
    and any other word as its widest piece between hyphens."""
    lines = [line for c in [col.header, *col.cells] for line in _lines(c)]
    natural = max((cell_len(line) for line in lines), default=0)
    if not col.wrap:
        return natural, natural
    words = [w for line in lines for w in line.split()]
    if col.shorten:
        longest = max((cell_len(w) for w in words), default=0)
        lowest = min(longest, max(col.least, 1) if tight else LONGEST_WORD)
    elif tight:
        lowest = max((cell_len(p) for w in words for p in _pieces(w)), default=0)
    else:
        lowest = max((cell_len(w) for w in words), default=0)
    return max(lowest, min(col.least, natural)), natural


def _cut(word: str, width: int) -> str:
    """`word` shortened to `width` cells, the last of them an ellipsis."""
    out = ""
    for ch in word:
        if cell_len(out + ch) > width - 1:
            break
        out += ch
    return out + "…"


def _broken(word: str, width: int) -> str:
    """`word` wrapped after hyphens into lines of at most `width` cells where it can be
    (a piece longer than that stays whole)."""
    lines = [""]
    for piece in _pieces(word):
        if lines[-1] and cell_len(lines[-1] + piece) > width:
            lines.append("")
        lines[-1] += piece
    return "\n".join(lines)


def _fitted_cell(cell: RenderableType, width: int, shorten: bool) -> RenderableType:
    """A cell whose words longer than `width` are shortened (`shorten`) or wrapped after
    their hyphens, keeping each part's style."""
    if not isinstance(cell, Text):
        if not isinstance(cell, str):
            return cell
        cell = Text(cell)
    changes = [(m.start(), m.end(), _cut(m.group(), width) if shorten
                else _broken(m.group(), width))
               for m in re.finditer(r"\S+", cell.plain) if cell_len(m.group()) > width]
    changes = [(a, b, new) for a, b, new in changes if new != cell.plain[a:b]]
    if not changes:
        return cell
    out, pos = Text(style=cell.style, justify=cell.justify), 0
    for a, b, new in changes:
        out.append(cell[pos:a])
        if shorten:
            out.append(cell[a:a + len(new) - 1])
            out.append("…")
        else:
            at = a
            for line in new.split("\n"):
                if at > a:
                    out.append("\n")
                out.append(cell[at:at + len(line)])
                at += len(line)
        pos = b
    out.append(cell[pos:])
    return out


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
    if layout(False) > width:  # nothing left to drop: long words give way
        sizes = [_widths(c, tight=True) for c in cols]
    room = max(width - layout(False), 0)
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
        if col.wrap:
            col.cells = [_fitted_cell(c, max(w, 1), col.shorten) for c in col.cells]
    for row in zip(*(c.cells for c in cols), strict=True) if cols else ():
        table.add_row(*row)
    return table


def settings_table(rows: list[tuple[str, str, str, bool]], width: int) -> Table:
    """`ties config`: each setting, its value and what it does, from (key, value shown,
    help, whether it differs from the default) rows. Keys stay on one line; a long value
    (several addresses in me.email) and the help wrap between words within their columns,
    so every row starts at the same place at any width. No header: the rows say it."""
    key = Column("Setting", wrap=False)
    value = Column("Value")
    what = Column("What it does", least=20)
    for k, shown, help_, changed in rows:
        key.cells.append(t(k))
        value.cells.append(t(shown))
        what.cells.append(Text.assemble(safe(help_), ("  (changed)" if changed else "")))
    table = fitted([key, value, what], width)
    table.show_header = False
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
        every += "" if value else " (the type's default)"
        typical, gaps = person.get("rhythm_days"), person.get("rhythm_gaps") or 0
        if rhythm.learned(typical, gaps, fixed=bool(value)):
            due = rhythm.expected_interval(cadence_days, typical, gaps)
            every += "; " + scoring.blend_words(person.get("type"), cadence_days,
                                                typical or 0, due)
        return every
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

    def yours(label_width: int, value: Any) -> RenderableType:
        """What you wrote beside a label: a word too long for the line is shortened."""
        return _fitted_cell(t(value), max(width - label_width - 2, 16), shorten=True)

    remember = Table.grid(padding=(0, 2))
    remember.add_column(style="dim", no_wrap=True)
    remember.add_column(overflow="fold")
    titles = [f.title for f in personfields.shown("remember") if value_of(f, person)]
    for f in personfields.shown("remember"):
        if value := value_of(f, person):
            remember.add_row(f.title, yours(max(map(cell_len, titles)), value))
    if remember.row_count:
        parts += [Text("\nWhat to remember", style="bold"), remember]

    if follow_ups:
        promises = Table.grid(padding=(0, 2))
        promises.add_column(style="dim", no_wrap=True)
        promises.add_column(overflow="fold")
        labels = []
        for f in follow_ups:
            due = f"due {f['due'].isoformat()}" if f["due"] else "no date"
            if f["due"] and f["due"] < today:
                due += f" ({dates.lateness(f['due'], today)})"
            labels.append(f"#{f['id']} {due}")
        for label, f in zip(labels, follow_ups, strict=True):
            promises.add_row(label, yours(max(map(cell_len, labels)), f["text"]))
        parts += [Text("\nPromised", style="bold"), promises]

    if person.get("jobs"):
        from ties.core.reconcile import Job

        jobs = Table.grid(padding=(0, 2))
        jobs.add_column(style="dim", no_wrap=True)
        jobs.add_column(overflow="fold")
        for job in reversed(person["jobs"]):  # the latest first, as the history
            jobs.add_row(job["date"].isoformat(), t(Job(
                job["company_before"], job["role_before"], job["company"], job["role"]).history))
        parts += [Text("\nJob changes", style="bold"), jobs]

    parts.append(Text(f"\nHistory ({len(history)})", style="bold"))
    if history:
        number = Column("#", wrap=False, justify="right", style="dim")
        day = Column("Date", wrap=False)
        via = Column("Via", wrap=False)
        notes = Column("Note", least=16, shorten=True)
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


def next_table(items: list[dict], width: int) -> Table:
    """This week's suggestions: a column each for the type and the topic when they fit
    with every name on one line and the reasons at least 24 wide (from 100 columns on,
    names allowing); else the type goes under the name and the topic under the reasons.
    Names, reasons and topics wrap between words, the reasons never narrower than 24; a
    word of yours too long for the room left (a link in a note) is shortened with an
    ellipsis; the rank and then the last contact go when a long name needs the room; a
    name is never cut (one word longer than any layout holds wraps after a hyphen)."""
    if width >= 100:
        wide = _next_columns(items, wide=True)
        if fits_whole(wide, width):
            return fitted(wide, width)
    return fitted(_next_columns(items, wide=False), width)


def _next_columns(items: list[dict], wide: bool) -> list[Column]:
    number = Column("#", wrap=False, justify="right", style="dim", keep=3)
    name = Column("Name", whole=True)
    kind = Column("Type", wrap=False, keep=1)
    last = Column("Last contact", keep=2)
    why = Column("Why" if wide else "Why, and what to talk about", least=24, shorten=True)
    topic = Column("Talk about", least=16, shorten=True)
    for i, item in enumerate(items, 1):
        who = t(item["name"], style="bold")
        if not wide:
            who = Text.assemble(who, "\n", type_text(item["type"]))
        if item["stretch"]:
            who.append("\nstretch", style="yellow")
        if item.get("reconnect"):
            who.append("\nreconnect", style="yellow")
        reasons = Text("\n").join(t("· " + r) for r in item["reasons"])
        talk = t(item["talk_about"], style="italic")
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
    text = Column("Promise", least=16, shorten=True)
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


STATUS_STYLE = {"strong": "green", "steady": "cyan", "due": "yellow", "fading": "red",
                "dormant": "magenta", "new": "blue", "snoozed": "dim", "imported": "dim"}


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
    if s.fading:
        lines.append(Text(f"Fading: {_names(s.fading)} (silent well beyond your rhythm): "
                          "reach out before the tie goes quiet.", style="red"))
    if s.once_close:
        lines.append(Text(f"Dormant, once close: {_names(s.once_close)} (silent a year or "
                          "more): worth reconnecting; 'ties next' offers one a week.",
                          style="magenta"))
    quiet, close = [], list(s.once_close)  # the rest (two people may share a name)
    for name in s.dormant:
        if name in close:
            close.remove(name)
        else:
            quiet.append(name)
    if quiet:
        lines.append(Text(f"Dormant: {_names(quiet)} (silent a year or more).", style="dim"))

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
    if follow and any(w["suggested"] for w in follow):  # a new store: nothing to say yet
        lines.append(Text(follow_through_line(follow)))
    return Group(*lines)


def follow_through_line(weeks: list[dict]) -> str:
    """'Follow-through: of those ties next suggested, you reached 2 of 5 the week of 17
    Feb · 3 of 5 (24 Feb) · ... · 9 of 20 in 4 weeks'."""
    total = sum(w["suggested"] for w in weeks)
    each = " · ".join((f"{w['reached']} of {w['suggested']}" if w["suggested"]
                       else "no one suggested") + f" (week of {w['week']:%-d %b})"
                      for w in weeks)
    reached = sum(w["reached"] for w in weeks)
    return (f"Follow-through, people 'ties next' suggested that you reached that week: "
            f"{each} · {reached} of {total} in {len(weeks)} weeks")


def last_week_line(week: dict) -> str:
    """'Last week you reached 3 of the 5 people 'ties next' suggested (week of 10 Nov).'"""
    n, of = week["reached"], week["suggested"]
    when = f"(week of {week['week']:%-d %b})"
    if of == 1:
        return (f"Last week you {'reached' if n else 'did not reach'} the one person "
                f"'ties next' suggested {when}.")
    reached = f"all {of}" if n == of else f"{'none' if n == 0 else n} of the {of}"
    return f"Last week you reached {reached} people 'ties next' suggested {when}."


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
