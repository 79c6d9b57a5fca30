"""Options shared by several commands, declared once."""

from __future__ import annotations

from typing import Annotated

import typer

from ties.cli.app import complete_channel, complete_name, complete_type

Name = Annotated[str, typer.Argument(
    help="A name, a unique part of one, or @ID.", autocompletion=complete_name,
    show_default=False)]
Names = Annotated[list[str], typer.Argument(
    help="One or more people: names, unique parts of names, or @ID.",
    autocompletion=complete_name, show_default=False)]
Type = Annotated[str | None, typer.Option(
    "--type", "-t", help="tactical, social or strategic.", autocompletion=complete_type,
    show_default=False)]
Company = Annotated[str | None, typer.Option(help="Where they work.", show_default=False)]
Role = Annotated[str | None, typer.Option(help="Their job or title.", show_default=False)]
Industry = Annotated[str | None, typer.Option(help="Their industry or field.",
                                              show_default=False)]
Location = Annotated[str | None, typer.Option(help="Where they live or work.",
                                              show_default=False)]
Email = Annotated[list[str] | None, typer.Option(
    "--email", help="Email address; repeat for several, the first is the primary.",
    show_default=False)]
Phone = Annotated[list[str] | None, typer.Option(
    "--phone", help="Phone number; repeat for several, the first is the primary.",
    show_default=False)]
LinkedIn = Annotated[str | None, typer.Option(
    "--linkedin", help="LinkedIn profile URL or handle.", show_default=False)]
Tags = Annotated[list[str] | None, typer.Option(
    "--tag", help="A tag; repeat for several.", show_default=False)]
Met = Annotated[str | None, typer.Option(help="How and where you met.", show_default=False)]
Note = Annotated[str | None, typer.Option(
    "--note", help="Free notes about them (shell history keeps what you type).",
    show_default=False)]
WorkingOn = Annotated[str | None, typer.Option(
    "--working-on", help="What they are working on.", show_default=False)]
Struggles = Annotated[str | None, typer.Option(
    "--struggles", help="What they struggle with.", show_default=False)]
CaresAbout = Annotated[str | None, typer.Option(
    "--cares-about", help="What they care about.", show_default=False)]
Birthday = Annotated[str | None, typer.Option(
    help="Birthday: 1990-04-12, --04-12 or '12 April' when the year is unknown.",
    show_default=False)]
Every = Annotated[str | None, typer.Option(
    "--every", help="Personal cadence overriding the type's default: 30d, 3w, 2 weeks, "
    "1 month (30 days).", show_default=False)]
Via = Annotated[str, typer.Option(
    "--via", help="Channel: in-person, call, video, message, email, event or other.",
    autocompletion=complete_channel)]
Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Yes = Annotated[bool, typer.Option("--yes", "-y", help="Don't ask for confirmation.")]
Force = Annotated[bool, typer.Option(
    "--force", help="Replace the file if it exists (never your live store).")]
