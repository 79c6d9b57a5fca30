"""vCard import at 1x and 4x: the parser must take about 4 times as long on 4 times the file.

    python benchmarks/vcard.py                   # --runs N (default 3), --scale S (default 1)
    python benchmarks/vcard.py --write /tmp/x.vcf --scale 4     # only write the file

Writes a vCard file the way phones and Outlook do at their most verbose, at 1x and at 4x
(`write` below), then measures, for each: the parser alone in this process (`importers.read`,
the median of N runs), and `ties import FILE` as a fresh process into an empty store (the
median of N runs after a warm-up, with its ratio to the floor as in run.py). The last
column is the time at 4x over the time at 1x: about 4 for a linear parser; a quadratic one
gives 16 and more. Nothing here asserts a time.

At 1x the file holds 500 cards, each with a folded base64 PHOTO (RFC 2425 folding, 75
columns) and a vCard 2.1 quoted-printable NOTE broken into 76-column lines by soft breaks,
plus one card with a 1 MiB photo (about 14,000 folded lines) and a 20,000-character
quoted-printable note (about 800 soft breaks): 2.6 MiB. At 4x there are 2,000 cards and
the long card's photo and note are 4 times as long: 4 times the bytes, and logical lines 4
times as long, which is where a parser that joins lines by repeated concatenation slows
down quadratically.
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
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from run import TODAY, measure  # noqa: E402  (run.py sits beside this file)

CARDS = 500  # ordinary cards at 1x
PHOTO = 2_000  # bytes of photo per ordinary card
LONG_PHOTO = 2**20  # bytes of photo on the long card, at 1x
LONG_NOTE = 20_000  # characters of note on the long card, at 1x


def _fold(line: str, width: int = 75) -> list[str]:
    """RFC 2425 folding: the first line `width` characters, each continuation a space
    and `width - 1` more."""
    out = [line[:width]]
    out += [" " + line[i:i + width - 1] for i in range(width, len(line), width - 1)]
    return out


def _qp(text: str, width: int = 76) -> list[str]:
    """Quoted-printable with soft line breaks ('=' at the end of every line but the last),
    as vCard 2.1 writers emit it."""
    encoded = "".join(c if c.isascii() and c.isalnum() or c in " .,-" else
                      "".join(f"={b:02X}" for b in c.encode()) for c in text)
    lines, i = [], 0
    while i < len(encoded):
        cut = min(i + width - 1, len(encoded))
        while cut < len(encoded) and "=" in encoded[cut - 2:cut]:  # never split "=XX"
            cut -= 1
        lines.append(encoded[i:cut])
        i = cut
    return [line + "=" for line in lines[:-1]] + lines[-1:]


def _card(n: int, photo: bytes, note: str, rng: random.Random) -> list[str]:
    first = rng.choice(["Ana", "Bo", "Chidi", "Élodie", "Farid", "Grace", "Hiro", "Zoë"])
    last = rng.choice(["Lima", "Chen", "Okafor", "Müller", "Haddad", "Park", "Tanaka"])
    lines = ["BEGIN:VCARD", "VERSION:2.1", f"N;CHARSET=UTF-8:{last} {n};{first};;;",
             f"FN;CHARSET=UTF-8:{first} {last} {n}", f"ORG:Company {n % 300}",
             f"TITLE:Role {n % 40}", f"EMAIL;PREF;INTERNET:person{n}@example.com",
             f"TEL;CELL:+1 555 {n:07d}", "ADR;HOME:;;1 Main St;Springfield;;12345;USA",
             f"CATEGORIES:friends,pycon,group {n % 20}"]
    lines += _fold("PHOTO;ENCODING=BASE64;TYPE=JPEG:" + base64.b64encode(photo).decode())
    note_lines = _qp(note)
    lines.append("NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:" + note_lines[0])
    lines += note_lines[1:]
    lines.append("END:VCARD")
    return lines


def write(path: Path, scale: int, seed: int = 1) -> int:
    """Write the benchmark's vCard file at `scale` (1, 4, ...); returns its size in bytes."""
    rng = random.Random(seed)
    words = ["met at PyCon", "café", "works on CRDTs", "hiring SREs", "naïve", "Zürich",
             "intro to Bo", "follow up in spring", "two kids", "runs marathons"]
    with open(path, "w", encoding="utf-8", newline="\r\n") as f:
        for n in range(1, CARDS * scale + 1):
            note = " ".join(rng.choice(words) for _ in range(60))
            f.write("\n".join(_card(n, rng.randbytes(PHOTO), note, rng)) + "\n")
        long_note = " ".join(rng.choice(words) for _ in range(LONG_NOTE * scale // 9))
        long_note = long_note[:LONG_NOTE * scale]
        f.write("\n".join(_card(0, rng.randbytes(LONG_PHOTO * scale), long_note, rng)) + "\n")
    return path.stat().st_size


def parse_time(path: Path, runs: int, cards: int) -> float:
    """The median time of `importers.read` on the file, in this process."""
    from ties import importers

    data = path.read_bytes()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        parsed = importers.read(data, path.name, "vcard")
        times.append(time.perf_counter() - started)
        if len(parsed.records) + len(parsed.skipped) != cards:
            raise SystemExit(f"{path.name}: expected {cards} cards, read "
                             f"{len(parsed.records) + len(parsed.skipped)}")
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scale", type=int, default=1, help="the smaller size; the larger "
                        "is 4 times it")
    parser.add_argument("--write", type=Path, help="only write the file at --scale to this "
                        "path")
    args = parser.parse_args(argv)
    if args.write:
        size = write(args.write, args.scale)
        print(f"wrote {args.write} ({size / 2**20:.1f} MiB)", file=sys.stderr)
        return 0
    ties = [sys.executable, "-m", "ties"]
    work = Path(tempfile.mkdtemp(prefix="ties-bench-vcard-"))
    results = []
    try:
        for scale in (args.scale, 4 * args.scale):
            path = work / f"contacts-{scale}x.vcf"
            size = write(path, scale)
            parsed_in = parse_time(path, args.runs, CARDS * scale + 1)
            store = work / f"store-{scale}.db"

            def empty_store(_: int, store: Path = store) -> None:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{store}{suffix}").unlink(missing_ok=True)

            env = {**os.environ, "TIES_DB": str(store), "TIES_TODAY": TODAY, "NO_COLOR": "1",
                   "COLUMNS": "120"}
            env.pop("TIES_DEBUG", None)
            median, ratio, rss = measure([*ties, "import", str(path)], env, args.runs,
                                         empty_store)
            results.append((scale, size, CARDS * scale + 1, parsed_in, median, ratio, rss))
    finally:
        for leftover in work.iterdir():
            leftover.unlink()
        work.rmdir()

    print(f"ties vCard import benchmark, median of {args.runs} runs")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, SQLite {__import__('sqlite3').sqlite_version}")
    print()
    print(f"{'file':<6} {'MiB':>6} {'cards':>6} {'parse':>9} {'x 1x':>6} {'ties import':>12} "
          f"{'ratio':>7} {'x 1x':>6} {'peak MiB':>9}")
    base = results[0]
    for scale, size, cards, parsed_in, median, ratio, rss in results:
        print(f"{scale}x{'':<4} {size / 2**20:>6.1f} {cards:>6} {parsed_in * 1000:>7.0f}ms "
              f"{parsed_in / base[3]:>5.1f}× {median * 1000:>10.0f}ms {ratio:>6.2f}× "
              f"{median / base[4]:>5.1f}× {rss / 1024:>9.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
