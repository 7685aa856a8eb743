"""Extraction throughput on one core over a generated corpus (MB/s and documents/s).

Usage: .venv/bin/python bench/bench_extract.py [--copies N] [--corpus DIR ...]
The corpus is the test fixtures plus any given folders, each document repeated
with small variations (shuffled paragraphs, shifted figures) so caches can't help.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import time
from pathlib import Path

from biopark.intel.extract import extract_document
from biopark.intel.types import RawDocument

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIRS = [ROOT / "tests" / "intel" / "fixtures", ROOT.parent / "shared" / "corpus" / "dev"]


def _variants(text: str, copies: int, rng: random.Random) -> list[str]:
    out = []
    paras = text.split("\n")
    for i in range(copies):
        body = paras[:]
        if len(body) > 6:
            mid = body[3:-3]
            rng.shuffle(mid)
            body = body[:3] + mid + body[-3:]
        bump = i % 7
        shifted = re.sub(r"\d+", lambda m, b=bump: str(int(m.group()) + b), "\n".join(body))
        out.append(shifted)
    return out


def main() -> None:
    """Generate the corpus, extract every document once, print the rates."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=60)
    ap.add_argument("--corpus", type=Path, nargs="*", default=DEFAULT_DIRS)
    args = ap.parse_args()
    rng = random.Random(7)
    docs: list[RawDocument] = []
    for folder in args.corpus:
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or path.suffix == ".json":
                continue
            data = path.read_bytes()
            if path.suffix in (".txt", ".md"):
                try:
                    texts = _variants(data.decode("utf-8"), args.copies, rng)
                except UnicodeDecodeError:
                    texts = []
                docs += [
                    RawDocument(path=f"{path}#{i}", data=t.encode()) for i, t in enumerate(texts)
                ]
            else:
                docs += [RawDocument(path=f"{path}#{i}", data=data) for i in range(args.copies)]
    # Load dictionaries and the libraries each kind of page needs outside the timed loop.
    firsts = {Path(d.path.split("#")[0]).suffix: d for d in reversed(docs)}
    for doc in firsts.values():
        extract_document(doc)
    size = sum(len(d.data) for d in docs)
    start, cpu_start = time.perf_counter(), time.process_time()
    for doc in docs:
        extract_document(doc)
    took, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    print(
        f"documents: {len(docs)}  bytes: {size / 1e6:.2f} MB  seconds: {took:.2f}  cpu: {cpu:.2f}"
    )
    print(f"throughput: {size / 1e6 / took:.2f} MB/s  {len(docs) / took:.0f} docs/s (one core)")
    # On a shared, busy machine wall time overstates the cost; CPU time is what we spend.
    print(f"cpu throughput: {size / 1e6 / cpu:.2f} MB/s per CPU-second (goal ≥ 1)")
    print("load average: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
