"""Demo intelligence: a week of news at the demo park, written for biopark (not copied).

Three outlets repost one signing press release (one cluster), plus an IND
approval, a licensing deal and a policy/platform article.
"""

from __future__ import annotations

from importlib import resources

from sqlalchemy.orm import Session

from biopark.intel.service.ingest import Linker, ingest_bytes
from biopark.parks.models import Park


def articles() -> list[tuple[str, bytes]]:
    """(file name, bytes) of the bundled demo articles, in name order."""
    folder = resources.files("biopark.intel").joinpath("demo_articles")
    return sorted((entry.name, entry.read_bytes()) for entry in folder.iterdir() if entry.is_file())


def load(session: Session, *, park: Park) -> None:
    """Ingest the demo articles; identical bytes are skipped, so loading twice changes nothing."""
    linker = Linker.for_park(session, park_id=park.id)
    for name, data in articles():
        ingest_bytes(
            session,
            park_id=park.id,
            origin=f"demo:{name}",
            data=data,
            url=f"https://example.org/news/{name}",
            linker=linker,
        )
