"""Command start-up against the bare framework imports (median of N runs each).

Usage: .venv/bin/python bench/bench_cli.py [--runs N] [--file DOC]
Prints the wall time of `python -c "import fastapi, sqlalchemy, typer, rich"`,
`biopark --help` and `biopark extract DOC`, their ratios and the load average.
Goals: help ≤ 1.3×, extract ≤ 1.8×.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_DOC = ROOT / "tests" / "intel" / "fixtures" / "announcement.txt"


def _median(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    """Time the three commands, interleaved so that load changes hit them alike."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--file", type=Path, default=DEFAULT_DOC)
    args = ap.parse_args()
    bare = [sys.executable, "-c", "import fastapi, sqlalchemy, typer, rich"]
    biopark = str(BIN / "biopark")
    commands = {
        "bare": bare,
        "help": [biopark, "--help"],
        "extract": [biopark, "extract", str(args.file)],
    }
    for cmd in commands.values():  # warm the page cache and the bytecode
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    samples: dict[str, list[float]] = {k: [] for k in commands}
    for _ in range(args.runs):
        for name, cmd in commands.items():
            samples[name].append(_median(cmd, 1))
    med = {k: statistics.median(v) for k, v in samples.items()}
    print(f"runs: {args.runs}  load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for name in commands:
        print(f"{name:8s} {med[name] * 1000:7.0f} ms")
    print(f"help / bare:    {med['help'] / med['bare']:.2f}  (goal ≤ 1.3)")
    print(f"extract / bare: {med['extract'] / med['bare']:.2f}  (goal ≤ 1.8)")


if __name__ == "__main__":
    main()
