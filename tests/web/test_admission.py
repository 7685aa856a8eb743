"""Admission: at most `limit` requests run inside the application at once; the others wait
outside it (holding no thread or connection), and liveness never waits."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import anyio
import httpx
from starlette.types import Receive, Scope, Send

from biopark.web.middleware import Admission


class SlowApp:
    """Records how many requests are inside at once; /slow waits until it is released."""

    def __init__(self) -> None:
        self.inside = 0
        self.most = 0
        self.release = anyio.Event()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.inside += 1
        self.most = max(self.most, self.inside)
        try:
            if scope["path"] == "/slow":
                await self.release.wait()
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"ok"})
        finally:
            self.inside -= 1


def test_at_most_limit_requests_inside_and_liveness_skips_the_queue() -> None:
    async def main() -> None:
        inner = SlowApp()
        transport = httpx.ASGITransport(app=Admission(inner, limit=2))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            codes: list[int] = []

            async def get(path: str) -> None:
                codes.append((await client.get(path)).status_code)

            async with anyio.create_task_group() as tg:
                for _ in range(6):
                    tg.start_soon(get, "/slow")
                await anyio.sleep(0.2)
                assert inner.inside == 2  # four requests wait outside
                # Liveness answers while every slot is taken.
                with anyio.fail_after(2):
                    assert (await client.get("/healthz")).status_code == 200
                inner.release.set()
            assert codes == [200] * 6
            assert inner.most == 3  # two slow requests and the liveness probe

    # In a thread of its own: a browser test that ran earlier in this process keeps
    # Playwright's event loop running in the main thread, where anyio.run refuses to start.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(anyio.run, main).result()
