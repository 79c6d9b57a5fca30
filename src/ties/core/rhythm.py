"""Each relationship's own rhythm, learned from its history. Pure: dates in, numbers out.

docs/scoring.md works an example through these exact numbers.

* **Contact episodes.** Contact days less than EPISODE_DAYS after the first day of an
  episode belong to it: a burst of three logs in one week is one episode, so it can never
  make the rhythm "every 2 days". `ties next` plans a week at a time, so a rhythm shorter
  than a week could not change whom it suggests; it would only make everyone look late.
* **The typical gap** is the median of the gaps between the starts of the latest
  RHYTHM_WINDOW + 1 episodes (rounded half up to whole days): robust to one long silence
  or one burst, and following a relationship whose pace has changed.
* **The expected interval** blends that typical gap with the type's cadence, the cadence
  counting as PRIOR_GAPS gaps: (gaps x typical + PRIOR_GAPS x cadence) / (gaps +
  PRIOR_GAPS), rounded half up. Only from MIN_GAPS gaps (MIN_GAPS + 1 episodes): the
  median of three gaps is the first that one odd gap cannot move. An explicit cadence
  (`--every`) always wins.
* **The ladder** (`stage`), one set of words for `ties next` and `ties report`: *due*
  (at or past the expected interval), then *fading* (well beyond their own rhythm: more
  than FADING_FACTOR typical gaps once the rhythm is learned, else more than
  FADING_INTERVALS expected intervals), then *dormant* (silent DORMANT_AFTER days or
  more). The warning
  comes at three times the usual gap, well before the eight times after which Navarro et
  al. (EPJ Data Science 2017) found ties decay, while there is still time; twice the
  expected interval is where the report's recency has fallen to nothing. A dormant tie
  that was once strong is an opportunity, not a failure (Levin, Walter & Murnighan,
  Organization Science 2011): `ties next` offers one a week to reconnect.

`store.refresh_stats` keeps `typical` and `gaps` per person on every write
(person_stats.rhythm_days, person_stats.rhythm_gaps); `queries.interval_sql` is
`expected_interval` in SQL, and a test holds the two equal.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

EPISODE_DAYS = 7  # contact days within a week of an episode's first day are one episode
RHYTHM_WINDOW = 12  # the latest gaps the typical gap is the median of
MIN_GAPS = 3  # gaps needed before the rhythm counts (four or more episodes)
PRIOR_GAPS = 3  # the type's cadence weighs as much as this many gaps
FADING_FACTOR = 3  # silent more than this many typical gaps: fading
FADING_INTERVALS = 2  # ... without a learned rhythm: more than this many intervals
DORMANT_AFTER = 365  # days of silence that make a tie dormant
STAGES = ("due", "fading", "dormant")  # the ladder, in order


def episodes(days: Iterable[date]) -> list[date]:
    """The first day of each contact episode, oldest first."""
    starts: list[date] = []
    for d in sorted(set(days)):
        if not starts or (d - starts[-1]).days >= EPISODE_DAYS:
            starts.append(d)
    return starts


def learn(days: Iterable[date]) -> tuple[int | None, int]:
    """(typical gap in days, how many gaps it rests on) from the days of contact; the
    typical gap is None without a single gap."""
    starts = episodes(days)[-(RHYTHM_WINDOW + 1):]
    gaps = sorted((b - a).days for a, b in zip(starts, starts[1:], strict=False))
    if not gaps:
        return None, 0
    mid = len(gaps) // 2
    if len(gaps) % 2:
        return gaps[mid], len(gaps)
    return (gaps[mid - 1] + gaps[mid] + 1) // 2, len(gaps)


def learned(typical: int | None, gaps: int, fixed: bool = False) -> bool:
    """Whether the person's own rhythm counts: enough history and no explicit cadence."""
    return not fixed and typical is not None and gaps >= MIN_GAPS


def expected_interval(cadence: int, typical: int | None, gaps: int, fixed: bool = False) -> int:
    """Days between contacts to expect: the explicit or type cadence, blended with the
    person's typical gap once there is enough history (integer arithmetic, as in SQL)."""
    if not learned(typical, gaps, fixed):
        return cadence
    assert typical is not None
    weight = gaps + PRIOR_GAPS
    return (gaps * typical + PRIOR_GAPS * cadence + weight // 2) // weight


def fading(days_silent: int, typical: int | None, gaps: int, interval: int,
           fixed: bool = False) -> bool:
    """Silent well beyond their own rhythm, and past due: more than FADING_FACTOR typical
    gaps once their rhythm is learned (it is theirs: a slow pair is not fading at twice a
    faster type's cadence); until then (or with an explicit cadence) more than
    FADING_INTERVALS expected intervals."""
    if days_silent <= interval:  # past due: on the due day itself they are only due
        return False
    if learned(typical, gaps, fixed):
        return days_silent > FADING_FACTOR * (typical or 0)
    return days_silent > FADING_INTERVALS * interval


def stage(days_silent: int | None, typical: int | None, gaps: int, interval: int,
          fixed: bool = False) -> str | None:
    """Where a tie stands on the ladder: None before it is due, then 'due' (from the due
    day), 'fading', 'dormant' (both past due: never on the due day itself). `days_silent`
    counts from the last contact (None: never in touch, see `stage_of`)."""
    if days_silent is None or days_silent < interval:
        return None
    if days_silent >= DORMANT_AFTER and days_silent > interval:
        return "dormant"
    if fading(days_silent, typical, gaps, interval, fixed):
        return "fading"
    return "due"


def stage_of(last_contact: date | None, anchor: date, today: date, typical: int | None,
             gaps: int, interval: int, fixed: bool = False) -> str | None:
    """`stage` for a person: fading and dormant need a contact to have gone quiet; someone
    you have never been in touch with is at most 'due' (counted from when they were
    added). The one definition `ties next` and `ties report` share (the report's SQL
    writes the same rule: a test holds the two equal)."""
    if last_contact is None:
        return "due" if (today - anchor).days >= interval else None
    return stage((today - last_contact).days, typical, gaps, interval, fixed)


def every(days: int) -> str:
    """A typical gap in words: 'week', '10 days', '2 weeks', '3 months', '2 years'."""
    if days == 7:
        return "week"
    if days < 14:
        return f"{days} days"
    if days < 63:
        return f"{round(days / 7)} weeks"
    if days < 365 * 2 - 15:
        months = round(days / 30.44)
        return "month" if months == 1 else f"{months} months"
    return f"{round(days / 365.25)} years"


_UNITS = ((365.25, "year"), (30.44, "month"), (7, "week"), (1, "day"))


def _unit_for(days: int) -> int:
    """The index in _UNITS `every` and `dates.span` would say `days` in."""
    if days < 14:
        return 3
    if days < 63:
        return 2
    if days < 365 * 2 - 15:
        return 1
    return 0


def lengths(stated: int, silent: int) -> tuple[str, str]:
    """A rhythm and a silence in words that compare as the days do: ('6 weeks', '12
    months'), ('2 weeks', '3 weeks'), and ('19 days', '21 days') where weeks would say
    '3 weeks' for both. Each in its own unit (as `every` and `dates.span` say it) when
    what the words say, in days, keeps the order of the days (shorter, equal, longer);
    else both in the coarsest unit that does (from that of the shorter down; days always
    do). The first is said after 'every' ('week', '19 days'), the second after 'it's
    been' ('1 week', '21 days')."""
    order = (silent > stated) - (silent < stated)
    a, unit_a = _in(stated, _unit_for(stated))
    b, unit_b = _in(silent, _unit_for(silent))
    said = b * _UNITS[unit_b][0] - a * _UNITS[unit_a][0]
    if (said > 0) - (said < 0) != order or (unit_a == unit_b and (b > a) - (b < a) != order):
        for index in range(_unit_for(min(stated, silent)), len(_UNITS)):
            a, unit_a = _in(stated, index)
            b, unit_b = _in(silent, index)
            if min(a, b) >= 1 and (b > a) - (b < a) == order:
                break
    name_a, name_b = _UNITS[unit_a][1], _UNITS[unit_b][1]
    return (name_a if a == 1 else f"{a} {name_a}s"), f"{b} {name_b}{'' if b == 1 else 's'}"


def _in(days: int, index: int) -> tuple[int, int]:
    """`days` rounded to the unit _UNITS[index]: (number, index)."""
    return round(days / _UNITS[index][0]), index
