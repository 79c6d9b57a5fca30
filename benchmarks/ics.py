"""Reading a calendar export: a 5,000-event .ics through the calendar reader, at 1x and 4x.

    python benchmarks/ics.py                 # --runs N (default 3), --events N (5000)
    python benchmarks/ics.py --write /tmp/cal.ics   # only write the 1x file

Writes a calendar as Google and Outlook export one (`write` below): VTIMEZONEs, events
spread over the last three years with two to six attendees, folded attendee lines and
descriptions with a meeting link, one event in ten recurring (weekly, some with an end,
EXDATEs, an override), a few declined, cancelled, all-day and broadcast events. Then it
times `importers.calendar.read` in this process (the median of N runs, the two sizes taking
turns, after a warm-up that pays for importing icalendar and recurring-ical-events) and
says how many sightings it found and what it skipped. The "x 1x" column is the time at
4x over the time at 1x: about 4 when the reader is linear in the file. Last, the whole
`ties import` of the 1x file, as a process into a store knowing its 400 guests, and of
the same 5,000 events with none recurring (each one interaction at most). Nothing here
asserts a time; issue 16 asks for "a few seconds" at 5,000 events. CPU time is printed
beside the wall time, which a shared machine inflates.

(Named ics.py: a script named calendar.py would hide the standard library's calendar
module, which dateutil imports.)
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

TODAY = date(2025, 3, 14)
ME = frozenset({"me@example.org"})
ZONE = ZoneInfo("Europe/Berlin")

BERLIN = """BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE"""


def _fold(line: str) -> list[str]:
    out = [line[:75]]
    out += [" " + line[i:i + 74] for i in range(75, len(line), 74)]
    return out


def write(events: int, seed: int = 16, recurring: bool = True) -> bytes:
    """A calendar of `events` events (a recurring series counts as one); without
    `recurring`, the same events each on its own day (no RRULE or EXDATE)."""
    rng = random.Random(seed)
    people = [f"person{n}@example.com" for n in range(400)]
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0",
             "PRODID:-//Google Inc//Google Calendar 70.9054//EN", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", "X-WR-TIMEZONE:Europe/Berlin", *BERLIN.splitlines()]
    first = datetime.combine(TODAY, datetime.min.time()) - timedelta(days=3 * 365)
    for n in range(events):
        start = first + timedelta(days=rng.randrange(3 * 365 + 60), hours=rng.randrange(8, 19))
        kind = rng.random()
        guests = rng.sample(people, 12 if kind < 0.02 else rng.randrange(2, 7))
        body = [f"UID:bench{n}@google.com", "DTSTAMP:20250314T101010Z",
                "CREATED:20220101T101010Z", "LAST-MODIFIED:20220102T101010Z",
                "SEQUENCE:0", "TRANSP:OPAQUE",
                f"SUMMARY:Meeting {n}\\, about things"]
        if kind < 0.05:
            body.append(f"DTSTART;VALUE=DATE:{start:%Y%m%d}")
            guests = guests if kind < 0.03 else []
        else:
            body += [f"DTSTART;TZID=Europe/Berlin:{start:%Y%m%dT%H%M%S}",
                     f"DTEND;TZID=Europe/Berlin:{start + timedelta(hours=1):%Y%m%dT%H%M%S}"]
        body.append(f"ORGANIZER;CN=Organiser:mailto:{rng.choice([*guests, 'me@example.org'])}")
        me = "DECLINED" if kind > 0.97 else "ACCEPTED"
        body.append(f"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT={me};"
                    "CN=me@example.org;X-NUM-GUESTS=0:mailto:me@example.org")
        body += [f"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;"
                 f"CN=Guest {g};X-NUM-GUESTS=0:mailto:{g}" for g in guests]
        if recurring and 0.05 <= kind < 0.15:  # weekly, some ending, with an EXDATE
            until = start + timedelta(weeks=rng.randrange(4, 60))
            body.append("RRULE:FREQ=WEEKLY" + (f";UNTIL={until:%Y%m%dT%H%M%SZ}"
                                               if kind < 0.1 else ""))
            body.append(f"EXDATE;TZID=Europe/Berlin:{start + timedelta(weeks=2):%Y%m%dT%H%M%S}")
        body.append("STATUS:CANCELLED" if 0.96 < kind <= 0.97 else "STATUS:CONFIRMED")
        if rng.random() < 0.5:
            body.append("DESCRIPTION:Join with Google Meet: https://meet.google.com/abc-defg-"
                        "hij\\nOr dial: (US) +1 555-0100 PIN: 123456789#\\n" + "x" * 200)
        else:
            body.append(f"LOCATION:Room {n % 40}\\, Building A")
        alarm = ["BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:This is an event reminder",
                 "TRIGGER:-P0DT0H10M0S", "END:VALARM"]
        lines += ["BEGIN:VEVENT", *body, *alarm, "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(piece + "\r\n" for line in lines for piece in _fold(line)).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--write", type=Path, help="only write the 1x file here")
    args = parser.parse_args()
    if args.write:
        args.write.write_bytes(write(args.events))
        return
    from ties.formats.importers import calendar

    sizes = {"1x": write(args.events), "4x": write(4 * args.events)}
    calendar.read(write(20), ME, TODAY, zone=ZONE)  # warm-up: the libraries' imports
    times: dict[str, list[float]] = {name: [] for name in sizes}
    cpu: dict[str, list[float]] = {name: [] for name in sizes}
    results = {}
    for _ in range(args.runs):
        for name, data in sizes.items():
            started, used = time.perf_counter(), time.process_time()
            results[name] = calendar.read(data, ME, TODAY, zone=ZONE)
            times[name].append(time.perf_counter() - started)
            cpu[name].append(time.process_time() - used)
    print(f"Python {platform.python_version()} on {platform.machine()}, median of "
          f"{args.runs} runs")
    print(f"{'file':<5} {'MiB':>5} {'events':>7} {'read':>9} {'CPU':>9} {'x 1x':>6} "
          f"{'sightings':>10}  skipped")
    base = statistics.median(times["1x"])
    for name, data in sizes.items():
        took = statistics.median(times[name])
        out = results[name]
        events = args.events * (4 if name == "4x" else 1)
        skipped = ", ".join(f"{reason} {count}" for reason, count in sorted(out.skipped.items()))
        used = statistics.median(cpu[name])
        print(f"{name:<5} {len(data) / 2**20:>5.1f} {events:>7,} {took * 1000:>6,.0f} ms "
              f"{used * 1000:>6,.0f} ms {took / base:>5.1f}x {len(out.found):>10,}  {skipped}")


def whole_import(events: int, runs: int, recurring: bool = True) -> list[float]:
    """The whole `ties import FILE.ics` as a process (start-up, reading, the plan, the
    batched writes, the stats), into a fresh copy of a store that knows your address and
    the calendar's 400 guests; the wall time of each run (its CPU time is printed too: a
    shared machine stretches the wall clock)."""
    import csv
    import os
    import shutil
    import subprocess
    import tempfile

    work = Path(tempfile.mkdtemp(prefix="ties-bench-ics-"))
    try:
        store, path = work / "store.db", work / "calendar.ics"
        path.write_bytes(write(events, recurring=recurring))
        env = {**os.environ, "TIES_DB": str(store), "TIES_TODAY": TODAY.isoformat(),
               "TZ": "Europe/Berlin"}
        people = work / "people.csv"
        with open(people, "w", newline="") as f:
            out = csv.writer(f)
            out.writerow(["name", "email"])
            out.writerows([f"Person {n}", f"person{n}@example.com"] for n in range(400))
        for args in (["config", "me.email", ", ".join(ME)],
                     ["import", str(people), "--type", "social"]):
            subprocess.run([sys.executable, "-m", "ties", *args], env=env, check=True,
                           capture_output=True)
        took, cpu = [], []
        for _ in range(runs):
            copy = work / "run.db"
            shutil.copyfile(store, copy)
            started, before = time.perf_counter(), os.times()
            done = subprocess.run([sys.executable, "-m", "ties", "import", str(path)],
                                  env={**env, "TIES_DB": str(copy)}, capture_output=True,
                                  text=True)
            took.append(time.perf_counter() - started)
            after = os.times()
            cpu.append(after.children_user + after.children_system
                       - before.children_user - before.children_system)
            if done.returncode != 0:
                raise SystemExit(f"ties import failed: {done.stderr}")
            summary = done.stderr.strip().splitlines()
            for name in ("run.db", "run.db-wal", "run.db-shm"):
                (work / name).unlink(missing_ok=True)
        kind = "" if recurring else " none recurring"
        print(f"ties import of {events:,} events{kind} (whole command): "
              f"{statistics.median(took):.2f} s median of {runs} "
              f"({', '.join(f'{t:.2f}' for t in took)}), CPU "
              f"{statistics.median(cpu):.2f} s; "
              f"{next((line for line in summary if line.startswith('Imported')), '')}")
        return took
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
    if "--write" not in sys.argv:
        arguments = sys.argv[1:]
        runs = int(arguments[arguments.index("--runs") + 1]) if "--runs" in arguments else 3
        events = (int(arguments[arguments.index("--events") + 1]) if "--events" in arguments
                  else 5000)
        whole_import(events, runs)
        whole_import(events, runs, recurring=False)
