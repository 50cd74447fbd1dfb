"""The client's side of a push alone: a backlog captured on a laptop, then pushed to a stand-in
server in this process (httpx.MockTransport) that answers every operation "applied" at once.

What it measures is what the laptop spends, without a real server's wait and without other
engineers' load on PostgreSQL: the capture's cost per operation (the backlog's making, the
same path as bench/sync_data.py), and the CPU of the push loop (reading pages, recording the
answers, commits) with the stand-in's own CPU taken out.

    .venv/bin/python -m bench.outbox_bench --ops 100000
    .venv/bin/python -m bench.outbox_bench --ops 100000 --profile /tmp/outbox.prof
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson

from bench import sync_data
from compliance_desk.bootstrap import open_desk
from compliance_desk.sync import client as sync_client
from compliance_desk.sync import replica


class StandIn:
    """A server that answers at once: every pushed operation applied."""

    def __init__(self) -> None:
        self.cpu = 0.0  # the stand-in's own CPU (parsing the pages), taken out of the client's
        self.pushed = 0
        self._lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        started = time.thread_time()
        if request.url.path == "/v1/handshake":
            body: dict[str, Any] = {
                "server_time": datetime.now(UTC).isoformat(), "server_epoch": "bench",
                "max_push": 20_000, "max_pull": 10_000, "pull_pending": False,
            }  # fmt: skip
        elif request.url.path == "/v1/push":
            ops = orjson.loads(request.read())["ops"]
            self.pushed += len(ops)
            body = {"results": [{"op_id": o["id"], "status": "applied"} for o in ops]}
        else:
            return httpx.Response(404, json={"error": "not_found"})
        answer = httpx.Response(200, content=orjson.dumps(body))
        with self._lock:
            self.cpu += time.thread_time() - started
        return answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ops", type=int, default=100_000)
    parser.add_argument("--profile", metavar="OUT", help="cProfile (thread CPU) of the push")
    parser.add_argument("--keep", type=Path, help="a backlog file made before (copied, reused)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cd-outbox-bench-"))
    try:
        path = work / "laptop.sqlite3"
        made_s = None
        if args.keep is not None and args.keep.exists():
            shutil.copy(args.keep, path)
            desk = open_desk(f"sqlite:///{path}")
            made = args.ops
        else:
            desk = open_desk(f"sqlite:///{path}")
            started = time.perf_counter()
            cpu = time.process_time()
            made = sync_data.make_backlog(desk, args.ops, seed=101)
            made_s = (time.perf_counter() - started, time.process_time() - cpu)
            if args.keep is not None:
                desk.ctx.engine.dispose()
                shutil.copy(path, args.keep)
        with desk.ctx.factory() as session:
            replica.set_setting(session, sync_client.TOKEN, "bench")
            replica.set_setting(session, sync_client.EPOCH, "bench")
            session.commit()
        stand_in = StandIn()

        def http(url: str) -> httpx.Client:
            return httpx.Client(base_url=url, transport=httpx.MockTransport(stand_in))

        service = sync_client.SyncService(desk.ctx, http)
        push = lambda: service.sync_once("http://stand-in", pull=False)  # noqa: E731
        started = time.perf_counter()
        cpu = time.process_time()
        if args.profile:
            import cProfile

            # The main thread's CPU, not its wall time: the stand-in parses pages in the sender
            # thread of this process, and the GIL waits it causes are not the client's work.
            profiler = cProfile.Profile(time.thread_time)
            report = profiler.runcall(push)
            profiler.dump_stats(args.profile)
        else:
            report = push()
        wall = time.perf_counter() - started
        client_cpu = time.process_time() - cpu - stand_in.cpu
        if made_s is not None:
            print(f"backlog of {made:,} operations made in {made_s[0]:.1f} s "
                  f"(CPU {made_s[1]:.1f} s, {made_s[1] / made * 1e6:.0f} us/op)")  # fmt: skip
        print(f"pushed {report.pushed:,} (applied {report.applied:,}, waiting {report.waiting}) "
              f"in {wall:.2f} s; client CPU {client_cpu:.2f} s "
              f"({client_cpu / max(report.pushed, 1) * 1e6:.1f} us/op), stand-in CPU "
              f"{stand_in.cpu:.2f} s; load {os.getloadavg()[0]:.1f}")  # fmt: skip
        desk.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
