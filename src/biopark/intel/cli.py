"""`biopark extract`: JSON Lines of extracted facts, one line per input file."""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import Progress, track
from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role, User
from biopark.config import get_settings
from biopark.db import session_scope
from biopark.errors import BioparkError
from biopark.intel.brief import to_html, to_markdown
from biopark.intel.extract import extract_document, to_json
from biopark.intel.fetch import Fetcher
from biopark.intel.index import Filters
from biopark.intel.models import STATUS_OK, IntelDocument
from biopark.intel.service.backends import open_backend
from biopark.intel.service.briefs import build_brief
from biopark.intel.service.ingest import (
    DUPLICATE,
    FAILED,
    NEW,
    IngestResult,
    feed_targets,
    ingest_many,
    reextract,
    walk,
)
from biopark.intel.service.search import index_path, parse_date, reindex, search
from biopark.intel.types import Extraction, RawDocument
from biopark.parks.models import Park

app = typer.Typer(help="Intelligence pipeline commands.", no_args_is_help=True)


def _read(path: Path) -> RawDocument | str:
    try:
        return RawDocument(path=str(path), data=path.read_bytes())
    except FileNotFoundError:
        return f"file not found: {path}"
    except IsADirectoryError:
        return f"is a directory, not a file: {path}"
    except OSError as exc:
        return f"cannot read {path}: {exc.strerror or exc}"


def extract_command(
    paths: list[Path] = typer.Argument(..., help="Text, markdown or HTML files to extract from."),
) -> None:
    """Print one JSON object per input file, in input order (bad files get an "error")."""
    out = sys.stdout
    for path in paths:
        raw = _read(path)
        if isinstance(raw, str):
            result = to_json(Extraction(path=str(path), document=None, error=raw))
        else:
            result = to_json(extract_document(raw))
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
        out.flush()


app.command("extract")(extract_command)


# --- Storage and service commands: `biopark intel ...` ---

console = Console(stderr=True)


def _park(session: Session, code: str | None) -> Park:
    if code:
        park = session.scalar(select(Park).where(Park.code == code))
        if park is None:
            raise typer.BadParameter(
                f"园区不存在 / no park with code {code!r}", param_hint="--park"
            )
        return park
    parks = list(session.scalars(select(Park).order_by(Park.id).limit(2)))
    if len(parks) != 1:
        raise typer.BadParameter(
            "请用 --park 指定园区 / choose a park with --park CODE", param_hint="--park"
        )
    return parks[0]


def _operator(park: Park) -> User:
    # The CLI runs as the installation's operator: an unsaved admin of the chosen park.
    return User(id=None, park_id=park.id, role=Role.admin, username="cli", display_name="cli")


def _index_dir() -> Path:
    return index_path(get_settings().var_dir)


def _expand(targets: list[str]) -> list[str]:
    out: list[str] = []
    for t in targets:
        if t.startswith(("http://", "https://")):
            out.append(t)
        else:
            out.extend(str(p) for p in walk(Path(t)))
    return out


INGEST_CHUNK = 20


@app.command("ingest")
def ingest_command(
    targets: list[str] = typer.Argument(None, help="Files, folders or http(s) URLs."),
    park: str | None = typer.Option(None, "--park", help="Park code (default: the only park)."),
    rss: list[str] = typer.Option([], "--rss", help="RSS/Atom feed URL; its articles are fetched."),
    rate: float = typer.Option(1.0, help="Seconds between requests to one host."),
    timeout: float = typer.Option(10.0, help="HTTP timeout in seconds."),
) -> None:
    """Store documents with their facts; identical content is skipped, bad inputs are recorded."""
    targets = list(targets or [])
    if not targets and not rss:
        raise typer.BadParameter("至少给出一个文件、目录、URL 或 --rss / give a path, URL or --rss")
    counts = {NEW: 0, DUPLICATE: 0, FAILED: 0}
    failures: list[IngestResult] = []
    new_ids: list[int] = []
    allow_private = get_settings().fetch_allow_private
    with Fetcher(min_interval=rate, timeout=timeout, allow_private=allow_private) as fetcher:
        with session_scope() as session:
            park_id = _park(session, park).id
            for feed in rss:
                targets += feed_targets(session, park_id=park_id, feed_url=feed, fetcher=fetcher)
        expanded = _expand(targets)
        with Progress(console=console) as progress:
            task = progress.add_task("ingest", total=len(expanded))

            def tick(result: IngestResult) -> None:
                counts[result.status] += 1
                if result.status == FAILED:
                    failures.append(result)
                elif result.status == NEW and result.document_id:
                    new_ids.append(result.document_id)
                progress.advance(task)

            # One short transaction per chunk: web writers are not blocked for the whole
            # run, and a killed run keeps its finished chunks; a re-run skips them as
            # duplicates of stored content. Each chunk is indexed as it commits
            # (intel/autoindex.py).
            for start in range(0, len(expanded), INGEST_CHUNK):
                with session_scope() as session:
                    ingest_many(
                        session,
                        park_id=park_id,
                        targets=expanded[start : start + INGEST_CHUNK],
                        fetcher=fetcher,
                        on_result=tick,
                    )
    console.print(
        f"新增 new: {counts[NEW]}  重复 duplicate: {counts[DUPLICATE]}  失败 failed: {counts[FAILED]}"
    )
    for f in failures:
        console.print(f"[red]✗[/red] {f.origin}: {f.error}", soft_wrap=True)


@app.command("reindex")
def reindex_command() -> None:
    """Rebuild the full-text index under var_dir/index from the database."""
    with session_scope() as session:
        n = reindex(session, path=_index_dir())
    console.print(f"已索引 indexed: {n}")


@app.command("reextract")
def reextract_command(
    park: str | None = typer.Option(None, "--park", help="Park code."),
) -> None:
    """Run the extractor again on every stored document; analysts' corrections are kept."""
    with session_scope() as session:
        the_park = _park(session, park)
        docs = list(
            session.scalars(
                select(IntelDocument).where(
                    IntelDocument.park_id == the_park.id, IntelDocument.status == STATUS_OK
                )
            )
        )
        for doc in track(docs, description="reextract", console=console):
            reextract(session, document=doc)
    console.print(f"已重新抽取 re-extracted: {len(docs)}")


@app.command("search")
def search_command(
    query: str = typer.Argument(..., help='Words to find, e.g. "创新药 临床".'),
    park: str | None = typer.Option(None, "--park", help="Park code."),
    date_from: str | None = typer.Option(None, "--from", help="Published on or after YYYY-MM-DD."),
    date_to: str | None = typer.Option(None, "--to", help="Published on or before YYYY-MM-DD."),
    source: str | None = typer.Option(None, help="Media name."),
    entity: str | None = typer.Option(None, help="Entity name mentioned."),
    event_type: str | None = typer.Option(None, "--event", help="Event type, e.g. licensing_deal."),
    unit: str | None = typer.Option(None, help="Metric unit, e.g. CNY."),
    limit: int = typer.Option(20, min=1, max=100),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Chinese full-text search over the park's documents and facts."""
    from biopark.intel.api import search_read
    from biopark.intel.schemas import SearchResultRead

    try:
        filters = Filters(
            date_from=parse_date(date_from, name="--from"),
            date_to=parse_date(date_to, name="--to"),
            source=source,
            entity=entity,
            event_type=event_type,
            unit=unit,
        )
    except BioparkError as exc:
        raise typer.BadParameter(exc.message) from exc
    with session_scope() as session:
        the_park = _park(session, park)
        result = search(
            session,
            user=_operator(the_park),
            query=query,
            filters=filters,
            index=open_backend(session, path=_index_dir()),
            limit=limit,
        )
        payload = SearchResultRead.model_validate(search_read(result)).model_dump(mode="json")
    if as_json:
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    out = Console()
    out.print(f"{len(payload['hits'])} 条结果 / hits for {query!r}")
    for n, hit in enumerate(payload["hits"], 1):
        doc = hit["document"]
        out.print(
            f"[bold]{n}. {doc['title']}[/bold]  {doc['source'] or ''} {doc['published_at'] or ''}"
        )
        out.print("   " + re.sub(r"</?mark>", "", html.unescape(hit["snippet"])))
        if len(hit["sources"]) > 1:
            out.print("   来源 sources: " + "，".join(s["source"] or "?" for s in hit["sources"]))


@app.command("brief")
def brief_command(
    topic: str = typer.Argument(..., help='Topic, e.g. "重庆国际生物城 创新药".'),
    park: str | None = typer.Option(None, "--park", help="Park code."),
    fmt: str = typer.Option("md", "--format", help="md or html."),
) -> None:
    """A themed brief with numbered citations, as Markdown (default) or HTML."""
    if fmt not in ("md", "html"):
        raise typer.BadParameter("md 或 html / md or html", param_hint="--format")
    with session_scope() as session:
        the_park = _park(session, park)
        brief = build_brief(
            session,
            user=_operator(the_park),
            topic=topic,
            index=open_backend(session, path=_index_dir()),
        )
    sys.stdout.write(to_markdown(brief) if fmt == "md" else to_html(brief))


@app.command("clusters")
def clusters_command(
    park: str | None = typer.Option(None, "--park", help="Park code."),
    min_size: int = typer.Option(2, "--min-size", min=1, help="Smallest cluster to show."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON array."),
) -> None:
    """Stories carried by several outlets, with every document of each (largest first)."""
    from biopark.intel.service.clusters import cluster_json, list_clusters

    with session_scope() as session:
        the_park = _park(session, park)
        found = list_clusters(session, user=_operator(the_park), min_size=min_size)
        payload = [cluster_json(c) for c in found]
        lines = [
            (c.id, c.size, [(d.source, d.published_at, d.title or d.origin) for d in c.documents])
            for c in found
        ]
    if as_json:
        sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
        return
    out = Console()
    out.print(f"{len(lines)} 个聚类 / clusters")
    for cid, size, docs in lines:
        out.print(f"[bold]#{cid}[/bold]  {size} 篇 / documents")
        for source, published, title in docs:
            out.print(f"   {source or '?'}  {published or ''}  {title}")
