"""Your data in and out: import, export, backup, restore."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from ties import formats
from ties.cli import options as o
from ties.cli.app import (
    app,
    complete_type,
    confirm,
    console,
    echo,
    emit_file_text,
    emit_json,
    live_store,
    may_replace,
    reading,
    say,
    state,
    today,
    writing,
)
from ties.core.fields import MAX_ID
from ties.core.text import plural


@app.command("import", rich_help_panel="Your data")
def import_(
    file: Annotated[str | None, typer.Argument(
        help="The file to import, or - for standard input.", show_default=False)] = None,
    format_: Annotated[str, typer.Option(
        "--format", "-f", help=formats.import_help(),
        autocompletion=formats.complete_import)] = "auto",
    type_: Annotated[str | None, typer.Option(
        "--type", "-t", help="Give everyone created this type (default: none, so they wait "
        "for 'ties triage' and stay out of 'ties next').", show_default=False,
        autocompletion=complete_type)] = None,
    tag: o.Tags = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Show what the import would do to each entry, and why; write "
        "nothing.")]
    = False,
    undo: Annotated[bool, typer.Option(
        "--undo", help="Undo the latest import (or --batch ID) instead of importing.")]
    = False,
    batch: Annotated[int | None, typer.Option(
        min=1, max=MAX_ID, help="With --undo: the import to undo, from 'ties imports'.",
        show_default=False)]
    = None,
    json: Annotated[bool, typer.Option(
        "--json", help="Print the plan (what was done, or with --dry-run what would be, "
        "each with its reason) as JSON on standard output.")] = False,
    skip_invalid: Annotated[bool, typer.Option(
        "--skip-invalid", help="Import the file even though some values in it are invalid, "
        "leaving those values out and listing each one (without it, such a file is refused "
        "whole, as a ties JSON export always is).")] = False,
    add_new: Annotated[bool, typer.Option(
        "--add-new", help="Calendars and mail: also add the people you don't have yet "
        "whom you met at least twice (untyped, for 'ties triage'), with their meetings.")]
    = False,
) -> None:
    """Import contacts, or your calendar and mail as interactions.

    Contacts: LinkedIn, Google, vCard, CSV, ties JSON. Calendar: .ics. Mail: an mbox
    file or a Maildir folder (set your addresses first: ties config me.email).

    Example: ties import ~/Downloads/Connections.csv --tag linkedin
    """
    from ties.core import fields
    from ties.core.errors import BadValue
    from ties.formats import importers
    from ties.storage import store

    if undo:
        if file is not None:
            raise BadValue("Give either a FILE to import or --undo, not both.")
        if json or dry_run:
            raise BadValue("--json and --dry-run show an import's plan; they don't go with "
                           "--undo. See 'ties imports' for what an import did.")
        with writing() as session:
            done = store.undo_import(session, batch)
        say(_undone(done))
        return
    if file is None:
        raise BadValue("Name the file to import, for example: ties import Connections.csv. "
                       "See 'ties import --help'.")
    if format_ != "auto" and formats.reader_named(format_) is None:
        raise BadValue(f"--format must be auto or one of {', '.join(formats.import_names())}, "
                       f"not {format_!r}.")
    chosen, data = _sightings_format(file, format_), None
    if chosen is None:
        data = _read_input(file)
        if format_ == "auto":  # standard input or a pipe: known by its content only
            chosen = _sightings_in(data, file)
    if chosen is not None:
        if type_ or tag or skip_invalid:
            raise BadValue("--type, --tag and --skip-invalid are for contacts; a calendar or "
                           "mailbox import adds interactions ('--add-new' adds people).")
        _import_sightings(chosen, file, data, dry_run=dry_run, as_json=json,
                          add_new=add_new, explicit=format_ != "auto")
        return
    if add_new:
        raise BadValue("--add-new is for calendars and mail; a contacts file adds everyone "
                       "in it.")
    kind = fields.relationship_type(type_) if type_ else None
    extra_tags = [fields.tag(t) for t in tag or []]
    source = "stdin" if file == "-" else file
    parsed = importers.read(data, source, format_, today(), skip_invalid=skip_invalid)
    with writing(commit=not dry_run) as session:
        with _progress(len(parsed.records)) as tick:
            result = store.import_parsed(session, parsed, source=source, today=today(),
                                         type_=kind, tags=extra_tags, progress=tick)
    _report_import(result, parsed, dry_run, json)


def _sightings_format(file: str, format_: str):
    """The calendar or mail format `file` is (a folder is a Maildir), or None for a
    contacts file."""
    from ties.core.errors import BadValue

    chosen = formats.reader_named(format_) if format_ != "auto" else None
    if chosen is not None and not chosen.sightings:
        return None
    if not file.strip():
        return None  # the contacts path names an empty file name
    if file == "-":
        if chosen is not None and chosen.reads_path:
            raise BadValue("A mailbox is read from its path: give the mbox file or Maildir "
                           "folder instead of -.")
        return chosen
    path = Path(file).expanduser()
    if path.is_dir():
        from ties.formats.importers import mail

        if chosen is not None and not chosen.reads_path:
            raise BadValue(f"{file} is a folder; a {chosen.title} is a file.")
        if not mail.is_mail_folder(path):
            raise BadValue(f"{file} is a folder, but not a mail folder (a Maildir, with cur/ "
                           "and new/, Apple Mail's NAME.mbox export, or a folder of .eml "
                           "messages); name the exported file inside it, or the mail "
                           "folder.")
        return formats.reader_named("mail")
    if chosen is not None or not path.is_file():  # a pipe is read once, by the caller
        return chosen
    try:
        with path.open("rb") as stream:
            head = stream.read(4096)
    except OSError:
        return None  # the contacts path says what is wrong with the file
    return _sightings_in(head, file)


def _sightings_in(data: bytes, file: str):
    """The calendar or mail format the start of `data` is, or None."""
    from ties.core.errors import BadValue

    text = data[:4096].decode("utf-8", "replace").lstrip("\ufeff \r\n\t")
    found = formats.detect(text)
    if found is None or not found.sightings:
        return None
    if found.reads_path and not Path(file).is_file():
        raise BadValue("A mailbox is read from its path: give the mbox file or Maildir "
                       "folder instead of a pipe or -.")
    return found


def _import_sightings(fmt, file: str, data: bytes | None, *, dry_run: bool, as_json: bool,
                      add_new: bool, explicit: bool = False) -> None:
    """Read a calendar or mailbox with your addresses and import what it found (`explicit`:
    the format was given with --format, so a file of another kind is named as such)."""
    from ties.core import dates, settings
    from ties.core.errors import BadValue
    from ties.formats.importers import BadFile, not_this_format
    from ties.storage import queries, store

    conn = state().backend.open_existing()
    stored = {}
    if conn is not None:
        try:
            with conn.transaction(write=False):
                stored = queries.stored_settings(conn)
        finally:
            conn.close()
    mine = settings.resolve(stored)
    if not mine["me.email"]:
        raise BadValue("Tell ties your own email addresses first, so it knows who the others "
                       "are: ties config me.email \"me@example.com, me@work.example\".")
    source = "stdin" if file == "-" else file
    if fmt.reads_path:
        data = Path(file).expanduser()
        if not data.exists():
            raise BadValue(f"There is no {file}. Check the path.")
    elif data is None:
        data = _read_input(file)
    from pathlib import PurePath

    with _collector_paused(), _Stages(show=not as_json, dry_run=dry_run) as stages:
        try:
            found = fmt.reader(data, me=frozenset(mine["me.email"]), today=today(),
                               max_others=mine["import.max_attendees"], source=source,
                               progress=stages.read, now=dates.now())
        except BadFile as refused:
            if not explicit:
                raise
            raise not_this_format(fmt, _start_of(data), source, refused) from None
        with writing(commit=not dry_run) as session:
            result = store.import_sightings(session, found, format_=fmt.name,
                                            source=PurePath(source).name, today=today(),
                                            add_new=add_new, stage=stages.stage)
    _report_sightings(result, found, dry_run, as_json)


@contextmanager
def _collector_paused():
    """Python's cycle collector paused while a calendar or mailbox is read, planned and
    written, and left as it was found (on any error too). Those stages make a few
    objects per line and about ten per interaction (29,000 interactions for a
    5,000-event calendar), kept to the end and in no reference cycle: each collection
    their making sets off walks every object read so far and frees nothing. It cost about
    a fifth of the whole import of the benchmark calendar (docs/performance.md); memory
    is the same with it paused."""
    import gc

    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _start_of(data) -> bytes:
    """The first 64 KiB of a file given as bytes or as a path (b"" for a folder)."""
    if isinstance(data, bytes):
        return data[:65536]
    try:
        with data.open("rb") as stream:
            return stream.read(65536)
    except OSError:
        return b""


def _report_sightings(result, found, dry_run: bool, as_json: bool) -> None:
    """A dry run's plan on stdout (one line per interaction and person it adds), then the
    summary; a real import's summary on stderr. Both list the unknown addresses met most."""
    from ties.core.records import UNREADABLE
    from ties.core.text import safe

    plan = result.plan
    if dry_run:
        for person in plan.new:
            person.id = None
        for meeting in plan.meetings:
            meeting.id = None
    counts = plan.counts()
    entries = plan.entries(result.names)
    if as_json:
        emit_json({"format": result.format, "dry_run": dry_run,
                   "import": None if dry_run else result.batch_id, "counts": counts,
                   "plan": entries, "skipped": plan.skipped,
                   "unknown": [{"email": a, "name": n, "met": c} for a, n, c in plan.unknown],
                   "notes": found.notes})
        if dry_run:
            return
    parts = [plural(counts["created"], "interaction") + " created"]
    if counts["merged"]:
        parts.append(f"{counts['merged']} merged into ones already here")
    if plan.corrections and result.format == "mail":
        parts.append(f"{len(plan.corrections)} corrected who reached out (the thread's "
                     "first message is known now)")
    elif plan.corrections:
        parts.append(f"{len(plan.corrections)} corrected: they reached out (the organizer "
                     "is known now)")
    if counts["people"]:
        parts.append(plural(counts["people"], "person", "people") + " added")
    if counts["skipped"]:
        parts.append(f"{counts['skipped']} skipped")
    batch = f" as import #{result.batch_id}" if result.batch_id and not dry_run else ""
    summary = (f"{'Would import' if dry_run else 'Imported'} {result.format}{batch}: "
               + ", ".join(parts) + ".")
    out = echo if dry_run and not as_json else say
    if dry_run and not as_json:
        for entry in entries:
            echo(safe(_sighting_line(entry)))
    head, tail = UNREADABLE.split("{}")
    unreadable = {}  # why -> how many: said in one line, "3 events could not be read (...)"
    for reason, n in sorted(plan.skipped.items(), key=lambda kv: (-kv[1], kv[0])):
        if reason.startswith(head) and reason.endswith(tail):
            unreadable[reason[len(head):len(reason) - len(tail)]] = n
        else:
            out(safe(f"  skipped {n}: {reason}"))
    if unreadable:
        whys = ", ".join(unreadable) if len(unreadable) == 1 else \
            ", ".join(f"{why}: {n}" for why, n in unreadable.items())
        out(safe(f"  {plural(sum(unreadable.values()), _entry_word(result.format))} "
                 + UNREADABLE.format(whys)))
    if plan.unknown:
        out(f"  not in ties ({plural(len(plan.unknown), 'address', 'addresses')}), most met "
            "first:")
        for address, name, n in plan.unknown[:10]:
            out(safe(f"    {address}" + (f" ({name})" if name else "")
                     + f": {plural(n, 'time')}"))
        if len(plan.unknown) > 10:
            out(f"    ... and {len(plan.unknown) - 10} more")
        if not plan.new:
            out("  '--add-new' adds those you met at least twice.")
    for note in found.notes:
        out(safe(f"  note: {note}"))
    out(safe(summary))
    if result.batch_id and not dry_run:
        say("'ties import --undo' takes it back." + (
            " New people have no type yet: 'ties triage' walks through them."
            if plan.new else ""))


def _entry_word(format_: str) -> str:
    """What a reader of this format reads one by one: an event, a message."""
    return "event" if format_ == "ics" else "message"


def _sighting_line(entry: dict) -> str:
    """'create     2025-03-10 video with Ana Lima, Bo Chen: Weekly sync'"""
    if entry["kind"] == "person":
        return f"{'add':<10} {entry['name']} <{entry['email']}>: {entry['reason']}"
    if entry["action"] == "correct":
        return f"{'correct':<10} {entry['date']} #{entry['into']}: {entry['reason']}"
    line = (f"{entry['action']:<10} {entry['date']} {entry['channel']} with "
            f"{', '.join(entry['people'])}")
    if entry["note"]:
        line += f": {entry['note']}"
    if entry["they_reached_out"]:
        line += " (they reached out)"
    if entry["action"] == "merge":
        line += f"; into #{entry['into']}: {entry['reason']}"
    return line


def _undone(done) -> str:
    """'Undid import #3: removed 2 people, 5 interactions and 1 follow-up it created ...'"""
    counts = [f"{done.people} {'person' if done.people == 1 else 'people'}"
              + (" (" + ("" if done.people == 1 else f"{done.sorted} of them ")
                 + "sorted since, in triage or by type or archive)" if done.sorted else "")]
    for n, one, many in ((done.interactions, "interaction", "interactions"),
                         (done.follow_ups, "follow-up", "follow-ups"),
                         (done.settings, "setting", "settings")):
        if n:
            counts.append(f"{n} {one if n == 1 else many}")
    listed = counts[0] if len(counts) == 1 else ", ".join(counts[:-1]) + " and " + counts[-1]
    merged = (f"; forgot what it merged into {plural(done.unmerged, 'interaction')} you had "
              "logged" if done.unmerged else "")
    left = (f"; took {plural(done.left, 'person', 'people')} back out of the meetings an earlier "
            "import made, which it had added them to" if done.left else "")
    left += (f"; put back who reached out in {plural(done.put_back, 'interaction')} an "
             "earlier import made" if done.put_back else "")
    return (f"Undid import #{done.batch_id}: removed {listed} it created"
            + (f" and emptied what it filled in for {done.restored}" if done.restored
               else "") + merged + left
            + (f"; put back the earlier job of {plural(done.jobs, 'person', 'people')}"
               if done.jobs else "") + _jobs_kept(done.jobs_kept) + ".")


def _jobs_kept(names: list[str]) -> str:
    """'; kept the job of Ana Lima as it is (you changed it since the import)'; for more,
    'the jobs of Ana Lima and Cy Diaz as they are (you changed them ...)'."""
    if not names:
        return ""
    if len(names) == 1:
        return f"; kept the job of {names[0]} as it is (you changed it since the import)"
    shown = ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) <= 10 else \
        ", ".join(names[:10]) + f" and {len(names) - 10} more"
    return f"; kept the jobs of {shown} as they are (you changed them since the import)"


def _read_input(file: str) -> bytes:
    """The file's bytes, or standard input's for -: never more than the import limit,
    whatever the source (a pipe, a device, a terminal)."""
    from ties.formats import importers

    if file == "-":
        return importers.read_stream(sys.stdin.buffer, "stdin")
    return importers.read_path(Path(file).expanduser(), file)


class _progress:
    """A progress bar on stderr, only for imports that take a moment and only when stderr
    is a terminal."""

    def __init__(self, total: int | None, what: str = "Importing"):
        self.total, self.what, self.bar = total, what, None

    def __enter__(self):
        out = console(stderr=True)
        if (self.total is None or self.total >= 2000) and out.is_terminal:
            from rich.progress import Progress

            self.bar = Progress(console=out, transient=True)
            self.bar.start()
            self.task = self.bar.add_task(self.what, total=self.total)
        return self.tick

    def tick(self, n: int, total: int | None = None) -> None:
        """`n` done (of `total`, when the reader knows it by now)."""
        if self.bar is not None:
            self.bar.update(self.task, completed=n,
                            **({"total": total} if total is not None else {}))

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()
        return False


class _Stages:
    """One progress bar on stderr over a whole calendar or mail import: reading (as far as
    the reader tells), planning, writing. Only on a terminal, never with --json, and gone
    when the import ends (its summary follows)."""

    READ = 80  # of the bar's 100: reading is most of an import
    AT = {"planning": 85, "writing": 90}

    def __init__(self, show: bool, dry_run: bool = False):
        self.show, self.bar, self.dry_run = show, None, dry_run

    def __enter__(self) -> _Stages:
        out = console(stderr=True)
        if self.show and out.is_terminal:
            from rich.progress import Progress

            self.bar = Progress(console=out, transient=True)
            self.bar.start()
            self.task = self.bar.add_task("Reading", total=100)
        return self

    def read(self, done: int, total: int | None = None) -> None:
        """`done` of `total` read (bytes, files, events: the reader's own measure)."""
        if self.bar is not None and total:
            self.bar.update(self.task, completed=self.READ * min(done, total) / total)

    def stage(self, what: str) -> None:
        """The import moves on to `what`: "planning", then "writing"."""
        if self.bar is not None:
            if what == "writing" and self.dry_run:  # a dry run writes nothing
                what = "checking"
            self.bar.update(self.task, description=what.capitalize(),
                            completed=self.AT.get(what, self.READ))

    def __exit__(self, *exc) -> bool:
        if self.bar is not None:
            self.bar.update(self.task, completed=100)
            self.bar.stop()
        return False


def _report_import(result, parsed, dry_run: bool, as_json: bool) -> None:
    """A dry run shows the plan on stdout, one decision a line with its reason, and the
    summary last; a real import says the summary and what needs your eye on stderr.
    `as_json` prints the plan as JSON on stdout instead of the plan's lines."""
    plan = result.plan
    if dry_run:  # the ids a rolled-back run gave out are no one's (PostgreSQL's sequences)
        for create in plan.creates:
            create.id = None
    counts = plan.counts()
    if as_json:
        emit_json({"format": result.format, "dry_run": dry_run,
                   "import": None if dry_run else result.batch_id,
                   "encoding": parsed.encoding, "counts": counts, "plan": plan.entries(),
                   "left_out": [{"position": i.position, "name": i.name, "field": i.field,
                                 "problem": i.problem}
                                for i in [*parsed.invalid, *parsed.left_out]
                                if i.field != "name"],
                   "notes": parsed.notes})
        if dry_run:
            return
    parts = [f"{counts['created']} created", f"{counts['updated']} updated",
             f"{counts['unchanged']} unchanged", f"{counts['skipped']} skipped"]
    if counts["merged"]:  # entries of the file folded into an earlier one
        parts.append(f"{counts['merged']} merged")
    lossless = formats.reader_named(result.format).lossless
    if lossless:  # a ties export brings history too
        parts += [plural(counts["interactions"], "interaction"),
                  plural(counts["follow_ups"], "follow-up")]
        if counts["settings"]:  # as the undo that takes it back says it
            parts.append(plural(counts["settings"], "setting"))
    note = "" if parsed.encoding in ("utf-8", "utf-16") else f" (read as {parsed.encoding})"
    batch = f" as import #{result.batch_id}" if result.batch_id and not dry_run else ""
    summary = (f"{'Would import' if dry_run else 'Imported'} {result.format}{note}{batch}: "
               + ", ".join(parts) + ".")
    moved = jobs_line(plan)
    if dry_run:
        from ties.core.text import safe

        for entry in plan.entries():
            echo(safe(plan_line(entry)))
        for invalid in [*parsed.invalid, *parsed.left_out]:
            if invalid.field != "name":  # an entry left out for its name is a skip
                echo(safe(f"{'leave out':<10} {invalid.describe()}"))
        for note in parsed.notes:  # what ties had to guess: worth knowing before it is written
            echo(safe(f"{'note':<10} {note}"))
        echo(safe(summary))
        if moved:
            echo(safe(moved.replace(" changed jobs", " would change jobs", 1)))
        return
    say(summary)
    if moved:
        say(moved)
    reasons: dict[str, int] = {}
    for _, reason in result.skipped:
        reasons[reason] = reasons.get(reason, 0) + 1
    for reason, n in sorted(reasons.items(), key=lambda kv: -kv[1]):
        where = ", ".join([p for p, r in result.skipped if r == reason][:5])
        say(f"  skipped {n}: {reason} ({where}{', ...' if n > 5 else ''})")
    for m in plan.merged[:20]:
        say(f"  merged: {m.position} ({m.name}) with {m.into} ({m.into_name}): {m.how}{m.also}")
    if len(plan.merged) > 20:
        say(f"  ... and {len(plan.merged) - 20} more merged with an earlier entry")
    for name, key, theirs, ours in result.conflicts[:20]:
        say(f"  kept yours: {name}'s {key} is {repr(ours) if ours else 'empty'}; "
            f"the file says {theirs!r}")
    if len(result.conflicts) > 20:
        say(f"  ... and {len(result.conflicts) - 20} more differences, all kept as you had them")
    for step in plan.settings:
        if step.action == "conflict":
            say(f"  kept yours: setting {step.key} is {step.yours!r}; the file says "
                f"{step.value!r}")
    for invalid in parsed.invalid:
        if invalid.field != "name":  # an entry left out for its name is listed as skipped
            say(f"  left out: {invalid.describe()}")
    for invalid in parsed.left_out[:10]:
        say(f"  left out: {invalid.describe()}")
    if len(parsed.left_out) > 10:
        say(f"  ... and {len(parsed.left_out) - 10} more invalid further addresses and "
            "numbers, left out")
    left_out = [s for s in plan.interactions + plan.follow_ups
                if s.action == "skip" and not s.people]
    for step in left_out[:10]:  # its people matched no one here: worth saying
        say(f"  note: {step.position} left out: {step.reason}")
    for note in parsed.notes:
        say(f"  note: {note}")
    untyped = sum(1 for c in plan.creates if not c.values.get("type"))
    if untyped and not lossless:  # a file may give types (a CSV's type column)
        who = "Imported people have" if untyped == len(plan.creates) else \
            f"{plural(untyped, 'imported person', 'imported people')} "\
            f"{'has' if untyped == 1 else 'have'}"
        say(f"{who} no type yet: 'ties triage' walks through them; "
            "'ties import --undo' takes the whole import back.")


def jobs_line(plan) -> str:
    """'2 people changed jobs: Ana Lima (Initech -> Globex, CTO), Bo Chen (...)', or ''."""
    jobs = plan.jobs
    if not jobs:
        return ""
    shown = ", ".join(f"{u.name} ({u.job.words})" for u in jobs[:20])
    more = f", and {len(jobs) - 20} more" if len(jobs) > 20 else ""
    return f"{plural(len(jobs), 'person', 'people')} changed jobs: {shown}{more}"


def _and(words: list[str]) -> str:
    """'a, b and c'"""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def plan_line(entry: dict) -> str:
    """One decision of an import's plan (`Plan.entries`) as a line:
    'update     row 3: same email as Ana Lima (@3); fills company and role'."""
    action, kind = entry["action"], entry["kind"]
    if kind == "person" and action == "conflict":
        what = f"{entry['name']}'s {entry['field'].replace('_', ' ')}: {entry['reason']}"
    elif kind == "person" and action in ("create", "merge"):
        what = f"{entry['position']} ({entry['name']}): {entry['reason']}"
    elif kind == "person" and action in ("update", "unchanged"):
        what = f"{entry['position']}: {entry['reason']}"
        fills = [f.replace("_", " ") for f in entry["fields"]]
        if fills:
            what += f"; fills {_and(fills)}"
        if entry["tags"]:
            what += f"; adds {'tag' if len(entry['tags']) == 1 else 'tags'} " \
                    f"{_and(entry['tags'])}"
        if entry.get("job"):
            from ties.core.reconcile import Job

            what += f"; new job: {Job(**entry['job']).words}"
        if action == "unchanged":
            what += "; nothing to add"
    elif kind == "setting" and action == "set":
        what = f"{entry['position']} to {entry['value']!r}: {entry['reason']}"
    else:
        what = f"{entry['position']}: {entry['reason']}"
    return f"{action:<10} {what}"


@app.command(rich_help_panel="Your data")
def imports(json: o.Json = False) -> None:
    """List past imports, newest first.

    Example: ties imports
    """
    from ties.storage import queries

    with reading() as conn:
        items = queries.imports(conn)
    if json:
        emit_json(items)
        return
    if not items:
        say("No imports yet. See 'ties import --help'.")
        return
    from ties.core.text import safe

    for i in items:
        state_ = f"undone {i['undone_at']}" if i["undone_at"] else "active"
        did = f"{i['created']:>6} created {i['updated']:>6} updated"
        if i["interactions"] or i["merged"]:  # a calendar or mail import: what it logged
            did += f"  {plural(i['interactions'], 'interaction')}"
            if i["merged"]:
                did += f" (+{i['merged']} merged)"
        echo(f"#{i['id']}  {safe(i['imported_at'])} UTC  {safe(i['format']):<8} "
             f"{did}  {safe(state_)}  {safe(i['source'])}")


@app.command(rich_help_panel="Your data")
def export(
    format_: Annotated[str, typer.Option(
        "--format", "-f", help=formats.export_help(),
        autocompletion=formats.complete_export)] = "json",
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write to this file (created private, 0600) instead of "
        "standard output ('-' is standard output; a pipe or device is written into). An "
        "existing file is replaced only with --force or when you say yes.", dir_okay=False,
        show_default=False)] = None,
    force: o.Force = False,
) -> None:
    """Export everything: JSON, CSV, vCard, Markdown or .ics.

    JSON keeps every character as stored. CSV, vCard and Markdown, meant for other
    programs, show control and bidi characters visibly (ESC as \\x1b, U+202E as
    \\u202e), so importing them back gives that text, not the character.

    Example: ties export --format json --output ties-backup.json
    """
    from ties.core import dates
    from ties.core.errors import BadValue
    from ties.storage import files, queries

    writer = formats.writer_named(format_)
    if writer is None:
        raise BadValue(f"--format must be one of {', '.join(formats.export_names())}, not "
                       f"{format_!r}.")
    replace = False
    if output is not None and str(output) == "-":
        output = None  # standard output, as 'ties import -' reads standard input
    if output is not None:
        files.refuse_store(output, live_store(), "export")
        files.refuse_special(output, "export", streams=True)
        replace = not files.is_stream(output) and may_replace(files.real(output), force)
    with reading() as conn:
        data = queries.export_data(conn)
        if writer.this_week:
            from ties import views

            data["this_week"] = views.this_week(conn, today(), None, None)[0]
    text = writer.writer(data, today(), dates.now())
    if output is None:
        emit_file_text(text)
        return
    files.write_private(output, text.encode("utf-8"), replace=replace)
    if writer.this_week:  # a feed: what it holds, not the people it comes from
        from ties.formats.exporters import calendar

        held = calendar.what_it_holds(text)
    else:
        held = plural(len(data["people"]), "person", "people")
    say(f"Exported {held} to {output} ({format_}).")


@app.command(rich_help_panel="Your data")
def backup(
    file: Annotated[Path | None, typer.Argument(
        help="Where to write the copy (default: backups/ next to your store, or in your data "
        "directory for a PostgreSQL store, under a new name). An existing file is replaced "
        "only with --force or when you say yes.", dir_okay=False, show_default=False)] = None,
    force: o.Force = False,
) -> None:
    """Copy the store safely, even while ties is in use.

    A SQLite store is copied as a database file; a PostgreSQL store as a ties JSON
    export, which 'ties restore' reads back with every id kept.

    Example: ties backup ~/Dropbox/ties-backup.db
    """
    from ties.storage import files

    replace = False
    if file is not None:
        files.refuse_store(file, live_store(), "backup")
        files.refuse_special(file, "backup", streams=False)
        replace = may_replace(files.real(file), force)
    done = state().backend.backup(file, replace=replace)
    say(done.message)
    from ties.core.text import safe

    echo(safe(done.path))


@app.command(rich_help_panel="Your data")
def restore(
    file: Annotated[Path, typer.Argument(help="A backup made by 'ties backup'.",
                                         dir_okay=False, show_default=False)],
    yes: o.Yes = False,
) -> None:
    """Replace your store with a backup, keeping a copy first.

    Example: ties restore ~/backups/ties-20250314-090000.db
    """
    store = state().backend
    restoring = store.check_restore(file)
    confirm(restoring.question, yes)
    kept = store.restore(restoring)
    say(f"Restored {file}." + (f" {kept}" if kept else ""))


@app.command(rich_help_panel="Your data")
def doctor(
    json: o.Json = False,
    fix: Annotated[bool, typer.Option(
        "--fix", help="First remove the temporary files an interrupted backup, restore or "
        "upgrade left behind (asks, or --yes).")] = False,
    yes: o.Yes = False,
) -> None:
    """Check the store: integrity, permissions, sync, backups.

    Example: ties doctor --fix
    """
    from ties.storage import doctor as checks
    from ties.storage.config import hide_password

    if fix:
        store = state().backend
        leftovers = store.leftovers()
        keep = {f: name for f in leftovers if (name := store.kept_as(f))}
        gone = [f for f in leftovers if f not in keep]
        if gone:
            confirm(f"Remove {len(gone)} temporary file(s) left by interrupted commands "
                    f"({checks.capped([f.name for f in gone], ', ')})? They hold nothing "
                    "your store lacks.", yes)
            for f in gone:
                f.unlink(missing_ok=True)
            say(f"Removed {len(gone)} temporary file(s).")
        elif not keep:
            say("No temporary files to remove.")
        for f in keep:
            kept = store.keep(f)
            say(f"Kept {f.name}, the complete copy taken before an upgrade that finished, "
                f"as {kept.name}.")
    results = checks.run(state().path)

    def shown(text: str) -> str:  # what the server said, without the store's password
        return hide_password(text, state().secret)

    if json:
        emit_json([{"check": c.name, "ok": c.ok, "warning": c.warning,
                    "detail": shown(c.detail), "advice": shown(c.advice)} for c in results])
    else:
        from ties.core.text import safe

        echo(f"store: {safe(state().path)}")
        for c in results:
            mark = "ok  " if c.ok else ("warn" if c.warning else "FAIL")
            echo(f"{mark}  {c.name}: {safe(shown(c.detail))}")
            if not c.ok and c.advice:
                echo(f"      {safe(shown(c.advice))}")
    errors = [c for c in results if not c.ok and not c.warning]
    if errors:
        raise typer.Exit(1)
