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
* **Fading.** Silent more than FADING_FACTOR times the typical gap, and past due: the
  warning comes at three times the usual gap, well before the eight times after which
  Navarro et al. (EPJ Data Science 2017) found ties decay, while there is still time.

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
    """Silent well beyond their own rhythm: more than FADING_FACTOR typical gaps, and
    past due. Never without enough history."""
    if not learned(typical, gaps, fixed):
        return False
    assert typical is not None
    return days_silent > FADING_FACTOR * typical and days_silent >= interval


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
