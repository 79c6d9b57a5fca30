"""vCard import at 1x and 4x: the parser must take about 4 times as long on 4 times the file.

    python benchmarks/vcard.py                   # --runs N (default 3), --scale S (default 1)
    python benchmarks/vcard.py --parse-only      # the parser alone, to compare two versions
    python benchmarks/vcard.py --write /tmp/x.vcf --scale 4     # only write the file

Writes a vCard file the way phones and Outlook do at their most verbose, at 1x and at 4x
(`write` below), then measures, for each: the parser alone in this process (`importers.read`,
the median of N runs, the two sizes taking turns), and `ties import FILE` as a fresh process
into an empty store (the median of N runs after a warm-up, with its ratio to the floor as
in run.py). A one-card file gives what any import costs (start-up, creating the store);
"beyond 1 card" is the rest. Each "x 1x" column is a time at 4x over the same at 1x: about
4 when the work is linear in the file's size; a quadratic parser gives 16 and more.
Nothing here asserts a time.

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


def parse_times(paths: dict[int, Path], runs: int) -> dict[int, float]:
    """The median time of `importers.read` on each file, in this process. The sizes take
    turns, run after run, so that a machine busier for a while slows both alike."""
    from ties.formats import importers

    data = {scale: path.read_bytes() for scale, path in paths.items()}
    importers.read(data[min(data)], "warm-up.vcf", "vcard")  # imports, caches
    times: dict[int, list[float]] = {scale: [] for scale in data}
    for _ in range(runs):
        for scale, content in data.items():
            started = time.perf_counter()
            parsed = importers.read(content, f"{scale}x.vcf", "vcard")
            times[scale].append(time.perf_counter() - started)
            if len(parsed.records) + len(parsed.skipped) != CARDS * scale + 1:
                raise SystemExit(f"{scale}x: expected {CARDS * scale + 1} cards, read "
                                 f"{len(parsed.records) + len(parsed.skipped)}")
    return {scale: statistics.median(t) for scale, t in times.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scale", type=int, default=1, help="the smaller size; the larger "
                        "is 4 times it")
    parser.add_argument("--parse-only", action="store_true", help="time the parser only, "
                        "not 'ties import' (to compare two versions of the parser)")
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
        scales = (args.scale, 4 * args.scale)
        paths = {scale: work / f"contacts-{scale}x.vcf" for scale in scales}
        sizes = {scale: write(path, scale) for scale, path in paths.items()}
        parsing = parse_times(paths, args.runs)
        one = work / "one-card.vcf"  # what any import costs: start-up, a new store
        one.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lima\r\nEND:VCARD\r\n")
        runs = [("1 card", one, 1, one.stat().st_size, None)]
        runs += [(f"{scale}x", paths[scale], CARDS * scale + 1, sizes[scale], parsing[scale])
                 for scale in scales]
        for label, path, cards, size, parsed_in in runs:
            if args.parse_only:
                if parsed_in is not None:
                    results.append((label, size, cards, parsed_in, None, None, None))
                continue
            store = work / "store.db"

            def empty_store(_: int, store: Path = store) -> None:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{store}{suffix}").unlink(missing_ok=True)

            env = {**os.environ, "TIES_DB": str(store), "TIES_TODAY": TODAY, "NO_COLOR": "1",
                   "COLUMNS": "120"}
            env.pop("TIES_DEBUG", None)
            median, ratio, rss = measure([*ties, "import", str(path)], env, args.runs,
                                         empty_store)
            results.append((label, size, cards, parsed_in, median, ratio, rss))
    finally:
        for leftover in work.iterdir():
            leftover.unlink()
        work.rmdir()

    print(f"ties vCard import benchmark, median of {args.runs} runs")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, SQLite {__import__('sqlite3').sqlite_version}")
    print()
    print(f"{'file':<7} {'MiB':>5} {'cards':>6} {'parse':>9} {'x 1x':>6} {'ties import':>12} "
          f"{'ratio':>7} {'beyond 1 card':>14} {'x 1x':>6} {'peak MiB':>9}")
    fixed = results[0][4] if results[0][0] == "1 card" else None
    first = next(r for r in results if r[3] is not None)
    for label, size, cards, parsed_in, median, ratio, rss in results:
        line = f"{label:<7} {size / 2**20:>5.1f} {cards:>6} "
        line += (f"{parsed_in * 1000:>7.0f}ms {parsed_in / first[3]:>5.1f}×"
                 if parsed_in is not None else f"{'':>9} {'':>6}")
        if median is not None:
            line += f" {median * 1000:>10.0f}ms {ratio:>6.2f}×"
            if fixed is not None and parsed_in is not None:
                line += (f" {(median - fixed) * 1000:>12.0f}ms "
                         f"{(median - fixed) / (first[4] - fixed):>5.1f}×")
            else:
                line += f" {'':>14} {'':>6}"
            line += f" {rss / 1024:>9.0f}"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
