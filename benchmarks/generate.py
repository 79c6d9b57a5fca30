"""Write a realistic ties store for benchmarks, through ties' own models and stats code.

    python benchmarks/generate.py --size heavy /tmp/heavy.db
    python benchmarks/generate.py --people 2000 --interactions 30000 --seed 3 /tmp/x.db

Presets: typical (500 people / 5,000 interactions), heavy (10,000 / 200,000),
stress (100,000 / 2,000,000). Everything is written in one transaction with bulk inserts,
then the per-person stats are computed once by `store.refresh_stats`, the same code every
write uses.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

PRESETS = {"typical": (500, 5_000), "heavy": (10_000, 200_000), "stress": (100_000, 2_000_000)}
TYPES = ["tactical"] * 55 + ["social"] * 30 + ["strategic"] * 15  # realistic proportions
INDUSTRIES = ["software", "software", "software", "finance", "healthcare", "education",
              "energy", "media", "public sector", "biotech", "logistics", "consulting"]
CHANNELS = ["in-person", "call", "video", "message", "message", "email", "event"]
FIRST = ["Ana", "Bo", "Chidi", "Dana", "Élodie", "Farid", "Grace", "Hiro", "Ines", "Jamal",
         "Kavya", "Liam", "Mei", "Nils", "Olga", "Pedro", "Quinn", "Rosa", "Sam", "Tomás",
         "Uma", "Victor", "Wen", "Xavier", "Yara", "Zoe", "王", "Aisha", "Ben", "Carmen"]
LAST = ["Lima", "Chen", "Okafor", "Whitfield", "Martin", "Haddad", "Park", "Tanaka", "Moreau",
        "Wright", "Rao", "O'Brien", "Lin", "Berg", "Petrova", "Alves", "Murphy", "Díaz",
        "Taylor", "Ruiz", "Singh", "Silva", "Zhao", "Dupont", "Adams", "伟", "Bello", "Cohen"]
NOTES = ["coffee; talked about the roadmap", "quick call", "lunch", "sent an article",
         "met at a meetup", "video catch-up", "asked for advice", None, None]


def generate(path: Path, people: int, interactions: int, seed: int, today: date) -> None:
    from sqlalchemy import insert

    from ties.core.names import fold
    from ties.storage import db, store
    from ties.storage.models import FollowUp, Interaction, InteractionPerson, Person, Tag

    if path.exists():
        raise SystemExit(f"{path} exists; choose a new file.")
    rng = random.Random(seed)
    stamp = datetime.now(UTC).replace(microsecond=0)
    conn = db.open_store(path)
    session = db.orm_session(conn)
    started = time.perf_counter()
    with session.begin():
        rows = []
        companies = [f"Company {i}" for i in range(max(10, people // 20))]
        for i in range(people):
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}"
            rows.append({
                "id": i + 1, "name": name, "name_key": fold(name),
                "type": rng.choice(TYPES) if rng.random() > 0.1 else None,
                "company": rng.choice(companies), "industry": rng.choice(INDUSTRIES),
                "role": rng.choice(["Engineer", "Manager", "Director", "Founder", "Analyst"]),
                "working_on": "a new product" if rng.random() < 0.3 else None,
                "created": today - timedelta(days=rng.randint(30, 3650)),
                "updated_at": stamp, "archived": rng.random() < 0.03,
                "snoozed_until": today + timedelta(days=rng.randint(1, 60))
                if rng.random() < 0.02 else None,
                "cadence_days": rng.choice([14, 21, 30]) if rng.random() < 0.05 else None,
            })
        for start in range(0, len(rows), 5000):
            session.execute(insert(Person), rows[start:start + 5000])
        session.execute(insert(Tag), [{"person_id": r["id"], "tag": rng.choice(
            ["mentor", "pycon", "alumni", "client", "friend"])} for r in rows if rng.random()
            < 0.3])
        # Long tail: a few people get most interactions (Zipf-like weights).
        weights = [1 / math.pow(i + 1, 0.9) for i in range(people)]
        order = list(range(1, people + 1))
        rng.shuffle(order)
        chosen = rng.choices(order, weights=weights, k=interactions)
        batch, links = [], []
        for n, pid in enumerate(chosen, start=1):
            when = today - timedelta(days=int(rng.expovariate(1 / 400)) % 3650)
            batch.append({"id": n, "date": when, "channel": rng.choice(CHANNELS),
                          "note": rng.choice(NOTES), "they_reached_out": rng.random() < 0.35,
                          "gave": rng.random() < 0.15, "received": rng.random() < 0.12,
                          "logged_at": stamp})
            links.append({"interaction_id": n, "person_id": pid})
            if rng.random() < 0.05:
                other = rng.randint(1, people)
                if other != pid:
                    links.append({"interaction_id": n, "person_id": other})
            if len(batch) >= 20000:
                session.execute(insert(Interaction), batch)
                session.execute(insert(InteractionPerson), links)
                batch, links = [], []
        if batch:
            session.execute(insert(Interaction), batch)
            session.execute(insert(InteractionPerson), links)
        session.execute(insert(FollowUp), [
            {"person_id": rng.randint(1, people), "text": "send the article",
             "due": today + timedelta(days=rng.randint(-10, 30)), "created": today}
            for _ in range(max(1, people // 100))])
        store.refresh_stats(session, None)
        # A store in use for a month has kept the lists `ties next` gave on its last
        # Mondays (follow-through reads them): rebuilt from history, as the first write
        # after an upgrade would.
        from ties import views
        from ties.core.report import week_start
        from ties.storage import queries

        raw, monday = store.raw(session), week_start(today)
        cfg = queries.settings(raw)
        with queries.past_remembered():
            store.keep_weeks(session, {
                monday - timedelta(weeks=back): views.week_list(
                    raw, monday - timedelta(weeks=back), cfg, None)
                for back in range(views.FOLLOW_THROUGH_WEEKS, -1, -1)})
    session.close()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("ANALYZE")
    conn.close()
    print(f"wrote {people:,} people and {interactions:,} interactions to {path} in "
          f"{time.perf_counter() - started:.1f} s", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--size", choices=PRESETS, help="a preset (overrides the counts)")
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--interactions", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", type=date.fromisoformat, default=date(2025, 3, 14))
    args = parser.parse_args(argv)
    people, interactions = PRESETS[args.size] if args.size else (args.people,
                                                                 args.interactions)
    generate(args.path, people, interactions, args.seed, args.today)
    return 0


if __name__ == "__main__":
    sys.exit(main())
