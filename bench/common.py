"""What the benchmarks share: where results go (``KEFU_BENCH_RESULTS``, set by bench/run.py
for a small run, else bench/results)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def results_dir() -> Path:
    path = Path(os.environ.get("KEFU_BENCH_RESULTS") or ROOT / "bench" / "results")
    path.mkdir(parents=True, exist_ok=True)
    return path
