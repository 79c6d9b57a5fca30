"""Reading a mailbox: ties' mail reader against Python's mailbox module reading headers.

    python benchmarks/mail.py                      # 100,000 messages; --runs N (default 3)
    python benchmarks/mail.py --messages 20000     # a smaller mailbox
    python benchmarks/mail.py --write /tmp/x.mbox  # only write the mbox

Writes a realistic mbox in a temporary folder (`write` below) and times, in this process,
the two taking turns run after run (a machine busier for a while slows both alike):

- the baseline: `mailbox.mbox` reading every message's headers, the fastest way it offers
  (`get_file(key)` for each key of its table of contents, given to
  `email.parser.BytesHeaderParser`);
- ties' reader: `ties.formats.importers.mail.read`, which makes the sightings (threads,
  skips, decoded subjects and names) as `ties import` gets them;
- the whole `ties import MBOX` as a process, into a copy of a store that knows your
  address and 600 of the mailbox's 3,000 correspondents: start-up, reading, the plan, the
  batched writes in one transaction and the stats.

and prints the median of each and their ratio; the target (issue 16) is at most 3.
Nothing here asserts a time.

The mbox: 100,000 messages in conversations of 1 to 6 messages (a reply carries
In-Reply-To and References, "Re: " and sometimes a quoted original); about a fifth from
mailing lists (List-Id, List-Unsubscribe, Precedence: list) and newsletters; one to twelve
recipients over To and Cc, display names with RFC 2047 encoded words (UTF-8 and ISO-8859-1,
Q and B) for some; a Received chain, a DKIM signature and Gmail's X-GM-THRID and
X-Gmail-Labels on every message (about 1.6 KB of headers, as Gmail Takeout writes them);
bodies of 200 bytes to 20 KB, some with base64 attachments, with `>From ` quoted lines.
"""

from __future__ import annotations

import argparse
import base64
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

TODAY = date(2025, 3, 14)
ME = "me@example.com"
FIRST = ["Ana", "Bo", "Chidi", "Élodie", "Farid", "Grace", "Hiro", "Zoë", "Ingrid", "José"]
LAST = ["Lima", "Chen", "Okafor", "Müller", "Haddad", "Park", "Tanaka", "Søndergaard"]
WORDS = ("lunch next week plans question about the draft review notes from call intro "
         "hiring update café offsite budget slides conference talk follow up").split()


def _encoded(name: str, rng: random.Random) -> str:
    if name.isascii():
        return f'"{name}"'
    if rng.random() < 0.5:
        q = "".join(c if c.isascii() and c.isalnum() else
                    "".join(f"={b:02X}" for b in c.encode()) if c != " " else "_"
                    for c in name)
        return f"=?utf-8?q?{q}?="
    return "=?utf-8?b?" + base64.b64encode(name.encode()).decode() + "?="


def write(path: Path, messages: int, seed: int = 1) -> int:
    """Write the benchmark's mbox with `messages` messages; returns its size in bytes."""
    rng = random.Random(seed)
    people = [(f"{rng.choice(FIRST)} {rng.choice(LAST)}", f"person{n}@example{n % 40}.com")
              for n in range(3000)]
    lists = [f"list{n}.lists.example.org" for n in range(30)]
    start = datetime(2020, 1, 1, tzinfo=UTC)
    span = (datetime(2025, 3, 13, tzinfo=UTC) - start).total_seconds()
    written = 0
    n = 0
    with open(path, "wb") as f:
        while n < messages:
            thread = rng.getrandbits(63)
            when = start + timedelta(seconds=rng.random() * span)
            is_list = rng.random() < 0.2
            cast = rng.sample(people, rng.choice([1, 1, 1, 2, 2, 3, 4, 6, 12]))
            subject = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 8)))
            ids: list[str] = []
            for reply in range(min(rng.choice([1, 1, 2, 2, 3, 4, 6]), messages - n)):
                n += 1
                mine = reply % 2 == 1
                sender = (ME, "Me") if mine else (cast[0][1], cast[0][0])  # address, name
                to = [p for p in cast if p[1] != sender[0]]  # (name, address)
                if not mine:
                    to = [("Me", ME)] + to
                message_id = f"<{thread:x}.{reply}@mail.example.com>"
                lines = [
                    f"From {rng.getrandbits(60)}@xxx {when:%a %b %d %H:%M:%S +0000 %Y}",
                    f"X-GM-THRID: {thread}",
                    "X-Gmail-Labels: " + ("Inbox,Opened" if not mine else "Sent"),
                    "Delivered-To: me@example.com",
                    "Received: by 2002:a05:6000:1a8c:b0:33d:8f2a:1b2c with SMTP id "
                    f"x12csp{n}wrd;\r\n        {format_datetime(when)}",
                    "Received: from mail.example.com (mail.example.com. [192.0.2.1])\r\n"
                    f"        by mx.google.com with ESMTPS id {n}.2025.03.13\r\n"
                    f"        for <me@example.com>;\r\n        {format_datetime(when)}",
                    "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com;"
                    " s=20230601;\r\n        h=to:subject:message-id:date:from:mime-version"
                    ":from:to:cc:subject:date;\r\n        bh=" + base64.b64encode(
                        rng.randbytes(32)).decode() + ";\r\n        b=" + "\r\n         "
                    .join(base64.b64encode(rng.randbytes(192)).decode()[i:i + 70]
                          for i in range(0, 256, 70)),
                    "MIME-Version: 1.0",
                    f"Date: {format_datetime(when)}",
                    f"Message-ID: {message_id}",
                    ("Subject: Re: " if reply else "Subject: ") + subject,
                    f"From: {_encoded(sender[1], rng)} <{sender[0]}>",
                    "To: " + ",\r\n ".join(f"{_encoded(name, rng)} <{address}>"
                                           for name, address in to[:6]),
                ]
                if len(to) > 6:
                    lines.append("Cc: " + ", ".join(address for _, address in to[6:]))
                if ids:
                    lines.append(f"In-Reply-To: {ids[-1]}")
                    lines.append("References: " + "\r\n ".join(ids))
                if is_list:
                    name = rng.choice(lists)
                    lines += [f"List-Id: <{name}>", f"List-Unsubscribe: <mailto:leave@{name}>",
                              "Precedence: list"]
                lines.append("Content-Type: text/plain; charset=UTF-8")
                body = []
                for _ in range(rng.choice([3, 5, 10, 20, 40, 80])):
                    body.append(" ".join(rng.choice(WORDS) for _ in range(12)))
                if rng.random() < 0.1:
                    body.append(">From the notes of the last call, a quoted line")
                if rng.random() < 0.05:
                    blob = base64.b64encode(rng.randbytes(rng.randint(5000, 15000))).decode()
                    body += [blob[i:i + 76] for i in range(0, len(blob), 76)]
                data = ("\r\n".join(lines) + "\r\n\r\n" + "\r\n".join(body) + "\r\n\r\n")
                raw = data.encode("utf-8")
                f.write(raw)
                written += len(raw)
                ids.append(message_id)
                when += timedelta(minutes=rng.randint(5, 3000))
    return written


def baseline(path: Path) -> int:
    """`mailbox.mbox` reading every message's headers; returns how many it read."""
    import mailbox
    from email.parser import BytesHeaderParser
    from email.policy import compat32

    parser = BytesHeaderParser(policy=compat32)
    box = mailbox.mbox(path, create=False)
    count = 0
    try:
        for key in box.iterkeys():
            with box.get_file(key) as message:
                parser.parse(message)
            count += 1
    finally:
        box.close()
    return count


def ties_reader(path: Path) -> int:
    """ties' mail reader; returns how many messages it accounted for."""
    from ties.formats.importers import mail

    found = mail.read(path, frozenset({ME}), TODAY)
    return len(found.found) + sum(found.skipped.values())


def prepared_store(work: Path, known: int = 600) -> Path:
    """A store that knows your address and `known` of the mailbox's 3,000 correspondents
    (a fifth: most mail is with people you have), as `ties import` finds it."""
    import csv
    import subprocess

    rng = random.Random(1)
    store = work / "store.db"
    env = {**os.environ, "TIES_DB": str(store), "TIES_TODAY": TODAY.isoformat()}
    people = work / "people.csv"
    with open(people, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["name", "email"])
        for n in range(0, 3000, 3000 // known):
            out.writerow([f"{rng.choice(FIRST)} {rng.choice(LAST)} {n}",
                          f"person{n}@example{n % 40}.com"])
    for args in (["config", "me.email", ME], ["import", str(people), "--type", "social"]):
        subprocess.run([sys.executable, "-m", "ties", *args], env=env, check=True,
                       capture_output=True)
    people.unlink()
    return store


def ties_import(path: Path, store: Path) -> float:
    """The whole `ties import MBOX`, as a process, into a copy of `store`: read, plan,
    write in one transaction, refresh the stats. Returns its wall time."""
    import shutil
    import subprocess

    copy = store.with_name("run.db")
    shutil.copyfile(store, copy)
    env = {**os.environ, "TIES_DB": str(copy), "TIES_TODAY": TODAY.isoformat()}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "ties", "import", str(path)], env=env,
                          capture_output=True, text=True)
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"ties import failed: {done.stderr}")
    for name in ("run.db", "run.db-wal", "run.db-shm"):
        store.with_name(name).unlink(missing_ok=True)
    return took


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", type=Path, help="only write the mbox to this path")
    parser.add_argument("--no-import", action="store_true",
                        help="time only the readers, not the whole 'ties import'")
    args = parser.parse_args(argv)
    if args.write:
        size = write(args.write, args.messages)
        print(f"wrote {args.write} ({size / 2**20:.0f} MiB)", file=sys.stderr)
        return 0
    work = Path(tempfile.mkdtemp(prefix="ties-bench-mail-"))
    path = work / "mail.mbox"
    try:
        started = time.perf_counter()
        size = write(path, args.messages)
        wrote = time.perf_counter() - started
        store = None if args.no_import else prepared_store(work)
        times: dict[str, list[float]] = {"baseline": [], "ties": [], "import": []}
        for _ in range(args.runs):
            for label, run in (("baseline", baseline), ("ties", ties_reader)):
                started = time.perf_counter()
                count = run(path)
                times[label].append(time.perf_counter() - started)
                if count != args.messages:
                    raise SystemExit(f"{label}: read {count} messages of {args.messages}")
            if store is not None:
                times["import"].append(ties_import(path, store))
    finally:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    base = statistics.median(times["baseline"])
    ours = statistics.median(times["ties"])
    ratios = [t / b for t, b in zip(times["ties"], times["baseline"], strict=True)]
    print(f"ties mail reader benchmark: {args.messages:,} messages, {size / 2**20:.0f} MiB "
          f"(written in {wrote:.1f} s), median of {args.runs} runs")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, load {os.getloadavg()[0]:.1f}")
    print()
    print(f"{'mailbox.mbox, headers (baseline)':<36} {base:>8.2f} s")
    print(f"{'ties mail reader':<36} {ours:>8.2f} s")
    print(f"{'ratio (reader only)':<36} {ours / base:>8.2f}×  "
          f"(runs: {', '.join(f'{r:.2f}' for r in ratios)})")
    if not times["import"]:
        return 0
    whole = statistics.median(times["import"])
    ratios = [t / b for t, b in zip(times["import"], times["baseline"], strict=True)]
    print(f"{'ties import MBOX (whole command)':<36} {whole:>8.2f} s")
    print(f"{'ratio (target: at most 3)':<36} {whole / base:>8.2f}×  "
          f"(runs: {', '.join(f'{r:.2f}' for r in ratios)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
