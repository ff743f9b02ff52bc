"""The wait a user sees: whole `nenpo` commands, as started from a shell.

    python benchmarks/bench_cli.py [--repeat 3] [--no-prefect-run]

- ``imports``: what each command imports before it does anything (`python -X importtime`):
  the total, the modules, the heavy libraries among them, and the command's wall time;
- ``ad-hoc ingest``: `nenpo ingest samples/editions/kawasaki-sme-fy2020.pdf --db new.duckdb`
  with no Prefect server configured, the first run in a fresh HOME (empty caches, a new
  warehouse) and a later run (the same command again), against one plain pdfplumber pass
  (extract_text() + extract_tables() on every page) over the same PDF, in the same run;
- ``--prefect``: the same first run as a Prefect flow run on the temporary local server,
  for comparison (skipped with --no-prefect-run).

Rounds run every measurement once, so a slow spell of a shared machine weighs on all of
them; medians and ranges are reported, with the machine's load average.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EDITION = REPO / "samples" / "editions" / "kawasaki-sme-fy2020.pdf"
NENPO = Path(sys.executable).with_name("nenpo")
HEAVY = ("prefect", "pdfplumber", "pdfminer", "pymupdf", "duckdb", "pyarrow", "pandas", "pydantic", "typer", "rich")


def user_env(home: Path) -> dict[str, str]:
    """A shell of a user with no Prefect server configured, HOME at `home`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NENPO_", "XDG_"))}
    env["HOME"] = str(home)
    return env


def timed(args: list[str], env: dict[str, str], cwd: Path) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return seconds, done.stdout + done.stderr


def pdfplumber_pass(path: Path) -> float:
    code = (
        "import sys, time, pdfplumber\n"
        "started = time.perf_counter()\n"
        "with pdfplumber.open(sys.argv[1]) as pdf:\n"
        "    for page in pdf.pages:\n"
        "        page.extract_text(); page.extract_tables(); page.flush_cache()\n"
        "print(time.perf_counter() - started)\n"
    )
    return float(
        subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True).stdout
    )


_IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")
"""A line of `-X importtime`: ``import time:       576 |      13287 |   nenpo.pipeline``
(self µs, cumulative µs, indent by nesting, module)."""


def imports(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, int, list[str]]:
    """Seconds spent importing, modules imported, and the heavy libraries among them."""
    _, output = timed([sys.executable, "-X", "importtime", str(NENPO), *command], env, cwd)
    total, modules, heavy = 0, 0, set()
    for match in _IMPORT_LINE.finditer(output):
        modules += 1
        total += int(match.group(1))
        top = match.group(4).split(".")[0]
        if top in HEAVY:
            heavy.add(top)
    return total / 1e6, modules, sorted(heavy)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-prefect-run", action="store_true", help="skip the --prefect comparison")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="nenpo-bench-cli-") as tmp_name:
        tmp = Path(tmp_name)
        work = tmp / "work"
        work.mkdir()
        baseline, first, later, flow = [], [], [], []
        for round_no in range(args.repeat):
            baseline.append(pdfplumber_pass(EDITION))
            home = tmp / f"home-{round_no}"  # a fresh HOME: no user cache, no Prefect home
            home.mkdir()
            env = user_env(home)
            db = work / f"new-{round_no}.duckdb"
            seconds, out = timed([str(NENPO), "ingest", str(EDITION), "--db", str(db)], env, work)
            assert "ran without Prefect" in out and "1 loaded, 0 failed" in " ".join(out.split()), out
            first.append(seconds)
            later.append(timed([str(NENPO), "ingest", str(EDITION), "--db", str(db)], env, work)[0])
            if not args.no_prefect_run and round_no == 0:
                flow_home = tmp / "home-prefect"
                flow_home.mkdir()
                seconds, out = timed(
                    [str(NENPO), "ingest", str(EDITION), "--db", str(work / "flow.duckdb"), "--prefect"],
                    user_env(flow_home) | {"PREFECT_HOME": str(flow_home / ".prefect")},
                    work,
                )
                assert "ran as Prefect flow run" in out, out
                flow.append(seconds)
        db = work / "new-0.duckdb"
        env = user_env(tmp / "home-0")
        commands = {
            "--help": ["--help"],
            "compare": ["compare", "--db", str(db)],
            "show": ["show", "商業力強化", "--db", str(db)],
            "audit": ["audit", "--stored", "--db", str(db)],
            "ingest (cached)": ["ingest", str(EDITION), "--db", str(db), "--no-publish"],
        }
        walls = {
            name: statistics.median(timed([str(NENPO), *c], env, work)[0] for _ in range(args.repeat))
            for name, c in commands.items()
        }
        imported = {name: imports(c, env, work) for name, c in commands.items()}
    load_after = os.getloadavg()[0]

    base = statistics.median(baseline)
    print(
        f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, {args.repeat} rounds, "
        f"load average {load_before:.1f} before / {load_after:.1f} after"
    )
    print()
    print(f"{'command':<18}{'wall s':>8}{'importing s':>13}{'modules':>9}  heavy libraries imported")
    for name in commands:
        seconds, modules, heavy = imported[name]
        print(f"{name:<18}{walls[name]:>8.2f}{seconds:>13.2f}{modules:>9}  {', '.join(heavy) or '-'}")
    print()

    def line(label: str, runs: list[float], target: str = "") -> None:
        ratios = [r / base for r in runs]
        print(
            f"{label:<44}{statistics.median(runs):>7.2f} s {statistics.median(ratios):>7.2f}× "
            f"(range {min(ratios):.2f}–{max(ratios):.2f}) {target}"
        )

    print(f"ad-hoc `nenpo ingest {EDITION.name} --db new.duckdb`, no Prefect server, against the pdfplumber pass:")
    print(
        f"{'pdfplumber pass (baseline)':<44}{base:>7.2f} s    1.00× (range {min(baseline):.2f}–{max(baseline):.2f} s)"
    )
    line("first run, fresh HOME", first, "(target ≤ 5)")
    line("later run (the same command again)", later, "(target ≤ 2.5)")
    if flow:
        line("--prefect, first run (temporary server)", flow)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
