"""What the read commands show, as plain data: the application logic between the store's
queries, the pure models (scoring, report) and the CLI, which only renders it.

No Typer, Rich or SQLAlchemy here (at module level or below), so `ties next --json`
loads neither a terminal library nor the ORM; the CLI commands and the demo share these
functions instead of importing one another.
"""

from __future__ import annotations

from datetime import date
from typing import Any


def talk_about(points: dict, last_note: tuple[date, str] | None, today: date
               ) -> tuple[str, date | None]:
    """Something to talk about, and the day you learned it: the freshest thing you know.
    Each of what their profile says they work on, struggle with or care about is dated by
    when it last got a new value (`working_on_learned_at` and so on: not by other edits, a
    snooze or an archive), and the note of your last interaction that has one by that
    interaction. The talking point learned last wins (on the same day, working on before
    struggles before cares about; an undated one loses to a dated one); a note strictly
    later than it wins over it, on the same day the profile does, and an undated profile
    loses to any note. The words start with the date: '3 Nov: ask about the launch'."""
    said, learned = None, None
    for key, words in (("working_on", "ask about {}"), ("struggles", "they struggle with {}"),
                       ("cares_about", "they care about {}")):
        if not points.get(key):
            continue
        day = _local_day(points.get(f"{key}_learned_at"))
        if said is None or (day is not None and (learned is None or day > learned)):
            said, learned = words.format(points[key]), day
    if last_note and (said is None or learned is None or last_note[0] > learned):
        learned, said = last_note
    if said is None:
        return "", None
    if learned is None:
        return said, None
    return f"{_day_words(learned, today)}: {said}", learned


def _local_day(stamp) -> date | None:
    """The local day of a stored UTC timestamp (text on SQLite, a datetime on
    PostgreSQL), or None when it can't be read."""
    from datetime import UTC, datetime

    if isinstance(stamp, str):
        try:
            stamp = datetime.fromisoformat(stamp.strip())
        except ValueError:
            return None
    if not isinstance(stamp, datetime):
        return None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    try:
        return stamp.astimezone().date()
    except (OverflowError, ValueError):
        return stamp.date()


def _day_words(day: date, today: date) -> str:
    """'3 Nov', with the year when it is not this year's: '3 Nov 2024'."""
    return f"{day.day} {day:%b}" + ("" if day.year == today.year else f" {day.year}")


def this_week(conn, day: date, count: int | None, kind: str | None
              ) -> tuple[list[dict[str, Any]], str]:
    """The week's suggestions as plain data, and what to say when there are none."""
    from ties.core import dates, scoring
    from ties.storage import queries

    cfg = queries.settings(conn)
    picks = suggestions(conn, day, cfg, count or cfg["next.count"], kind)
    ids = [s.facts.id for s in picks]
    notes = queries.last_notes(conn, ids)
    points = queries.talking_points(conn, ids)
    topics = {pid: talk_about(points[pid], notes.get(pid), day) for pid in ids}
    items = [
        {
            "id": s.facts.id,
            "name": s.facts.name,
            "type": s.facts.type,
            "score": round(s.score, 2),
            "last_contact": s.facts.last_contact,
            "days_since": (day - s.facts.last_contact).days if s.facts.last_contact else None,
            "last_contact_words": dates.ago(s.facts.last_contact, day),
            "due": s.due,
            "every": s.facts.interval,
            "usual_gap": s.facts.rhythm if s.facts.learned else None,
            "stage": scoring.stage(s.facts, day),
            "fading": scoring.fading(s.facts, day),
            "reasons": s.reasons,
            "stretch": s.stretch,
            "reconnect": s.reconnect,
            "follow_ups": [p.text for p in s.facts.promises],
            "talk_about": topics[s.facts.id][0],
            "talk_about_on": topics[s.facts.id][1],
        }
        for s in picks
    ]
    if items:
        return items, ""
    return [], _nothing_this_week(conn, day, cfg, kind)


def suggestions(conn, day: date, cfg: dict, count: int, kind: str | None,
                past: bool = False) -> list:
    """`next`'s list for `day` (scoring.Suggestion, best first): the one place it is
    built, for this week and, with `past`, as it would have been at the start of a past
    day, from what is dated before it (`follow_through`)."""
    from ties.core import scoring
    from ties.storage import queries

    weights = scoring.Weights(cfg["weight.strategic"], cfg["weight.social"],
                              cfg["weight.tactical"])
    candidates = queries.next_candidates(conn, day, cfg, kind, count=count, past=past)
    zone = queries.comfort_zone(conn, day, past) if cfg["next.stretch"] else None
    pool = (queries.stretch_pool(conn, day, cfg, zone, kind, past=past)
            if zone and zone.active else [])
    dormant, note = (queries.reconnect_pick(conn, day, cfg, kind, past)
                     if cfg["next.reconnect"] else (None, None))
    return scoring.suggest(candidates, day, count, weights, pool, zone, dormant, note)


FOLLOW_THROUGH_WEEKS = 4


def lists_to_keep(conn, day: date) -> dict[date, list[int]]:
    """What a write keeps before it changes anything (`store.keep_weeks`): the list
    `ties next` gives this Monday, and the one of every Monday since the last week kept,
    at most FOLLOW_THROUGH_WEEKS back ({Monday: ids suggested, best first}). Every write
    keeps its week's list first, so a week not kept had no write since the last one kept:
    the store is as it stood on each of those Mondays, and each list is built from it as
    `ties next` would have built it that day. The first time (a store from before ties
    kept lists, or one an import filled), the weeks are rebuilt from what is dated before
    each Monday, once, so that no later read has to. A store with no one in it keeps
    nothing."""
    from datetime import timedelta

    from ties.core.report import week_start
    from ties.storage import queries

    monday = week_start(day)
    latest = queries.latest_kept_week(conn)
    if (latest is not None and latest >= monday) or queries.count_people(conn) == 0:
        return {}
    cfg = queries.settings(conn)
    weeks = [monday - timedelta(weeks=back) for back in range(FOLLOW_THROUGH_WEEKS, -1, -1)]
    with queries.past_remembered():
        return {week: week_list(conn, week, cfg, latest)
                for week in weeks if latest is None or week > latest}


def week_list(conn, week: date, cfg: dict, latest: date | None) -> list[int]:
    """The ids `ties next` suggested on the Monday `week` (the weekly count, every type),
    for a week whose list is not kept: built from the store as it is when nothing was
    written since the last week kept (`latest`, before `week`), else rebuilt from what is
    dated before that Monday."""
    rebuilt = latest is None or week <= latest
    return [s.facts.id for s in suggestions(conn, week, cfg, cfg["next.count"], None,
                                            past=rebuilt)]


def follow_through(conn, day: date, weeks: int = FOLLOW_THROUGH_WEEKS) -> list[dict]:
    """For each of the last `weeks` complete weeks (Monday to Sunday, the oldest first):
    how many people `ties next` suggested that Monday (its weekly count, every type) and
    how many of them you were in touch with that week. The lists are the ones kept on
    write (`lists_to_keep`); a week before ties kept them is rebuilt from history by the
    same code as today's list. Nothing is written."""
    from datetime import timedelta

    from ties.core.report import week_start
    from ties.storage import queries

    monday = week_start(day)
    mondays = [monday - timedelta(weeks=back) for back in range(weeks, 0, -1)]
    kept = queries.kept_weeks(conn, mondays[0], mondays[-1])
    missing = [w for w in mondays if w not in kept]
    if missing:
        cfg, latest = queries.settings(conn), queries.latest_kept_week(conn)
        with queries.past_remembered():
            kept.update({w: week_list(conn, w, cfg, latest) for w in missing})
    return [{"week": w, "suggested": len(kept[w]),
             "reached": queries.reached(conn, kept[w], w, w + timedelta(days=6))}
            for w in mondays]


def last_week(conn, day: date) -> dict | None:
    """Last week's follow-through for `ties next` ({week, suggested, reached}), when its
    list is kept or nothing was written since (the store is as it stood that Monday), and
    it suggested someone; None otherwise (a week before ties kept lists is rebuilt only by
    `ties report`, which can take the time)."""
    from datetime import timedelta

    from ties.core.report import week_start
    from ties.storage import queries

    week = week_start(day) - timedelta(weeks=1)
    ids = queries.kept_weeks(conn, week, week).get(week)
    if ids is None:
        latest = queries.latest_kept_week(conn)
        if latest is None or latest >= week:
            return None
        ids = week_list(conn, week, queries.settings(conn), latest)
    if not ids:
        return None
    return {"week": week, "suggested": len(ids),
            "reached": queries.reached(conn, ids, week, week + timedelta(days=6))}


def follow_through_json(weeks: list[dict]) -> list[dict]:
    """The weeks as `ties report --json` gives them (summary.follow_through)."""
    return [{"week": w["week"], "suggested": w["suggested"], "reached": w["reached"]}
            for w in weeks]


def _nothing_this_week(conn, day: date, cfg: dict, kind: str | None) -> str:
    """Why 'ties next' suggests no one, and what to do about it."""
    from ties.core import dates
    from ties.storage import queries

    if queries.count_people(conn) == 0:
        return ("No one in ties yet. Add the last person you met: ties add \"Ana Lima\" "
                "--type strategic  (or try 'ties demo').")
    upcoming = queries.next_due(conn, day, cfg, kind)
    if upcoming is None:
        if not queries.count_not_archived(conn, kind):
            if kind:
                return (f"You have no {kind} ties outside the archive. Give someone the "
                        f"type: ties edit NAME --type {kind}.")
            if queries.count_not_archived(conn, "untyped"):
                return ("No one outside the archive has a type yet, and 'ties next' "
                        "suggests only typed people (and anyone whose job changed in the "
                        "last four weeks). Give someone one: ties edit NAME --type "
                        "strategic.")
            return "Everyone in ties is archived: 'ties unarchive NAME' brings someone back."
        waiting = queries.count_imported_never_contacted(conn, kind)
        if waiting:
            return (f"No one to suggest yet: {waiting} imported "
                    f"{'person stays' if waiting == 1 else 'people stay'} out of 'ties "
                    "next' until you log an interaction with them (ties log NAME).")
        of_kind = f"{kind} " if kind else ""
        return (f"No one to suggest: every {of_kind}tie outside the archive is snoozed "
                "('ties unsnooze NAME' brings one back).")
    due = upcoming["due"]
    when = dates.ago(due, day) if due > day else "now"
    return f"Everyone is up to date. Next due: {upcoming['name']}, {when} ({due.isoformat()})."


def network_health(conn, day: date, start: date, kind: str | None, sort: str = "strength",
                   limit: int | None = None):
    """The report's summary and its rows (the first `limit`, in `sort` order)."""
    from ties.storage import queries

    return queries.report_page(conn, day, start, queries.settings(conn), kind, sort, limit)


def summary_json(s) -> dict:
    """The report's summary as `ties report --json` gives it."""
    return {
        "people": s.people, "strong": s.strong, "active": s.active,
        "period": {"since": s.since, "until": s.today},
        "type": s.type,
        "by_type": s.by_type, "strategic_slipping": s.slipping == "strategic",
        "slipping_ties": s.slipping_ties, "fading": s.fading, "dormant": s.dormant,
        "dormant_once_close": s.once_close,
        "gave": s.gave, "received": s.received, "owe": s.owe,
        "industries": {"count": s.industries, "companies": s.companies,
                       "largest": s.largest, "largest_share": round(s.largest_share, 3),
                       "spread": [{"name": k, "people": n} for k, n in s.industry_spread],
                       "companies_spread": [{"name": k, "people": n}
                                            for k, n in s.company_spread]},
        "weekly": s.weekly, "streak_weeks": s.streak_weeks,
    }


def row_json(r, today: date) -> dict:
    """One row of the report as `ties report --json` gives it."""
    tie = r.tie
    return {
        "id": tie.id, "name": tie.name, "type": tie.type, "company": tie.company,
        "industry": tie.industry, "last_contact": tie.last_contact,
        "days_since": (today - tie.last_contact).days if tie.last_contact else None,
        "interactions": tie.interactions, "interactions_in_period": tie.in_period,
        "gave": tie.gave, "received": tie.received, "strength": r.strength,
        "status": r.status, "due": tie.due, "snoozed_until": tie.snoozed_until,
    }


# Promises ------------------------------------------------------------------------------

def promise(text: str) -> str:
    """What someone promised, checked: not empty, within the limits of a text field."""
    from ties.core import fields
    from ties.core.errors import BadValue

    checked = fields.text("follow_up", text, "The promise")
    if not checked:
        raise BadValue("Say what you promised, for example: ties follow-up Ana \"send the "
                       "paper\".")
    return checked


def follow_up_data(item: dict, day: date) -> dict:
    """A promise as every --json prints it: overdue when due before `day` and not done."""
    overdue = item["due"] is not None and item["done"] is None and item["due"] < day
    return {"id": item["id"], "person_id": item["person_id"], "name": item["name"],
            "text": item["text"], "due": item["due"], "created": item["created"],
            "done": item["done"], "overdue": overdue}


def due_words(when: date | None, day: date) -> str:
    """'due 2025-03-13 (overdue by 1 day)', 'due 2025-03-20' or 'no due date'."""
    from ties.core import dates

    if when is None:
        return "no due date"
    late = f" ({dates.lateness(when, day)})" if when < day else ""
    return f"due {when.isoformat()}{late}"
