"""Repost clusters through ingest (MinHash-LSH in the database) and `biopark intel clusters`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from biopark.accounts.models import Role
from biopark.cli import app
from biopark.db import session_scope
from biopark.errors import Forbidden, ValidationFailed
from biopark.intel.models import IntelDocumentBand, IntelDocumentSignature
from biopark.intel.service.clusters import list_clusters
from tests.builders import make_park, make_user
from tests.intel.builders import make_document
from tests.intel.reposts import STORIES, original, reposts
from tests.intel.test_cli_db import cli_env  # noqa: F401  (fixture)

runner = CliRunner()


def test_ingested_reposts_join_the_original_cluster_and_other_stories_stay_apart(session) -> None:
    park = make_park(session)
    story = STORIES[0]
    first = make_document(session, park, original(story).encode(), origin="a/original.txt")
    copies = [
        make_document(session, park, text.encode(), origin=f"a/repost{n}.txt")
        for n, text in enumerate(reposts(story))
    ]
    other = make_document(session, park, original(STORIES[3]).encode(), origin="d/original.txt")
    assert first.cluster_id == first.id
    assert [c.cluster_id for c in copies] == [first.id] * len(copies)
    assert other.cluster_id == other.id
    bands = session.scalar(select(func.count()).where(IntelDocumentBand.document_id == first.id))
    assert bands == 32
    sig = session.get(IntelDocumentSignature, first.id)
    assert sig is not None and len(sig.minhash) == 4 * 64 and sig.shingle_count
    assert sig.park_id == park.id


def test_clusters_of_another_park_are_not_listed_and_refusals(session) -> None:
    park, elsewhere = make_park(session), make_park(session)
    story = STORIES[1]
    for n, text in enumerate([original(story), *reposts(story)[:2]]):
        make_document(session, park, text.encode(), origin=f"b/{n}.txt")
    # The same story in another park never joins this park's cluster.
    make_document(session, elsewhere, original(story).encode(), origin="other/b.txt")
    analyst = make_user(session, park, Role.analyst)
    found = list_clusters(session, user=analyst)
    assert [c.size for c in found] == [3]
    assert {d.park_id for d in found[0].documents} == {park.id}
    assert list_clusters(session, user=analyst, min_size=4) == []
    with pytest.raises(ValidationFailed):
        list_clusters(session, user=analyst, min_size=0)
    with pytest.raises(Forbidden):
        list_clusters(session, user=make_user(session, park, Role.enterprise))


def test_cli_prints_one_json_array_of_clusters(cli_env: Path) -> None:  # noqa: F811
    from biopark.demo.service import load_demo

    with session_scope() as session:
        load_demo(session, password="cli-test-pass")
    folder = cli_env / "news"
    folder.mkdir()
    story = STORIES[2]
    for n, text in enumerate([original(story), *reposts(story)]):
        (folder / f"{n}.txt").write_text(text, encoding="utf-8")
    (folder / "other.txt").write_text(original(STORIES[4]), encoding="utf-8")
    result = runner.invoke(app, ["intel", "ingest", str(folder), "--park", "cq-biocity"])
    assert result.exit_code == 0, result.output
    out = runner.invoke(app, ["intel", "clusters", "--json", "--park", "cq-biocity"])
    assert out.exit_code == 0, out.output
    payload = json.loads(out.stdout)
    ours = [c for c in payload if any(d["origin"].startswith(str(folder)) for d in c["documents"])]
    assert len(ours) == 1
    cluster = ours[0]
    assert cluster["size"] == 6 == len(cluster["documents"])
    assert set(cluster["documents"][0]) == {"id", "origin", "title", "source", "published_at"}
    assert str(folder / "other.txt") not in {d["origin"] for d in cluster["documents"]}
    assert all(c["size"] >= 2 for c in payload)
    bad = runner.invoke(app, ["intel", "clusters", "--min-size", "0", "--park", "cq-biocity"])
    assert bad.exit_code != 0
