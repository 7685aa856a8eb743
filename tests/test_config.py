"""The generated secret key: one per installation, even when several workers start at once."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from biopark.config import Settings


def _key(var_dir: str, start: object) -> str:
    start.wait()  # type: ignore[attr-defined]
    return Settings(var_dir=Path(var_dir), secret_key="").resolved_secret_key()


def test_workers_starting_together_share_one_key(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    for trial in range(3):
        var_dir = tmp_path / str(trial)
        var_dir.mkdir()
        with ctx.Manager() as manager:
            start = manager.Barrier(4)
            with ctx.Pool(4) as pool:
                keys = pool.starmap(_key, [(str(var_dir), start)] * 4)
        assert len(set(keys)) == 1
        assert len(keys[0]) > 40
        assert (var_dir / "secret_key").read_text().strip() == keys[0]
        assert (var_dir / "secret_key").stat().st_mode & 0o077 == 0
        assert [p.name for p in var_dir.iterdir()] == ["secret_key"]
