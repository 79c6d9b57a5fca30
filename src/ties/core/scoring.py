"""Whom to reach out to, and why. Pure: facts and today in, scores and reasons out.

No database, no terminal, no clock. The model, in points (docs/scoring.md works an
example through these exact numbers):

* recency: 10 points when a person is exactly due (days since the last real interaction
  equal their cadence), growing in a straight line the further past due they are;
  multiplied by the weight of their type (strategic 1.5, social 1.0, tactical 0.6);
* reciprocity: help they gave you that you have not returned adds up to 6 points, halving
  every 90 days; they reached out the last two or more times adds 3 (your turn); never
  having given anything after three or more interactions adds 2 (ask how you can help),
  in the week they come due and every fourth week after while they stay due, so the same
  advice does not sit on their row week after week;
* a promise (follow-up) due within the week puts the person at the top: 1000 points plus
  one per day overdue; an undated promise adds 3, and one made two weeks ago or more
  adds 50 once (it brings the person in);
* a birthday in the coming week adds 100 (it brings the person in);
* a job change you learned of (a re-import, `ties edit --moved`) in the last 4 weeks adds
  100 (it brings the person in, as a birthday does: congratulate them);
* fading or dormant (`rhythm.stage`, the ladder due -> fading -> dormant that `ties
  report` shares): silent well beyond their rhythm, or a year or more, adds 5; a dormant
  tie that was once strong is said as a chance to reconnect, not a failure.

"Due" counts the expected interval (`Facts.interval`): an explicit cadence, else the
type's cadence blended with the person's own learned rhythm once there is enough history.

People due within the coming week, with a promise due in it, a birthday in it or an
undated promise two weeks old are suggested. Ties in score break by name, then id, so the
same data and day give the same ranking.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cached_property, lru_cache

from ties.core import rhythm
from ties.core.dates import ago, format_duration, next_birthday, span
from ties.core.fields import RELATIONSHIP_TYPES as TYPES
from ties.core.names import fold

WEEK = 7
DUE_POINTS = 10.0
UNRETURNED_POINTS = 6.0
FAVOUR_HALF_LIFE = 90  # days
YOUR_TURN_POINTS = 3.0
YOUR_TURN_STREAK = 2  # they reached out this many times in a row
ASK_HOW_TO_HELP_POINTS = 2.0
ASK_AFTER = 3  # interactions without ever giving
ASK_EVERY = 28  # days: the ask shows one week in four while someone stays due
PROMISE_POINTS = 1000.0
UNDATED_PROMISE_POINTS = 3.0
STALE_PROMISE_AFTER = 14  # days: an undated promise this old brings its person in
STALE_PROMISE_POINTS = 50.0
BIRTHDAY_POINTS = 100.0
JOB_POINTS = 100.0  # a job change in the last JOB_NEWS_DAYS: congratulate them
JOB_NEWS_DAYS = 28  # days after the change it is news: day 27 in, day 28 out
STRETCH_WINDOW = 90  # days of interactions that define your comfort zone
FADING_POINTS = 5.0  # fading or dormant (core.rhythm.stage)
RECONNECT_TALKS = 6  # interactions that make a tie once strong (reconnect) ...
RECONNECT_SPAN = 182  # ... spread over at least half a year, first to last
DORMANT_AFTER = rhythm.DORMANT_AFTER  # days of silence that make a tie dormant


@dataclass(frozen=True)
class Promise:
    text: str
    due: date | None
    made: date | None = None  # the day you made it


@dataclass(frozen=True)
class Job:
    """Their latest change of company or role that led to the job they have now
    (`holds`), and the day ties learned of it."""

    day: date
    company_before: str | None
    role_before: str | None
    company: str | None
    role: str | None

    def holds(self, company: str | None, role: str | None) -> bool:
        """Whether this change led to the company and role they have now (empty and none
        alike, A-Z in either case: 'hooli' respelled is still Hooli; `queries._job_sql`
        compares the same way in SQL). A change that did not (one a merged record
        brought, or one a plain edit has corrected since) is history, never news: next
        would contradict their profile."""
        return _ascii_lower(self.company) == _ascii_lower(company) and \
            _ascii_lower(self.role) == _ascii_lower(role)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _ascii_lower(text: str | None) -> str:
    """A-Z lowered, every other letter kept: what SQLite's lower() does, so that SQL and
    Python agree on both databases (`dialect.ascii_lower`)."""
    return (text or "").translate(_ASCII_LOWER)


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
    fixed: bool = False  # the cadence is their own (--every), not their type's
    rhythm: int | None = None  # their typical gap between contacts (core.rhythm)
    rhythm_gaps: int = 0  # how many gaps it rests on
    job: Job | None = None  # their latest job change, if any
    first_contact: date | None = None

    @property
    def anchor(self) -> date:
        """Cadence counts from the last real interaction, else from when they were added."""
        return self.last_contact or self.created

    @property
    def learned(self) -> bool:
        """Their own rhythm counts (enough history, no explicit cadence)."""
        return rhythm.learned(self.rhythm, self.rhythm_gaps, self.fixed)

    @property
    def interval(self) -> int:
        """The days expected between contacts, which every due date counts: the
        explicit cadence, else the type's blended with their own rhythm
        (`rhythm.expected_interval`)."""
        return rhythm.expected_interval(self.cadence, self.rhythm, self.rhythm_gaps,
                                        self.fixed)


@dataclass(frozen=True)
class Weights:
    strategic: float = 1.5
    social: float = 1.0
    tactical: float = 0.6

    def of(self, type_: str | None) -> float:
        """The weight of a type; a tactical tie's for someone without one."""
        return getattr(self, type_, self.tactical) if type_ in TYPES else self.tactical


@dataclass
class Suggestion:
    facts: Facts
    score: float
    reasons: list[str] = field(default_factory=list)
    due: date | None = None
    stretch: bool = False
    reconnect: bool = False

    @property
    def rank_key(self) -> tuple:
        return (-round(self.score, 6), self.facts.sort_key or self.facts.name, self.facts.id)


def never_contacted_import(imported: bool, last_contact: date | None) -> bool:
    """Someone an import created whom you have never been in touch with: a contact, not
    yet a relationship. The one definition (`queries.NEVER_CONTACTED_IMPORT` is its SQL,
    and a test holds the two equal)."""
    return bool(imported) and last_contact is None


def due_date(f: Facts) -> date:
    return f.anchor + timedelta(days=f.interval)


def stage(f: Facts, today: date) -> str | None:
    """Where they stand on the ladder (`rhythm.stage_of`): None before they are due, then
    'due', 'fading', 'dormant'."""
    return rhythm.stage_of(f.last_contact, f.anchor, today, f.rhythm, f.rhythm_gaps,
                           f.interval, f.fixed)


def fading(f: Facts, today: date) -> bool:
    """On the ladder's 'fading' rung: silent well beyond their rhythm, not yet dormant."""
    return stage(f, today) == "fading"


def once_strong(f: Facts) -> bool:
    """RECONNECT_TALKS or more interactions spread over RECONNECT_SPAN days or more, first
    to last: a sustained tie, not one busy week."""
    return (f.interactions >= RECONNECT_TALKS and f.first_contact is not None
            and f.last_contact is not None
            and (f.last_contact - f.first_contact).days >= RECONNECT_SPAN)


def promises_due(f: Facts, today: date) -> list[Promise]:
    horizon = today + timedelta(days=WEEK - 1)
    return [p for p in f.promises if p.due is not None and p.due <= horizon]


def stale_promises(f: Facts, today: date) -> list[Promise]:
    """Undated promises made STALE_PROMISE_AFTER days ago or more: they bring their person
    back, or they would never come up again."""
    return [p for p in f.promises if p.due is None and p.made is not None
            and (today - p.made).days >= STALE_PROMISE_AFTER]


def birthday_keys(today: date) -> tuple[int, ...]:
    """The birthdays (as month * 100 + day) that fall within the week from today: the
    seven days today .. today + 6, and 29 February when 1 March stands in for it
    (`dates.next_birthday`). The SQL of `queries.next_candidates` matches people on
    these, so the week is defined once."""
    keys = []
    for n in range(WEEK):
        d = today + timedelta(days=n)
        keys.append(d.month * 100 + d.day)
        if (d.month, d.day) == (3, 1) and not _leap(d.year):
            keys.append(229)
    return tuple(sorted(set(keys)))


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def birthday_this_week(f: Facts, today: date) -> date | None:
    """The day of their birthday when it falls within the week from today."""
    if not f.birthday or not f.birthday[0] or not f.birthday[1]:
        return None
    upcoming = next_birthday(f.birthday[0], f.birthday[1], today)
    return upcoming if (upcoming - today).days < WEEK else None


def job_news_since(today: date) -> date:
    """The earliest day a job change is still news on `today` (JOB_NEWS_DAYS - 1 days
    ago). The SQL of `queries.next_candidates` compares with it, so the window is
    defined once."""
    return today - timedelta(days=JOB_NEWS_DAYS - 1)


def job_news(f: Facts, today: date) -> Job | None:
    """Their latest job change when it is still news: learned today or in the
    JOB_NEWS_DAYS - 1 days before (never one dated after today)."""
    if f.job is None or not job_news_since(today) <= f.job.day <= today:
        return None
    return f.job


def job_words(job: Job) -> str:
    """What changed, said as the thing to do. Joining a company (or a new role at the
    same one) is news to congratulate: 'started at Globex as CTO: congratulate them',
    'moved to Globex: ...', 'became CTO at Globex: ...'. Leaving one, or a role emptied
    with nothing after it, is news too, but nothing to congratulate: 'left Hooli: ask
    what is next for them', 'no longer VP at Globex: ...'. Each combination of company
    and role before and after is pinned in tests/test_job_changes.py."""
    company, role = job.company or None, job.role or None
    was, was_role = job.company_before or None, job.role_before or None
    same_company = fold(company or "") == fold(was or "")
    same_role = fold(role or "") == fold(was_role or "")
    if company and not same_company:  # a company they were not at before
        if role:
            return f"started at {company} as {role}: congratulate them"
        return f"{'moved to' if was else 'started at'} {company}: congratulate them"
    if was and not company:  # they left it
        if role and not same_role:
            return f"left {was}, now {role}: ask how it is going"
        return f"left {was}: ask what is next for them"
    if role and not same_role:  # a new role where they were
        return f"became {role} at {company}: congratulate them" if company else \
            f"became {role}: congratulate them"
    if was_role and not role:  # a role emptied, nothing new after it
        at = f" at {company}" if company else ""
        return f"no longer {was_role}{at}: ask what is next for them"
    return "news about their job: ask how it is going"  # only the spelling changed


def is_candidate(f: Facts, today: date) -> bool:
    """Suggested this week: due within the coming week, a promise due in it, an undated
    promise made two weeks ago or more, a birthday in the week, or a job change in the
    news. Someone an import created whom you have never been in touch with is a contact,
    not yet a relationship: only a promise brings them in (so a large import, or a
    re-import where dozens of connections moved, never floods the list).
    (`queries.next_candidates` applies exactly this rule in SQL.)"""
    if not typed(f):  # no type yet: only news of their job brings them in
        return job_news(f, today) is not None and \
            not never_contacted_import(f.imported, f.last_contact)
    if promises_due(f, today) or stale_promises(f, today):
        return True
    if never_contacted_import(f.imported, f.last_contact):
        return False
    return (due_this_week(f, today) or birthday_this_week(f, today) is not None
            or job_news(f, today) is not None)


def typed(f: Facts) -> bool:
    """Whether they have a type (tactical, social or strategic). Someone without one
    (an import's, not yet triaged) has no cadence of their own to come due by, but a job
    change is a reason to reach out whatever the type: it brings them in for its weeks
    (`is_candidate`), with how to type them (`untyped_words`). Their points are counted
    as a tactical tie's, as the SQL of `queries.next_candidates` counts them."""
    return f.type in TYPES


def untyped_words(f: Facts) -> str:
    """'no type yet: ties edit 'Ana Lima' --type strategic': how to give them one, as a
    command that works pasted into a shell."""
    return f"no type yet: ties edit {shlex.quote(f.name)} --type strategic (or social, " \
        "tactical)"


def due_this_week(f: Facts, today: date) -> bool:
    return due_date(f) <= today + timedelta(days=WEEK - 1)


def ask_this_week(f: Facts, today: date) -> bool:
    """Whether to suggest asking how you can help: after ASK_AFTER interactions without
    ever giving, in the week they come due and then one week in every four while they
    stay due (decided by their own last contact and cadence, so no run writes anything
    and the same advice is not repeated week after week)."""
    if f.gave or f.interactions < ASK_AFTER:
        return False
    late = (today - due_date(f)).days + WEEK - 1  # 0 .. 6 in the week they come due
    return late >= 0 and late % ASK_EVERY < WEEK


def score(f: Facts, today: date, weights: Weights = Weights()) -> Suggestion:
    """The score and the reasons, in words a person can act on, each said once: what
    is pressing first (promises due, a birthday, old promises), then how due they are
    (left out when only a promise or a birthday brought them in), then the rest."""
    s = Suggestion(facts=f, score=0.0, due=due_date(f))
    days = (today - f.anchor).days
    ratio = max(days, 0) / f.interval
    s.score += DUE_POINTS * ratio * weights.of(f.type)
    if stage(f, today) in ("fading", "dormant"):
        s.score += FADING_POINTS
    reasons: list[str] = []

    dated = sorted(promises_due(f, today), key=lambda p: (p.due, p.text))
    for p in dated:  # the most overdue first
        late = (today - p.due).days
        s.score += PROMISE_POINTS + max(late, 0)
        when = ("overdue by " + span(late)) if late > 0 else (
            "due today" if late == 0 else f"due {_weekday(p.due, today)}")
        reasons.append(f"you promised: {p.text} ({when})")
    birthday = birthday_this_week(f, today)
    if birthday is not None:
        s.score += BIRTHDAY_POINTS
        reasons.append(f"birthday {_weekday(birthday, today)} ({birthday:%-d %B}): say "
                       "happy birthday")
    job = job_news(f, today)
    if job is not None:
        s.score += JOB_POINTS
        reasons.append(job_words(job))
    stale = stale_promises(f, today)
    if stale:
        s.score += STALE_PROMISE_POINTS
    undated = [p for p in f.promises if p.due is None]
    for p in sorted(stale, key=lambda p: (p.made, p.text)):  # the oldest first
        reasons.append(f"you promised '{p.text}' {ago(p.made, today)}")
    if not typed(f):  # no cadence to be due by: say how to give them one
        reasons.append(untyped_words(f))
    elif due_this_week(f, today) or not (dated or birthday or stale or job):
        reasons.append(_recency_reason(f, today, days))
    for p in undated:
        s.score += UNDATED_PROMISE_POINTS
        if p not in stale:
            reasons.append(f"you promised: {p.text}")

    owed = _unreturned(f, today)
    if owed:
        s.score += owed
        reasons.append(f"they helped you {_month(f.last_received, today)}: time to give "
                       "back")
    if f.their_streak >= YOUR_TURN_STREAK:
        s.score += YOUR_TURN_POINTS
        reasons.append(f"they reached out the last {f.their_streak} times: your turn")
    if ask_this_week(f, today):
        s.score += ASK_HOW_TO_HELP_POINTS
        if not owed:  # "time to give back" says it already, and says what
            reasons.append("ask how you can help: you haven't offered anything yet")
    s.reasons = list(dict.fromkeys(reasons))  # each once, in order
    return s


def _recency_reason(f: Facts, today: date, days: int) -> str:
    """How due they are, in the ladder's words (`stage`). Where it says how long it has
    been, the words compare with the rhythm said beside them as the days do with the
    interval that decides (`rhythm.lengths`): never 'every 3 months; it's been 3 months'
    for someone not past due, nor a shorter silence for someone past it."""
    due = due_date(f)
    rung = stage(f, today)
    if rung == "dormant":
        assert f.last_contact is not None
        if once_strong(f):
            return (f"dormant since {f.last_contact:%B %Y}: you were close ({f.interactions} "
                    f"talks over {span((f.last_contact - f.first_contact).days)}), a good "
                    "time to reconnect")
        return f"dormant: not in touch since {f.last_contact:%B %Y} ({_basis(f)})"
    learned = f.learned and f.last_contact is not None
    if f.last_contact is None:
        return f"not in touch since you added them {ago(f.created, today)} ({_basis(f)})"
    late = (today - due).days
    if rung == "fading" or (learned and late > 0):
        words = _silence(f, days)
        return f"fading: {words}" if rung == "fading" else words
    if late > 0:
        return f"overdue by {span(late)} ({_basis(f)})"
    if late == 0:
        return f"due today ({_basis(f)})"
    if late > -WEEK:
        return f"due {_weekday(due, today)} ({_basis(f)})"
    return f"due in {span(-late)} ({_basis(f)})"


def _basis(f: Facts) -> str:
    """The rhythm they are due by: 'you usually talk every 2 weeks' (learned), 'every 3
    weeks, as you set' (a cadence of their own), 'social: every month' (their type's)."""
    if f.learned:
        return f"you usually talk every {rhythm.every(f.rhythm or 0)}"
    return (f"every {_cadence_words(f.cadence)}, as you set" if f.fixed
            else f"{f.type}: every {_cadence_words(f.cadence)}")


def _silence(f: Facts, days: int) -> str:
    """'you usually talk every 2 weeks; it's been 3 weeks': the rhythm and the silence in
    one unit, in the order the due decision says (at or past the expected interval). The
    rhythm said is their usual gap when its order with the silence is the decision's;
    where the type's cadence pulls the expected interval below their usual gap, and the
    silence lies between the two, it is the expected interval, said as such
    (`blend_words`, in days, and the silence in days beside it)."""
    interval = f.interval
    if f.learned:
        typical = f.rhythm or 0
        if (days > typical) - (days < typical) == (days > interval) - (days < interval):
            usual, silent = rhythm.lengths(typical, days)
            return f"you usually talk every {usual}; it's been {silent}"
        return (f"{blend_words(f.type, f.cadence, typical, interval)}; it's been "
                f"{days} day{'' if days == 1 else 's'}")
    return f"it's been {_since_in_unit(f.cadence, days)} ({_basis(f)})"


def blend_words(kind: str | None, cadence: int, typical: int, interval: int) -> str:
    """A learned rhythm and the interval it is blended into, the one way `ties next`
    (where the cadence pulls the interval below the usual gap) and `ties show` say it:
    'you usually talk every 3 months; counting the social cadence (every month) in, due
    every 60 days'. The cadence is named for what it is, the type's target, never the
    blend; the blend, a computed number of days, is said in days, so that it never reads
    as the cadence's or the usual gap's own words ('every 2 months ... due every 2
    months' for 75 days) and both commands say it alike."""
    cadence_said = f"the {kind} cadence" if kind else "the cadence"
    return (f"you usually talk every {rhythm.every(typical)}; counting {cadence_said} "
            f"(every {_cadence_words(cadence)}) in, due every {interval} days")


def _since_in_unit(cadence: int, days: int) -> str:
    """The silence beside a cadence: in words of its own ('4 months' beside 'every 6
    weeks') when what they say keeps the order of the days against the cadence, else in
    the cadence's unit, else in one that does (`rhythm.lengths`)."""
    order = (days > cadence) - (days < cadence)
    words = span(days)
    n, unit = words.split()
    said = int(n) * {"day": 1, "week": 7, "month": 30.44, "year": 365.25}[unit.rstrip("s")]
    if (said > cadence) - (said < cadence) == order:
        return words
    size = {"y": 365, "m": 30, "w": 7, "d": 1}[format_duration(cadence)[-1]]
    n = round(days / size)
    if n >= 1 and (n * size > cadence) - (n * size < cadence) == order:
        unit = {365: "year", 30: "month", 7: "week", 1: "day"}[size]
        return f"{n} {unit}{'' if n == 1 else 's'}"
    return rhythm.lengths(cadence, days)[1]


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
    """`ties report`'s circles: whom you were in touch with in the period, circle
    (industry, else company) -> how many people. (`ties next` uses `Comfort`.)"""

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
    (folded to lower case), as `ties report` counts circles. `ties next`'s stretch
    weighs industries and companies apart (`Comfort`)."""
    return (industry or company or "").strip().lower() or None


@lru_cache(maxsize=4096)  # the same few values come again for every person
def fold_value(text: str | None) -> str | None:
    """An industry or company as `ties next` compares them: spaces collapsed, case
    folded ('Software ' and 'software' are one)."""
    return " ".join((text or "").split()).casefold() or None


@dataclass(frozen=True)
class Shares:
    """The people you were in touch with lately, counted by one field (industry or
    company): folded value -> people, and the spelling most of them were given."""

    counts: dict[str, int]
    spelling: dict[str, str]

    @cached_property
    def people(self) -> int:
        return sum(self.counts.values())

    @cached_property
    def zone(self) -> tuple[str, ...]:
        """The values that make up most of your recent contact: the largest first, until
        together they count more than half of the people (exactly half is not most); a
        value as large as the last one taken is taken too, so that no tie is broken by
        the alphabet. Empty when no one has the field."""
        ordered = sorted(self.counts.items(), key=lambda kv: (-kv[1], kv[0]))
        taken: list[str] = []
        covered = 0
        for key, n in ordered:
            if 2 * covered > self.people and n < self.counts[taken[-1]]:
                break
            taken.append(key)
            covered += n
        return tuple(taken)

    @cached_property
    def members(self) -> frozenset[str]:
        return frozenset(self.zone)

    def share(self) -> int:
        return sum(self.counts[k] for k in self.zone)

    def names(self) -> str:
        shown = [self.spelling[k] for k in self.zone]
        return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]


@dataclass(frozen=True)
class Comfort:
    """Your comfort zone: the industries and the companies that make up most of your
    recent contact (the people whose last interaction is within STRETCH_WINDOW days).
    Someone is outside it when neither their industry nor their company is in it."""

    industries: Shares
    companies: Shares
    recent: int  # people in touch with lately, whatever they have recorded

    @property
    def active(self) -> bool:
        return bool(self.industries.zone or self.companies.zone)

    def outside(self, industry: str | None, company: str | None) -> bool:
        ind, com = fold_value(industry), fold_value(company)
        if ind is None and com is None:
            return False  # nothing known: no stretch to speak of
        return ind not in self.industries.members and com not in self.companies.members

    def words(self) -> str:
        """The share, in words: '8 of your last 9 people were in software', then the
        companies' share ('..., and 5 of the 9 at Acme')."""
        parts: list[str] = []
        plain = False  # the first part said "of your last N people were"
        for shares, known, prep in ((self.industries, "an industry", "in"),
                                    (self.companies, "a company", "at")):
            if not shares.zone:
                continue
            n, where = shares.share(), f"{prep} {shares.names()}"
            verb = "was" if n == 1 else "were"
            if n == shares.people < self.recent:
                parts.append(f"all {n} of your last {self.recent} people with {known} "
                             f"{verb} {where}")
            elif shares.people < self.recent:
                parts.append(f"{n} of the {shares.people} of your last {self.recent} people "
                             f"with {known} {verb} {where}")
            elif n == 1 == self.recent:
                parts.append(f"your last person was {where}")
            elif n == self.recent:
                parts.append(f"all of your last {n} people were {where}")
            elif plain:
                parts[-1] += f", and {n} of the {self.recent} {where}"
            else:
                parts.append(f"{n} of your last {self.recent} people were {where}")
                plain = True
        return "; ".join(parts)


def comfort(rows: Iterable[tuple[str | None, str | None, int]], recent: int) -> Comfort:
    """The comfort zone from (industry, company, people) counts of your recent contact;
    each value keeps the spelling most people were given (ties: the first in order)."""
    tallies: dict[str, dict[str, dict[str, int]]] = {"industry": {}, "company": {}}
    for industry, company, n in rows:
        for kind, value in (("industry", industry), ("company", company)):
            key = fold_value(value)
            if key is not None:
                spelled = " ".join(value.split())
                forms = tallies[kind].setdefault(key, {})
                forms[spelled] = forms.get(spelled, 0) + n

    def shares(kind: str) -> Shares:
        forms = tallies[kind]
        return Shares({k: sum(v.values()) for k, v in forms.items()},
                      {k: sorted(v.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
                       for k, v in forms.items()})

    return Comfort(shares("industry"), shares("company"), recent)


def _as_stretch(s: Suggestion, zone: Comfort) -> Suggestion:
    f = s.facts
    label = " ".join((f.industry or "").split()) or " ".join((f.company or "").split())
    reason = f"stretch: {label}, outside where most of your time goes ({zone.words()})"
    return replace(s, stretch=True, reasons=[reason, *s.reasons])


def pick_stretch(pool: Iterable[Facts], zone: Comfort, today: date,
                 weights: Weights = Weights(), exclude: Sequence[int] = ()) -> Suggestion | None:
    """Someone outside your comfort zone (neither their industry nor their company among
    those most of your recent contact shares): among such people at least half-way to
    due, the highest score."""
    if not zone.active:
        return None
    best: Suggestion | None = None
    for f in pool:
        if f.id in exclude or not zone.outside(f.industry, f.company):
            continue
        if never_contacted_import(f.imported, f.last_contact):
            continue
        if (today - f.anchor).days * 2 < f.interval:
            continue
        s = score(f, today, weights)
        if best is None or s.rank_key < best.rank_key:
            best = s
    return _as_stretch(best, zone) if best else None


def suggest(people: Iterable[Facts], today: date, count: int, weights: Weights = Weights(),
            stretch_pool: Iterable[Facts] = (), zone: Comfort | None = None,
            reconnect: Facts | None = None, note: tuple[date, str] | None = None
            ) -> list[Suggestion]:
    """This week's list: the top `count`. With a comfort `zone` one of them is a stretch:
    a pick already outside the zone is marked as such, else the last slot goes to the
    best person outside it (if anyone fits). With a dormant tie to `reconnect` (the
    week's `reconnect_choice`, and the `note` of your last interaction that has one), it
    is marked when already on the list, else it takes the last slot that holds neither
    the stretch nor anyone pressing (a promise due or two weeks old, a birthday)."""
    ranked = rank(people, today, weights)
    picks = _with_stretch(ranked, count, today, weights, stretch_pool, zone)
    if reconnect is None or count <= 0:
        return picks
    return _with_reconnect(picks, count, reconnect, today, weights, note)


def _with_stretch(ranked: list[Suggestion], count: int, today: date, weights: Weights,
                  stretch_pool: Iterable[Facts], zone: Comfort | None) -> list[Suggestion]:
    picks = ranked[:count]
    if zone is None or not zone.active or count <= 0:
        return picks
    for i, s in enumerate(picks):
        if zone.outside(s.facts.industry, s.facts.company):
            picks[i] = _as_stretch(s, zone)
            return picks
    extra = pick_stretch(stretch_pool, zone, today, weights, exclude=[s.facts.id for s in picks])
    if extra is None:
        return picks
    return ranked[:count - 1] + [extra]


# Reconnect ------------------------------------------------------------------------------

def dormant(f: Facts, today: date) -> bool:
    """A once strong tie gone quiet, worth reconnecting (Levin, Walter & Murnighan 2011):
    RECONNECT_TALKS or more interactions spread over RECONNECT_SPAN days or more from the
    first to the last (sustained, not one busy week), the last of them DORMANT_AFTER days
    ago or more, and due by their cadence within the week (a cadence of years you set
    yourself still wins). `queries.reconnect_pool` applies exactly this rule in SQL."""
    return (once_strong(f) and f.last_contact is not None
            and (today - f.last_contact).days >= DORMANT_AFTER and due_this_week(f, today))


def week_number(today: date) -> int:
    """Weeks since the first Monday of the calendar: the same from Monday to Sunday."""
    return (today.toordinal() - 1) // WEEK


def reconnect_choice(pool: Iterable[tuple[int, int, str]], today: date) -> int | None:
    """The week's dormant tie to offer, from (id, interactions, sort key) of every dormant
    tie: in order of most interactions, then name, then id, the one at the week number
    modulo how many there are. Each gets its turn, one week after another, and the same
    store and day always give the same one."""
    ordered = sorted(pool, key=lambda r: (-r[1], r[2] or "", r[0]))
    if not ordered:
        return None
    return ordered[week_number(today) % len(ordered)][0]


def _pressing(f: Facts, today: date) -> bool:
    return bool(promises_due(f, today) or stale_promises(f, today)
                or birthday_this_week(f, today))


def _as_reconnect(s: Suggestion, today: date, note: tuple[date, str] | None) -> Suggestion:
    """The reconnect's reason first, in place of how overdue they are (a tie quiet for a
    year is an opportunity, not a failure): 'reconnect: you were close (14 talks over 2
    years) and haven't spoken since March 2024; last time: 'her move to Lisbon''."""
    f = s.facts
    assert f.first_contact is not None and f.last_contact is not None
    reason = (f"reconnect: you were close ({f.interactions} talks over "
              f"{span((f.last_contact - f.first_contact).days)}) and haven't spoken since "
              f"{f.last_contact:%B %Y}")
    if note is not None:
        day, text = note
        reason += (f"; last time: '{text}'" if day == f.last_contact else
                   f"; on {day:%-d %B %Y} you talked about '{text}'")
    recency = _recency_reason(f, today, (today - f.anchor).days)
    return replace(s, reconnect=True, reasons=[reason, *(r for r in s.reasons if r != recency)])


def _with_reconnect(picks: list[Suggestion], count: int, f: Facts, today: date,
                    weights: Weights, note: tuple[date, str] | None) -> list[Suggestion]:
    for i, s in enumerate(picks):
        if s.facts.id == f.id:
            picks[i] = _as_reconnect(s, today, note)
            return picks
    offer = _as_reconnect(score(f, today, weights), today, note)
    if len(picks) < count:
        return [*picks, offer]
    for i in range(len(picks) - 1, -1, -1):
        if not picks[i].stretch and not _pressing(picks[i].facts, today):
            picks[i] = offer
            return picks
    return picks
