"""`biopark extract`: JSON Lines of extracted facts, one line per input file."""

from __future__ import annotations

import html
import json
import re
import sys
from datetime import date
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
from biopark.intel.bulk import ingest_paths
from biopark.intel.fetch import Fetcher
from biopark.intel.index import Filters
from biopark.intel.jsonl import extract_command
from biopark.intel.models import STATUS_OK, IntelDocument
from biopark.intel.parallel import default_jobs
from biopark.intel.service.backends import open_backend
from biopark.intel.service.briefs import build_brief
from biopark.intel.service.ingest import (
    DUPLICATE,
    FAILED,
    NEW,
    IngestResult,
    Linker,
    feed_targets,
    ingest_many,
    reextract,
    walk,
)
from biopark.intel.service.search import index_path, parse_date, reindex, search
from biopark.parks.models import Park

app = typer.Typer(help="Intelligence pipeline commands.", no_args_is_help=True)


@app.command("extract")
def extract(
    paths: list[Path] = typer.Argument(..., help="Text, markdown or HTML files to extract from."),
) -> None:
    """Print one JSON object per input file, in input order (bad files get an "error")."""
    extract_command(paths)


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
    jobs: int = typer.Option(
        0, "--jobs", min=0, max=256, help="Extraction processes (default 0: one per core)."
    ),
    chunk: int = typer.Option(
        INGEST_CHUNK, "--chunk", min=1, max=5000, help="Documents per committed transaction."
    ),
) -> None:
    """Store documents with their facts; identical content is skipped, bad inputs are recorded."""
    targets = list(targets or [])
    if not targets and not rss:
        raise typer.BadParameter("至少给出一个文件、目录、URL 或 --rss / give a path, URL or --rss")
    counts = {NEW: 0, DUPLICATE: 0, FAILED: 0}
    failures: list[IngestResult] = []
    allow_private = get_settings().fetch_allow_private
    with Fetcher(min_interval=rate, timeout=timeout, allow_private=allow_private) as fetcher:
        with session_scope() as session:
            park_id = _park(session, park).id
            linker = Linker.for_park(session, park_id=park_id)
            for feed in rss:
                targets += feed_targets(session, park_id=park_id, feed_url=feed, fetcher=fetcher)
        expanded = _expand(targets)
        urls = [t for t in expanded if t.startswith(("http://", "https://"))]
        files = [t for t in expanded if not t.startswith(("http://", "https://"))]
        with Progress(console=console) as progress:
            task = progress.add_task("ingest", total=len(expanded))

            def tick(result: IngestResult) -> None:
                counts[result.status] += 1
                if result.status == FAILED:
                    failures.append(result)
                progress.advance(task)

            # One short transaction per chunk: web writers are not blocked for the whole
            # run, and a killed run keeps its finished chunks; a re-run skips them as
            # duplicates of stored content. Workers extract the next chunks meanwhile; each
            # chunk is indexed as it commits (intel/autoindex.py).
            def chunk_done(results: list[IngestResult]) -> None:
                for result in results:
                    tick(result)

            ingest_paths(
                files,
                park_id=park_id,
                linker=linker,
                jobs=jobs or default_jobs(),
                chunk=chunk,
                on_chunk=chunk_done,
            )
            for start in range(0, len(urls), chunk):
                with session_scope() as session:
                    ingest_many(
                        session,
                        park_id=park_id,
                        targets=urls[start : start + chunk],
                        fetcher=fetcher,
                        on_result=tick,
                    )
    console.print(
        f"新增 new: {counts[NEW]}  重复 duplicate: {counts[DUPLICATE]}  失败 failed: {counts[FAILED]}"
    )
    for f in failures:
        console.print(f"[red]✗[/red] {f.origin}: {f.error}", soft_wrap=True)


@app.command("enqueue")
def enqueue_command(
    targets: list[str] = typer.Argument(..., help="Files or folders to ingest."),
    as_user: str = typer.Option(..., "--as", help="Username the tasks run as (analyst or admin)."),
    park: str | None = typer.Option(None, "--park", help="Park code (default: the only park)."),
    chunk: int = typer.Option(50, "--chunk", min=1, max=50, help="Files per background task."),
) -> None:
    """Queue the files as background tasks of at most --chunk files each; every
    `biopark worker` on any machine that shares the database, the queue and var/uploads
    takes tasks from the queue, so ingest spreads over all of them. Progress: /jobs/tasks."""
    from biopark.jobs import queue, tasks

    files = [t for t in _expand(targets) if not t.startswith(("http://", "https://"))]
    if not files:
        raise typer.BadParameter("没有可读取的文件 / no files found", param_hint="TARGETS")
    var_dir = get_settings().var_dir
    ids: list[int] = []
    with session_scope() as session:
        the_park = _park(session, park)
        user = session.scalar(
            select(User).where(User.park_id == the_park.id, User.username == as_user)
        )
        if user is None or not user.active:
            raise typer.BadParameter(
                f"本园区没有启用的用户 {as_user!r} / no active user {as_user!r} in the park",
                param_hint="--as",
            )
        try:
            # Everything is checked before the first task is written: no orphaned uploads.
            tasks.get_kind("intel_batch").check(user)
            for f in files:
                size = Path(f).stat().st_size
                if size == 0 or size > tasks.MAX_FILE_BYTES:
                    raise BioparkError(
                        f"文件为空或超过 5 MB：{f}", en=f"File empty or over 5 MB: {f}"
                    )
            for start in range(0, len(files), chunk):
                part = [(Path(f).name, Path(f).read_bytes()) for f in files[start : start + chunk]]
                task = tasks.submit(
                    session, user=user, kind="intel_batch", files=part, var_dir=var_dir
                )
                ids.append(task.id)
        except BioparkError as exc:
            console.print(f"[red]{exc.message} / {exc.en}[/red]")
            raise typer.Exit(1) from None
    # After the commit: a worker never looks for a task record that is not there yet.
    for task_id in ids:
        queue.enqueue_task(task_id)
    console.print(f"已排队 queued: {len(files)} 个文件 files in {len(ids)} 个任务 tasks")
    for task_id in ids:
        print(f"/jobs/tasks/{task_id}")


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
    lang: str = typer.Option("zh", "--lang", help="zh or en."),
    date_from: str | None = typer.Option(None, "--from", help="First day, YYYY-MM-DD."),
    date_to: str | None = typer.Option(None, "--to", help="Last day, YYYY-MM-DD."),
) -> None:
    """A brief with a lead, a time window and ranked points with citations (Markdown or HTML)."""
    if fmt not in ("md", "html"):
        raise typer.BadParameter("md 或 html / md or html", param_hint="--format")
    if lang not in ("zh", "en"):
        raise typer.BadParameter("zh 或 en / zh or en", param_hint="--lang")
    window = []
    for value, hint in ((date_from, "--from"), (date_to, "--to")):
        try:
            window.append(date.fromisoformat(value) if value else None)
        except ValueError as exc:
            raise typer.BadParameter("日期格式应为 YYYY-MM-DD", param_hint=hint) from exc
    with session_scope() as session:
        the_park = _park(session, park)
        brief = build_brief(
            session,
            user=_operator(the_park),
            topic=topic,
            filters=Filters(date_from=window[0], date_to=window[1]),
            index=open_backend(session, path=_index_dir()),
            lang=lang,
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
