"""The tables, as SQLModel classes: the one source of truth for the schema.

Fields and relationships only; every query lives in `queries` (reads) and `store`
(writes). The migrations in `migrations` must produce exactly these tables; a test
compares the two so they cannot drift.
"""

import datetime as dt

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

# An id is never given out twice: SQLite's AUTOINCREMENT numbers past every id the table
# ever held (PostgreSQL's identity columns do so by themselves), so a command from shell
# history naming a deleted row can't reach a newer one.
NEVER_REUSED = {"sqlite_autoincrement": True}


class Person(SQLModel, table=True):
    __tablename__ = "person"
    __table_args__ = NEVER_REUSED

    id: int | None = Field(default=None, primary_key=True)
    name: str
    name_key: str = Field(index=True)  # names.fold(name): case- and accent-insensitive
    type: str | None = None  # tactical | social | strategic; None until triaged
    company: str | None = None
    role: str | None = None
    industry: str | None = None
    location: str | None = None
    email: str | None = Field(default=None, index=True)
    phone: str | None = None
    linkedin: str | None = Field(default=None, index=True)
    met: str | None = None  # how and where you met
    notes: str | None = None
    working_on: str | None = None
    struggles: str | None = None
    cares_about: str | None = None
    birthday_year: int | None = None
    birthday_month: int | None = None
    birthday_day: int | None = None
    cadence_days: int | None = None  # personal cadence, overrides the type's default
    created: dt.date
    archived: bool = False
    snoozed_until: dt.date | None = None
    updated_at: dt.datetime
    connected_on: dt.date | None = None  # when you connected (LinkedIn), not an interaction
    import_id: int | None = Field(default=None, foreign_key="import_batch.id",
                                  ondelete="SET NULL")
    import_digest: str | None = None  # the row as the import created it (store.digests)
    # When you last learned each talking point (UTC): set when it gets a new value, None
    # when it is empty; `ties next` shows the one learned last (views.talk_about).
    working_on_learned_at: dt.datetime | None = None
    struggles_learned_at: dt.datetime | None = None
    cares_about_learned_at: dt.datetime | None = None


class PersonContact(SQLModel, table=True):
    """A person's further email addresses and phone numbers: the first of each lives in
    `Person.email` / `Person.phone` (the primary), the rest here in the person's order
    (docs/architecture.md says why). No value is here twice for a person, nor the primary
    again (compared as `core.contacts.key` does: an email's case, a phone's spacing)."""

    __tablename__ = "person_contact"

    person_id: int = Field(foreign_key="person.id", primary_key=True, ondelete="CASCADE")
    kind: str = Field(primary_key=True)  # "email" or "phone"
    position: int = Field(primary_key=True)  # 1, 2, ...: after the primary (position 0)
    value: str = Field(index=True)


class Tag(SQLModel, table=True):
    __tablename__ = "tag"

    person_id: int = Field(foreign_key="person.id", primary_key=True, ondelete="CASCADE")
    tag: str = Field(primary_key=True, index=True)


class Interaction(SQLModel, table=True):
    __tablename__ = "interaction"
    # Covers the period sums of `ties report` (help given and received) without reading rows.
    __table_args__ = (Index("ix_interaction_date", "date", "gave", "received"), NEVER_REUSED)

    id: int | None = Field(default=None, primary_key=True)
    date: dt.date
    channel: str = "other"
    note: str | None = None
    they_reached_out: bool = False
    gave: bool = False
    received: bool = False
    logged_at: dt.datetime  # when it was typed, to catch a retried command
    import_id: int | None = Field(default=None, foreign_key="import_batch.id",
                                  ondelete="SET NULL")  # the import that created it
    import_digest: str | None = None


class InteractionPerson(SQLModel, table=True):
    __tablename__ = "interaction_person"

    interaction_id: int = Field(
        foreign_key="interaction.id", primary_key=True, ondelete="CASCADE"
    )
    person_id: int = Field(
        foreign_key="person.id", primary_key=True, index=True, ondelete="CASCADE"
    )


class PersonStats(SQLModel, table=True):
    """Per-person facts kept current in the same transaction as every write.

    `next` and `report` read these instead of every interaction; a test checks that
    they always equal a recomputation from scratch (`store.refresh_stats`).
    """

    __tablename__ = "person_stats"

    person_id: int = Field(foreign_key="person.id", primary_key=True, ondelete="CASCADE")
    interactions: int = 0
    first_contact: dt.date | None = None
    last_contact: dt.date | None = None
    gave: int = 0  # interactions in which you gave something
    received: int = 0  # interactions in which you received something
    last_gave: dt.date | None = None
    last_received: dt.date | None = None
    their_streak: int = 0  # how many of the latest interactions in a row they started
    in_person: int = 0  # in-person and event interactions
    voice: int = 0  # calls and video
    rhythm_days: int | None = None  # typical gap between contact episodes (core.rhythm)
    # how many gaps the rhythm rests on (0 until there is one)
    rhythm_gaps: int = Field(default=0, sa_column_kwargs={"server_default": text("0")})


class FollowUp(SQLModel, table=True):
    __tablename__ = "follow_up"
    __table_args__ = NEVER_REUSED

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    text: str
    due: dt.date | None = None
    created: dt.date
    done: dt.date | None = None
    import_id: int | None = Field(default=None, foreign_key="import_batch.id",
                                  ondelete="SET NULL")  # the import that created it
    import_digest: str | None = None


class ImportBatch(SQLModel, table=True):
    """One run of `ties import`, so that it can be listed and undone."""

    __tablename__ = "import_batch"
    __table_args__ = NEVER_REUSED

    id: int | None = Field(default=None, primary_key=True)
    format: str
    source: str  # the file's name as given
    imported_at: dt.datetime
    created: int = 0
    updated: int = 0
    undone_at: dt.datetime | None = None


class ImportFill(SQLModel, table=True):
    """A field an import filled in on someone who already existed (undo empties it again
    if it still holds this value)."""

    __tablename__ = "import_fill"

    batch_id: int = Field(foreign_key="import_batch.id", primary_key=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", primary_key=True, ondelete="CASCADE")
    field: str = Field(primary_key=True)
    value: str


class InteractionSource(SQLModel, table=True):
    """What a calendar or mail import took an interaction from: the key of the event
    occurrence or message ("ics:UID/start", "mail:Message-ID") with one of its people.
    A key is recorded once per person, so a re-import adds nothing, while someone you add
    later still gets their past meetings from the next import. `merged`: the interaction
    was already logged (by hand) and the import only recorded its key there, filling its
    empty note with `filled`; undo takes the key (and that note) back. `batch_id` is
    None for a key a ties JSON import or restore brought with its interaction: it goes
    with the interaction, and no undo of an import takes it back alone."""

    __tablename__ = "interaction_source"

    key: str = Field(primary_key=True)
    person_id: int = Field(foreign_key="person.id", primary_key=True, ondelete="CASCADE")
    interaction_id: int = Field(foreign_key="interaction.id", index=True, ondelete="CASCADE")
    batch_id: int | None = Field(default=None, foreign_key="import_batch.id", index=True,
                                 ondelete="CASCADE")
    merged: bool = False
    filled: str | None = None
    # a mail key's thread: the key of the thread's root message (m011); None for a
    # calendar's, and for a mail key recorded before m011
    thread: str | None = None


class DeletedSource(SQLModel, table=True):
    """A calendar or mail key whose interaction you deleted (`ties interaction rm`): the
    meeting or message never happened as far as you are concerned, so a re-import of the
    same export skips it ("deleted by you") instead of bringing it back. One row per key
    and person the interaction held (m014); it belongs to no import, so undoing one leaves
    it, and a merge moves it to the person kept."""

    __tablename__ = "deleted_source"

    key: str = Field(primary_key=True)
    person_id: int = Field(foreign_key="person.id", primary_key=True, ondelete="CASCADE")


class ImportSetting(SQLModel, table=True):
    """A setting an import added (undo forgets it again if it still has this value)."""

    __tablename__ = "import_setting"

    batch_id: int = Field(foreign_key="import_batch.id", primary_key=True, ondelete="CASCADE")
    key: str = Field(primary_key=True)
    value: str


class JobChange(SQLModel, table=True):
    """A change of someone's company or role ties learned of: a re-import that brought a
    new one, or `ties edit --moved`. `batch_id`: the import that made it (its undo puts
    the earlier company and role back and removes the row); None for one made by hand or
    brought by a ties JSON file."""

    __tablename__ = "job_change"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    changed_on: dt.date = Field(index=True)
    company_before: str | None = None
    role_before: str | None = None
    company: str | None = None
    role: str | None = None
    batch_id: int | None = Field(default=None, foreign_key="import_batch.id", index=True,
                                 ondelete="CASCADE")


class ImportValue(SQLModel, table=True):
    """The company or role a kind of file (`format`: linkedin, google, vcard, csv) last
    brought for a person. A re-import of that kind changes the field only while it still
    holds this value: one you typed or another kind of file brought is yours and is kept.
    Typing or emptying the field leaves this row, so that an emptied field is told from
    one no file ever filled; '' records that the import emptied it (they left)."""

    __tablename__ = "import_value"

    person_id: int = Field(foreign_key="person.id", primary_key=True, ondelete="CASCADE")
    field: str = Field(primary_key=True)
    format: str = Field(primary_key=True)
    value: str


class WeekList(SQLModel, table=True):
    """The list `ties next` gave for a week, kept on the first write of that week (or of a
    later one, for the weeks between with no write) from the store as it stood that
    Monday: what follow-through compares your contacts with. `week` is the Monday;
    `people` the ids suggested, best first, separated by spaces (empty: no one). Never
    written by a read command."""

    __tablename__ = "week_list"

    week: dt.date = Field(primary_key=True)
    people: str


class Setting(SQLModel, table=True):
    __tablename__ = "setting"

    key: str = Field(primary_key=True)
    value: str


class Meta(SQLModel, table=True):
    """Bookkeeping: schema_version, and later the last backup's date."""

    __tablename__ = "ties_meta"

    key: str = Field(primary_key=True)
    value: str
