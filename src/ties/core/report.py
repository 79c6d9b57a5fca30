"""The numbers of `ties report`: tie strength, status and the summary. Pure functions.

Tie strength follows Granovetter's definition of a tie (time spent together, intensity,
intimacy, reciprocal services), measured from what you logged. It rewards sustained,
two-way, recent contact over a burst. 0-100 points:

* recency (20): full when you were in touch today, falling in a straight line to 0 at
  twice the person's cadence;
* frequency (15): interactions since you first met against one per cadence: keeping to
  the cadence earns half (7.5), twice as often the full 15;
* sustained (25): how long you have kept in touch, from the first contact to the latest,
  counting at most one cadence for each gap between contacts (two logs a year apart are
  not a year of contact): 25 x span / (span + 30 days), so a month earns about half and
  a year 23;
* depth (15): the share of interactions in person or at events (full weight), by call or
  video (0.5) and in writing (0.2);
* knowing them (10): 3 points each for knowing what they work on, struggle with and care
  about, and 1 for notes;
* reciprocity (15): 15 times the balance of help (the smaller of gave and received over
  the larger) when it flows both ways; 3 when it flows only one way.

docs/report.md explains each part and the status words with an example. The constants and
functions here are the definition; `queries.report_page` writes the same numbers into its
SQL so that a large store is never loaded into Python, and tests hold the two equal (on
random data, and with each constant changed).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from ties.core import rhythm, scoring
from ties.core.scoring import never_contacted_import

# The model's numbers, the one definition: `queries.report_page` builds its SQL from them.
RECENCY_POINTS = 20
RECENCY_CADENCES = 2  # recency falls to 0 at this many cadences
FREQUENCY_POINTS = 15
FULL_FREQUENCY = 2  # interactions per cadence for full frequency points
SUSTAINED_POINTS = 25
SUSTAINED_HALF_DAYS = 30  # a span of contact this long earns half the sustained points
DEPTH_POINTS = 15
VOICE_WEIGHT = 0.5  # a call or video against meeting in person
WRITTEN_WEIGHT = 0.2  # a message
KNOWN_POINTS = 3  # each of working on, struggles, cares about
NOTES_POINTS = 1
BALANCE_POINTS = 15  # times the balance of help, when it flows both ways
ONE_WAY_POINTS = 3.0  # when help flows only one way
STRONG = 70  # strength at or above which a tie counts as strong
NEW_DAYS = 30  # first met fewer days ago than this...
NEW_INTERACTIONS = 2  # ...and at most this many interactions: new
STATUSES = ("strong", "steady", "due", "fading", "dormant", "new", "snoozed", "imported")
DUE_STATUSES = rhythm.STAGES  # statuses of a tie at or past due: the ladder's words


@dataclass(slots=True)
class Tie:
    """What the report knows about one person."""

    id: int
    name: str
    type: str | None
    cadence: int
    created: date
    company: str | None = None
    industry: str | None = None
    first_contact: date | None = None
    last_contact: date | None = None
    interactions: int = 0
    in_period: int = 0
    gave: int = 0
    received: int = 0
    last_gave: date | None = None
    last_received: date | None = None
    in_person: int = 0
    voice: int = 0
    known: int = 0  # how many of working_on, struggles, cares_about are filled in
    has_notes: bool = False
    sort_key: str = ""
    imported: bool = False  # an import created them
    snoozed_until: date | None = None
    fixed: bool = False  # the cadence is their own (--every), not their type's
    rhythm: int | None = None  # their typical gap between contacts (core.rhythm)
    rhythm_gaps: int = 0

    @property
    def anchor(self) -> date:
        return self.last_contact or self.created

    @property
    def interval(self) -> int:
        """The days expected between contacts, as `ties next` counts them
        (`rhythm.expected_interval`): due dates and statuses count this; strength counts
        the cadence."""
        return rhythm.expected_interval(self.cadence, self.rhythm, self.rhythm_gaps,
                                        self.fixed)

    @property
    def never_met(self) -> bool:
        """Imported and never in touch: a contact, not yet a relationship, with no due
        date (as in `ties next`)."""
        return never_contacted_import(self.imported, self.last_contact)

    @property
    def due(self) -> date | None:
        """When they come due: the expected interval after the last contact (or the
        add), but not before a snooze ends; None for an import you have never met."""
        if self.never_met:
            return None
        due = self.anchor + timedelta(days=self.interval)
        return self.snoozed_until if self.snoozed_until and self.snoozed_until > due else due


def strength_parts(t: Tie, today: date) -> dict[str, float]:
    """The six parts of tie strength, in points."""
    return dict(zip(PARTS,
                    _parts(t, today), strict=True))


PARTS = ("recency", "frequency", "sustained", "depth", "knowing", "reciprocity")


def sustained_days(t: Tie) -> int:
    """Days from the first contact to the latest, at most one cadence per gap between
    contacts."""
    if not (t.first_contact and t.last_contact and t.interactions > 1):
        return 0
    return min((t.last_contact - t.first_contact).days, (t.interactions - 1) * t.cadence)


def _parts(t: Tie, today: date) -> tuple[float, float, float, float, float, float]:
    days = max((today - t.anchor).days, 0)
    recency = (RECENCY_POINTS * max(0.0, 1 - days / (RECENCY_CADENCES * t.cadence))
               if t.last_contact else 0.0)
    if t.interactions and t.first_contact:
        expected = max((today - t.first_contact).days, t.cadence) / t.cadence
        frequency = FREQUENCY_POINTS * min(1.0, t.interactions / (FULL_FREQUENCY * expected))
        written = t.interactions - t.in_person - t.voice
        depth = DEPTH_POINTS * (t.in_person + VOICE_WEIGHT * t.voice
                                + WRITTEN_WEIGHT * written) / t.interactions
    else:
        frequency = depth = 0.0
    # 25 x span / (span + 30), written so the SQL needs the span once
    sustained = SUSTAINED_POINTS - SUSTAINED_POINTS * SUSTAINED_HALF_DAYS / (
        sustained_days(t) + SUSTAINED_HALF_DAYS)
    knowing = KNOWN_POINTS * t.known + (NOTES_POINTS if t.has_notes else 0)
    if t.gave and t.received:
        reciprocity = BALANCE_POINTS * min(t.gave, t.received) / max(t.gave, t.received)
    elif t.gave or t.received:
        reciprocity = ONE_WAY_POINTS
    else:
        reciprocity = 0.0
    return recency, frequency, sustained, depth, knowing, reciprocity


def strength(t: Tie, today: date) -> int:
    """0-100, rounded half up (as `queries.report_page` computes it in SQL)."""
    return math.floor(sum(_parts(t, today)) + 0.5)


def status(t: Tie, today: date, score: int | None = None) -> str:
    """A kind word for where the relationship is: snoozed (until a date after today),
    imported (never met), new, then the ladder `ties next` speaks in (`rhythm.stage_of`,
    counting the expected interval): dormant, fading, due; else strong or steady."""
    score = strength(t, today) if score is None else score
    if t.snoozed_until and t.snoozed_until > today:
        return "snoozed"
    if t.never_met:
        return "imported"
    if (today - (t.first_contact or t.created)).days < NEW_DAYS and \
            t.interactions <= NEW_INTERACTIONS:
        return "new"
    rung = rhythm.stage_of(t.last_contact, t.anchor, today, t.rhythm, t.rhythm_gaps,
                           t.interval, t.fixed)
    if rung is not None:
        return rung
    return "strong" if score >= STRONG else "steady"


def once_close(t: Tie) -> bool:
    """Once strong, as `ties next`'s reconnect counts it (`scoring.once_strong`)."""
    return (t.interactions >= scoring.RECONNECT_TALKS and t.first_contact is not None
            and t.last_contact is not None
            and (t.last_contact - t.first_contact).days >= scoring.RECONNECT_SPAN)


def owes(t: Tie) -> bool:
    """They helped you and you have not given since."""
    return t.last_received is not None and (t.last_gave is None or t.last_gave < t.last_received)


@dataclass
class Row:
    tie: Tie
    strength: int
    status: str


def with_period_counts(shown: list[Row], counts: dict[int, int]) -> list[Row]:
    """The rows with their interactions in the period filled in."""
    return [Row(replace(r.tie, in_period=counts.get(r.tie.id, 0)), r.strength, r.status)
            for r in shown]


SORTS = ("strength", "due", "last", "name", "balance")
"""The orders of the report's table (`queries.report_page` sorts in SQL; ties break by
name, then id)."""


@dataclass
class Summary:
    people: int
    strong: int
    active: int
    by_type: dict[str, dict[str, int]]
    slipping: str | None  # the type being let slide, when it is strategic
    gave: int
    received: int
    owe: list[str]
    industries: int
    companies: int
    largest: str | None  # the largest circle, in the spelling you use most
    largest_share: float
    weekly: list[int]
    streak_weeks: int
    since: date
    today: date
    notes: list[str] = field(default_factory=list)
    slipping_ties: list[str] = field(default_factory=list)  # the strategic ties due, by due
    industry_spread: list[tuple[str, int]] = field(default_factory=list)
    company_spread: list[tuple[str, int]] = field(default_factory=list)
    type: str | None = None  # the one type the report is about (--type)
    fading: list[str] = field(default_factory=list)  # silent well beyond their rhythm, by due
    dormant: list[str] = field(default_factory=list)  # silent a year or more, by due
    once_close: list[str] = field(default_factory=list)  # of the dormant, those once strong


def fold(value: str) -> str:
    """The key two spellings of an industry or company share: case and spaces folded."""
    return " ".join(value.split()).casefold()


class Spellings:
    """People counted by folded key, remembering how often each spelling was used, so a
    distribution shows the user's own spelling (the most common one per key; a tie goes
    to the first in code-point order)."""

    def __init__(self, key: Callable[[str], str | None] = fold) -> None:
        self._key = key
        self._by_key: dict[str, dict[str, int]] = {}

    def add(self, value: str | None, n: int = 1) -> None:
        shown = " ".join((value or "").split())
        key = self._key(value) if shown else None
        if key:
            spellings = self._by_key.setdefault(key, {})
            spellings[shown] = spellings.get(shown, 0) + n

    def __len__(self) -> int:
        return len(self._by_key)

    def spelling(self, key: str) -> str:
        spellings = self._by_key[key]
        return min(spellings, key=lambda v: (-spellings[v], v))

    def totals(self) -> dict[str, int]:
        """People per key."""
        return {k: sum(v.values()) for k, v in self._by_key.items()}

    def spread(self) -> list[tuple[str, int]]:
        """(spelling, people) per key, the largest first (ties by key)."""
        return [(self.spelling(k), n) for k, n in sorted(self.totals().items(),
                                                         key=lambda kv: (-kv[1], kv[0]))]


def week_start(d: date) -> date:
    return d - timedelta(days=d.weekday())


def weekly_counts(per_day: dict[date, int], today: date, weeks: int = 12) -> list[int]:
    """Interactions per week (Monday to Sunday) for the last `weeks` weeks, oldest first;
    the last is the current week so far."""
    start = week_start(today) - timedelta(weeks=weeks - 1)
    counts = [0] * weeks
    for d, n in per_day.items():
        if start <= d <= today:
            counts[(d - start).days // 7] += n
    return counts


def streak(active_weeks: Iterable[date], today: date) -> int:
    """Consecutive weeks with at least one interaction, up to this week (a week still in
    progress without one does not break the streak yet)."""
    weeks = {week_start(d) for d in active_weeks}
    current = week_start(today)
    if current not in weeks:
        current -= timedelta(weeks=1)
    n = 0
    while current in weeks:
        n += 1
        current -= timedelta(weeks=1)
    return n


def slipping(by_type: dict[str, dict[str, int]]) -> str | None:
    """'strategic' when strategic ties are the ones being let slide: half or more of them
    due, and no type with a larger share due."""
    shares = {k: v["due"] / v["count"] for k, v in by_type.items() if v["count"]}
    if shares.get("strategic", 0) >= 0.5 and shares["strategic"] >= max(shares.values()):
        return "strategic"
    return None


BARS = " ▁▂▃▄▅▆▇█"


def sparkline(values: list[int]) -> str:
    top = max(values, default=0)
    if top == 0:
        return BARS[1] * len(values)
    return "".join(BARS[max(2, round(v / top * 8))] if v else BARS[1] for v in values)
