"""Score `biopark extract` on the generalisation fixtures with the shared scorer.

Usage: .venv/bin/python bench/eval_fixtures.py [--scorer PATH]
The fixtures (tests/intel/fixtures/gen) are articles in many styles; gold.json
holds what a reader would extract from them, in the scorer's gold format.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GEN = ROOT / "tests" / "intel" / "fixtures" / "gen"


def main() -> int:
    """Run the scorer over the fixtures and pass its exit status on."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--scorer", type=Path, default=ROOT.parent / "shared/eval/score_extract.py")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    if not args.scorer.exists():
        print(f"scorer not found: {args.scorer}")
        return 2
    cmd = [sys.executable, str(args.scorer), "--gold", str(GEN / "gold.json"), "--corpus", str(GEN)]
    cmd += ["--cmd", f"{ROOT / '.venv/bin/biopark'} extract"] + (
        ["--verbose"] if args.verbose else []
    )
    return subprocess.run(cmd, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
