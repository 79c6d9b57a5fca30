"""Whole-process benchmarks of ties, as a user runs it.

    python benchmarks/run.py --size typical      # heavy, stress also; --runs N (default 7)

Builds (or reuses, in benchmarks/.cache/) a store with generate.py, then times each command
as a fresh process: the median of N runs after one warm-up, and the peak memory (max RSS).
The floor is `python -c "import typer, rich.console, rich.table, sqlite3"`; it runs right
before every run of every command, and the ratio printed is the median of those pairwise
ratios, which is what docs/performance.md's targets are stated in and what stays stable
on a machine whose speed wanders. Nothing here asserts a time: CI runs it
at the typical size only to prove it completes.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
TODAY = "2025-03-14"
TARGETS = {  # ratio to the floor: typical, heavy, stress
    "ties --help": (1.5, 1.5, 1.5),
    "name completion": (1.5, 2, 3),
    "ties next": (2, 2.5, 6),
    "ties next --json": (2, 2.5, 6),
    "ties report": (2.5, 3, 8),
    "ties report --json": (2.5, 3, 8),
    "ties log": (5, 5, 5),
    "ties add": (5, 5, 5),
}
SIZES = ("typical", "heavy", "stress")


def run_once(argv: list[str], env: dict) -> tuple[float, int]:
    """Wall time and max RSS (KiB) of one fresh process."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}): {err.strip()}")
    return elapsed, usage.ru_maxrss


FLOOR = [sys.executable, "-c", "import typer, rich.console, rich.table, sqlite3"]


def measure(argv, env: dict, runs: int, setup=None) -> tuple[float, float, int]:
    """Median time, median ratio to the floor and peak RSS. The floor runs right before
    each run of the command, so a machine that is busier for a moment slows both and the
    ratio stays honest."""
    if setup:
        setup(-1)
    run_once(argv(-1) if callable(argv) else argv, env)  # warm-up
    times, ratios, peak = [], [], 0
    for i in range(runs):
        if setup:
            setup(i)
        floor, _ = run_once(FLOOR, env)
        t, rss = run_once(argv(i) if callable(argv) else argv, env)
        times.append(t)
        ratios.append(t / floor)
        peak = max(peak, rss)
    return statistics.median(times), statistics.median(ratios), peak


def ensure_store(size: str) -> Path:
    cache = HERE / ".cache"
    cache.mkdir(exist_ok=True)
    path = cache / f"{size}.db"
    if not path.exists():
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--size", size, str(path)],
                       check=True)
    return path


def linkedin_file(path: Path, rows: int) -> None:
    lines = ["First Name,Last Name,URL,Email Address,Company,Position,Connected On"]
    lines += [f"Person{i},Example{i},https://www.linkedin.com/in/person-{i},,Company {i % 700},"
              f"Role {i % 40},{1 + i % 28:02d} Jan 2024" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=SIZES, default="typical")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    column = SIZES.index(args.size)
    ties = [sys.executable, "-m", "ties"]
    store = ensure_store(args.size)
    work = Path(tempfile.mkdtemp(prefix="ties-bench-"))
    try:
        live = work / "ties.db"
        shutil.copy(store, live)
        env = {**os.environ, "TIES_DB": str(live), "TIES_TODAY": TODAY, "NO_COLOR": "1",
               "COLUMNS": "120"}
        env.pop("TIES_DEBUG", None)
        floor, _, floor_rss = measure(FLOOR, env, args.runs)
        completion_env = {**env, "_TIES_COMPLETE": "complete_bash", "COMP_WORDS": "ties show Ana",
                          "COMP_CWORD": "2"}
        results = []

        def bench(label, argv, environment=env, setup=None):
            results.append((label, *measure(argv, environment, args.runs, setup)))

        # What any write pays before doing anything: the design fixes SQLModel for writes.
        bench("(floor + import sqlmodel)", [sys.executable, "-c", "import typer, rich.console, "
                                            "rich.table, sqlite3, sqlmodel"])
        bench("ties --help", [*ties, "--help"])
        bench("name completion", [*ties], completion_env)
        bench("ties next", [*ties, "next"])
        bench("ties next --json", [*ties, "next", "--json"])
        bench("ties report", [*ties, "report"])
        bench("ties report --json", [*ties, "report", "--json"])
        bench("ties show", [*ties, "show", "@7"])
        bench("ties log", lambda i: [*ties, "log", "@7", "--note", f"bench {i}"])
        bench("ties add", lambda i: [*ties, "add", f"Bench Person {i}", "--another"])
        linkedin = work / "Connections.csv"
        linkedin_file(linkedin, 30_000)
        fresh = work / "import.db"

        def empty_store(_: int) -> None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{fresh}{suffix}").unlink(missing_ok=True)

        import_env = {**env, "TIES_DB": str(fresh)}
        results.append(("import 30,000 LinkedIn rows",
                        *measure([*ties, "import", str(linkedin)], import_env,
                                 max(1, min(args.runs, 3)), empty_store)))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"ties benchmarks, size {args.size} ({store.stat().st_size / 2**20:.1f} MiB store), "
          f"median of {args.runs} runs after a warm-up")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, SQLite {__import__('sqlite3').sqlite_version}")
    print(f"floor (python -c 'import typer, rich.console, rich.table, sqlite3'): "
          f"{floor * 1000:.0f} ms, {floor_rss / 1024:.0f} MiB")
    print()
    print(f"{'command':<30} {'median':>9} {'ratio':>7} {'target':>7} {'peak MiB':>9}")
    for label, median, ratio, rss in results:
        target = TARGETS.get(label, (None,) * 3)[column]
        mark = "" if target is None else ("  ok" if ratio <= target else "  OVER")
        target_text = f"≤{target:g}×" if target else "-"
        print(f"{label:<30} {median * 1000:>7.0f}ms {ratio:>6.2f}× {target_text:>7} "
              f"{rss / 1024:>9.0f}{mark}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
