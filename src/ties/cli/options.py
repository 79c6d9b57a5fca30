"""Options shared by several commands, declared once; the profile options of add and edit
come from the field spec (`profile_options`)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated

import typer

from ties.cli.app import complete_channel, complete_name, complete_type
from ties.core import personfields

# Tab completion for a field's option, by the field's kind.
COMPLETION = {"type": complete_type}

Name = Annotated[str, typer.Argument(
    help="A name, a unique part of one, or @ID.", autocompletion=complete_name,
    show_default=False)]
Names = Annotated[list[str], typer.Argument(
    help="One or more people: names, unique parts of names, or @ID.",
    autocompletion=complete_name, show_default=False)]
Tags = Annotated[list[str] | None, typer.Option(
    "--tag", help="A tag; repeat for several.", show_default=False)]
Via = Annotated[str, typer.Option(
    "--via", help="Channel: in-person, call, video, message, email, event or other.",
    autocompletion=complete_channel)]
Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Yes = Annotated[bool, typer.Option("--yes", "-y", help="Don't ask for confirmation.")]
Force = Annotated[bool, typer.Option(
    "--force", help="Replace the file if it exists (never your live store).")]


def profile_option(f: personfields.PersonField, help: str | None = None):
    """The Typer option that sets field `f` (text, checked by the command)."""
    flags = (f.option_flag, *([f.short] if f.short else []))
    if f.repeatable:
        return Annotated[list[str] | None, typer.Option(
            *flags, help=help or f.help, show_default=False)]
    return Annotated[str | None, typer.Option(
        *flags, help=help or f.help, autocompletion=COMPLETION.get(f.kind),
        show_default=False)]


def profile_options(*, skip: tuple[str, ...] = (), after: dict[str, tuple[str, ...]] | None
                    = None, help: dict[str, str] | None = None,
                    defaults: dict[str, str] | None = None, spec=None) -> Callable:
    """Give a command an option for each field of the spec that has one, in the spec's
    order: the command takes them as keyword arguments (`**options`: parameter name ->
    text or None) and hands them to `ties.cli.people.profile_of`. Typer reads the
    signature this sets; `--help` lists the options as if they were written out.

    The command's own arguments come first and its own options last, but for those
    `after` places right after a field's option (`{"met": ("on", "via")}`). `skip` leaves
    fields out; `help` and `defaults` (by field name) change an option's help or default.
    """
    after, help, defaults = after or {}, help or {}, defaults or {}
    placed = {name for names in after.values() for name in names}

    def wrap(command: Callable) -> Callable:
        own = {p.name: p.replace(kind=p.KEYWORD_ONLY)
               for p in inspect.signature(command, eval_str=True).parameters.values()
               if p.kind is not p.VAR_KEYWORD}
        params = [p for p in own.values() if p.name not in placed and _is_argument(p)]
        for f in personfields.SPEC if spec is None else spec:
            if f.option and f.name not in skip:
                params.append(inspect.Parameter(
                    f.option, inspect.Parameter.KEYWORD_ONLY, default=defaults.get(f.name),
                    annotation=profile_option(f, help.get(f.name))))
                params += [own[name] for name in after.get(f.name, ())]
        params += [p for p in own.values() if p.name not in placed and not _is_argument(p)]
        command.__signature__ = inspect.Signature(params)
        return command

    return wrap


def _is_argument(p: inspect.Parameter) -> bool:
    return any(isinstance(m, typer.models.ArgumentInfo)
               for m in getattr(p.annotation, "__metadata__", ()))
