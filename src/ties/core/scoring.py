"""Whom to reach out to, and why. Pure: facts and today in, scores and reasons out.

No database, no terminal, no clock. The model, in points (docs/scoring.md works an
example through these exact numbers):

* recency: 10 points when a person is exactly due (days since the last real interaction
  equal their cadence), growing in a straight line the further past due they are;
  multiplied by the weight of their type (strategic 1.5, social 1.0, tactical 0.6);
* reciprocity: help they gave you that you have not returned adds up to 6 points, halving
  every 90 days; they reached out the last two or more times adds 3 (your turn); never
  having given anything after three or more interactions adds 2 (ask how you can help);
* a promise (follow-up) due within the week puts the person at the top: 1000 points plus
  one per day overdue; an undated promise adds 3;
* a birthday in the coming week adds 2.

Only people due within the coming week, or with a promise due in it, are suggested.
Ties in score break by name, then id, so the same data and day give the same ranking.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from ties.core.dates import ago, format_duration, next_birthday, span

WEEK = 7
DUE_POINTS = 10.0
UNRETURNED_POINTS = 6.0
FAVOUR_HALF_LIFE = 90  # days
YOUR_TURN_POINTS = 3.0
YOUR_TURN_STREAK = 2  # they reached out this many times in a row
ASK_HOW_TO_HELP_POINTS = 2.0
ASK_AFTER = 3  # interactions without ever giving
PROMISE_POINTS = 1000.0
UNDATED_PROMISE_POINTS = 3.0
BIRTHDAY_POINTS = 2.0
STRETCH_WINDOW = 90  # days of interactions that define your comfort zone


@dataclass(frozen=True)
class Promise:
    text: str
    due: date | None


@dataclass(frozen=True)
class Facts:
    """What scoring knows about one person."""

    id: int
    name: str
    type: str
    cadence: int  # days, the person's own or their type's
    created: date
    last_contact: date | None = None
    interactions: int = 0
    gave: int = 0
    last_gave: date | None = None
    last_received: date | None = None
    their_streak: int = 0
    promises: tuple[Promise, ...] = ()
    birthday: tuple[int, int] | None = None  # (month, day)
    industry: str | None = None
    company: str | None = None
    sort_key: str = ""  # folded name, for stable ties
    imported: bool = False  # created by an import (a contact, not yet a relationship)

    @property
    def anchor(self) -> date:
        """Cadence counts from the last real interaction, else from when they were added."""
        return self.last_contact or self.created


@dataclass(frozen=True)
class Weights:
    strategic: float = 1.5
    social: float = 1.0
    tactical: float = 0.6

    def of(self, type_: str) -> float:
        return getattr(self, type_, self.tactical)


@dataclass
class Suggestion:
    facts: Facts
    score: float
    reasons: list[str] = field(default_factory=list)
    due: date | None = None
    stretch: bool = False

    @property
    def rank_key(self) -> tuple:
        return (-round(self.score, 6), self.facts.sort_key or self.facts.name, self.facts.id)


def never_contacted_import(imported: bool, last_contact: date | None) -> bool:
    """Someone an import created whom you have never been in touch with: a contact, not
    yet a relationship. The one definition (`queries.NEVER_CONTACTED_IMPORT` is its SQL,
    and a test holds the two equal)."""
    return bool(imported) and last_contact is None


def due_date(f: Facts) -> date:
    return f.anchor + timedelta(days=f.cadence)


def promises_due(f: Facts, today: date) -> list[Promise]:
    horizon = today + timedelta(days=WEEK - 1)
    return [p for p in f.promises if p.due is not None and p.due <= horizon]


def is_candidate(f: Facts, today: date) -> bool:
    """Suggested this week: due within the coming week, or a promise due in it. Someone
    an import created whom you have never been in touch with is a contact, not yet a
    relationship: only a promise brings them in (so a large import never floods the list).
    (`queries.next_candidates` applies exactly this rule in SQL.)"""
    if promises_due(f, today):
        return True
    if never_contacted_import(f.imported, f.last_contact):
        return False
    return due_date(f) <= today + timedelta(days=WEEK - 1)


def score(f: Facts, today: date, weights: Weights = Weights()) -> Suggestion:
    """The score and the reasons, in words a person can act on."""
    s = Suggestion(facts=f, score=0.0, due=due_date(f))
    days = (today - f.anchor).days
    ratio = max(days, 0) / f.cadence
    s.score += DUE_POINTS * ratio * weights.of(f.type)
    s.reasons.append(_recency_reason(f, today, days))

    pressing = []
    for p in sorted(promises_due(f, today), key=lambda p: (p.due, p.text)):
        late = (today - p.due).days
        s.score += PROMISE_POINTS + max(late, 0)
        when = ("overdue by " + span(late)) if late > 0 else (
            "due today" if late == 0 else f"due {_weekday(p.due, today)}")
        pressing.append(f"you promised: {p.text} ({when})")
    s.reasons[:0] = pressing  # the most overdue first
    undated = [p for p in f.promises if p.due is None]
    for p in undated:
        s.score += UNDATED_PROMISE_POINTS
        s.reasons.append(f"you promised: {p.text}")

    owed = _unreturned(f, today)
    if owed:
        s.score += owed
        s.reasons.append(f"they helped you {_month(f.last_received, today)}: time to give "
                         "back")
    if f.their_streak >= YOUR_TURN_STREAK:
        s.score += YOUR_TURN_POINTS
        s.reasons.append(f"they reached out the last {f.their_streak} times: your turn")
    if f.gave == 0 and f.interactions >= ASK_AFTER:
        s.score += ASK_HOW_TO_HELP_POINTS
        s.reasons.append("ask how you can help: you haven't offered anything yet")
    if f.birthday:
        upcoming = next_birthday(f.birthday[0], f.birthday[1], today)
        if (upcoming - today).days < WEEK:
            s.score += BIRTHDAY_POINTS
            s.reasons.append(f"birthday {_weekday(upcoming, today)} ({upcoming:%-d %B})")
    return s


def _recency_reason(f: Facts, today: date, days: int) -> str:
    every = f"every {_cadence_words(f.cadence)}"
    due = due_date(f)
    if f.last_contact is None:
        return (f"not in touch since you added them {ago(f.created, today)} ({f.type}: "
                f"{every})")
    late = (today - due).days
    if late > 0:
        return f"overdue by {span(late)} ({f.type}: {every})"
    if late == 0:
        return f"due today ({f.type}: {every})"
    if late > -WEEK:
        return f"due {_weekday(due, today)} ({f.type}: {every})"
    return f"due in {span(-late)} ({f.type}: {every})"


def _cadence_words(days: int) -> str:
    short = format_duration(days)
    n, unit = int(short[:-1]), short[-1]
    word = {"d": "day", "w": "week", "m": "month", "y": "year"}[unit]
    return word if n == 1 else f"{n} {word}s"


def _weekday(d: date, today: date) -> str:
    delta = (d - today).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "tomorrow"
    return f"on {d:%A}" if 0 < delta < WEEK else f"on {d.isoformat()}"


def _month(d: date | None, today: date) -> str:
    if d is None:
        return ""
    return f"in {d:%B}" if d.year == today.year else f"in {d:%B %Y}"


def _unreturned(f: Facts, today: date) -> float:
    """Points for help received and not returned since; old favours count less."""
    if f.last_received is None or (f.last_gave and f.last_gave >= f.last_received):
        return 0.0
    age = max((today - f.last_received).days, 0)
    return UNRETURNED_POINTS * 0.5 ** (age / FAVOUR_HALF_LIFE)


def shortlist(entries: Sequence[tuple], count: int) -> list[int]:
    """The ids that can still rank among the first `count`, from cheap bounds.

    entries: (id, recency points, upper bound of all other points, forced) where forced
    means a promise is due (at least PROMISE_POINTS more: always loaded). Everyone scores
    at least their recency (plus PROMISE_POINTS when forced); someone whose recency plus
    every point they could add stays below the count-th best of those floors cannot make
    the list, so their full facts never need loading. Exact: `suggest` over the shortlist
    equals `suggest` over everyone (a hypothesis test checks it). A person long overdue on
    a short cadence can outscore a promise, so the floors of both count. Someone whose
    bounds the database could not compute (a date in the store it can't read) is always
    loaded, so that reading their facts says what is wrong instead of skipping them.
    """
    unknown = {e[0] for e in entries if e[1] is None or e[2] is None}  # see below
    if count <= 0:
        return [e[0] for e in entries if e[3] or e[0] in unknown]
    floors = sorted((e[1] + (PROMISE_POINTS if e[3] else 0.0) for e in entries
                     if e[0] not in unknown), reverse=True)
    if len(floors) <= count:
        return [e[0] for e in entries]
    threshold = floors[count - 1]
    return [e[0] for e in entries
            if e[0] in unknown or e[3] or e[1] + e[2] >= threshold - 1e-9]


def rank(people: Iterable[Facts], today: date, weights: Weights = Weights()) -> list[Suggestion]:
    """Every candidate, best first; a total order (score, then name, then id)."""
    scored = [score(f, today, weights) for f in people if is_candidate(f, today)]
    return sorted(scored, key=lambda s: s.rank_key)


@dataclass(frozen=True)
class ComfortZone:
    """Whom you were in touch with lately: circle (industry, else company) -> how many
    people."""

    circles: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.circles.values())

    @property
    def dominant(self) -> str | None:
        if not self.circles:
            return None
        return sorted(self.circles.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def circle(industry: str | None, company: str | None) -> str | None:
    """The part of your world a person belongs to: their industry, else their company
    (folded to lower case). The one definition of a circle, for `ties next`'s stretch and
    `ties report`'s comfort zone alike."""
    return (industry or company or "").strip().lower() or None


def circle_of(f: Facts) -> str | None:
    return circle(f.industry, f.company)


def _as_stretch(s: Suggestion, zone: ComfortZone) -> Suggestion:
    share = zone.circles[zone.dominant] if zone.dominant else 0
    reason = (f"stretch: {circle_of(s.facts)}, outside your recent circle (mostly "
              f"{zone.dominant}: {share} of the {zone.total} people you saw in 90 days)")
    return replace(s, stretch=True, reasons=[reason, *s.reasons])


def pick_stretch(pool: Iterable[Facts], zone: ComfortZone, today: date,
                 weights: Weights = Weights(), exclude: Sequence[int] = ()) -> Suggestion | None:
    """Someone from an industry (or company) your recent interactions left out: among
    such people at least half-way to due, the highest score."""
    if zone.dominant is None:
        return None
    best: Suggestion | None = None
    for f in pool:
        circle = circle_of(f)
        if f.id in exclude or circle is None or circle in zone.circles:
            continue
        if never_contacted_import(f.imported, f.last_contact):
            continue
        if (today - f.anchor).days * 2 < f.cadence:
            continue
        s = score(f, today, weights)
        if best is None or s.rank_key < best.rank_key:
            best = s
    return _as_stretch(best, zone) if best else None


def suggest(people: Iterable[Facts], today: date, count: int, weights: Weights = Weights(),
            stretch_pool: Iterable[Facts] = (), zone: ComfortZone | None = None
            ) -> list[Suggestion]:
    """This week's list: the top `count`. With a comfort `zone` one of them is a stretch:
    a pick already outside the zone is marked as such, else the last slot goes to the
    best person outside it (if anyone fits)."""
    ranked = rank(people, today, weights)
    picks = ranked[:count]
    if zone is None or zone.dominant is None or count <= 0:
        return picks
    for i, s in enumerate(picks):
        circle = circle_of(s.facts)
        if circle and circle not in zone.circles:
            picks[i] = _as_stretch(s, zone)
            return picks
    extra = pick_stretch(stretch_pool, zone, today, weights, exclude=[s.facts.id for s in picks])
    if extra is None:
        return picks
    return ranked[:count - 1] + [extra]
