"""Sync speed (issue 6), against PostgreSQL on loopback and the real server process over HTTP.

    .venv/bin/python -m bench.sync_bench            # the targets (builds its databases once)
    .venv/bin/python -m bench.sync_bench --quick    # a smoke run: small sizes, nothing kept

1. A sync with nothing to do: servers of 10,000 and 1,000,000 appeals, a fresh laptop and a
   laptop holding the appeal-log benchmark's 1,000,000 appeals; target under 50 ms each.
2. A backlog of N operations (default 100,000) pushed by one laptop and pulled by another,
   against a raw ``COPY`` of the same rows into tables of the same definition, measured in the
   same run; target: each at least a third of COPY's rows per second.
3. The event loop of a QApplication while a TaskRunner (gui/tasks.py) runs a laptop's sync of
   its own backlog of N operations (push, then pull): a 5 ms QTimer notes every gap; target:
   no gap over 50 ms.

Prints the figures and exits non-zero when a target is missed.
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import sync_data, sync_pg
from bench.sync_server import ServerProcess, laptop
from compliance_desk.sync import wal_checkpoint

IDLE_TARGET_MS = 50.0
THROUGHPUT_RATIO = 1 / 3
STALL_TARGET_MS = 50.0


def _ms(seconds: float) -> float:
    return seconds * 1000


def idle_syncs(sync: Callable[[], Any], rounds: int) -> dict[str, float]:
    sync()  # the first one may still pull what the cursor did not cover
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        report = sync()
        times.append(_ms(time.perf_counter() - started))
        assert report.pushed == 0 and report.pulled == 0, report
    ordered = sorted(times)
    return {
        "median": statistics.median(times),
        "p95": ordered[max(0, round(0.95 * (len(ordered) - 1)))],
        "max": ordered[-1],
    }


def health(server: ServerProcess, rounds: int) -> dict[str, float]:
    """The floor on this machine now: one HTTP round trip to the same server process, by a new
    client made the way the app makes one (the certificate store loaded once per process)."""
    from compliance_desk.sync.client import default_http

    class Done:
        pushed = pulled = 0

    def call() -> Done:
        with default_http(server.url) as client:
            client.get("/health").raise_for_status()
        return Done()

    return idle_syncs(call, rounds)


def measure_idle(
    pg: Any, appeals: int, base: int, work: Path, rounds: int, big_laptop: bool
) -> list[tuple[str, dict[str, float]]]:
    url = sync_data.server_database(pg, appeals, base)
    sizes = sync_data.counts(url)
    out = []
    with ServerProcess(url, work / "server.log") as server:
        top = sync_data.server_top(url)
        desk, service = laptop(work / f"idle-{appeals}.sqlite3", server, "idle")
        sync_data.set_cursor(desk, top)
        label = f"server {sizes['appeal']:,} appeals ({sizes['sync_change']:,} changes logged)"
        out.append((f"{label}: baseline, GET /health on a new connection", health(server, rounds)))
        out.append((f"{label}, fresh laptop", idle_syncs(service.sync_once, rounds)))
        desk.close()
        if big_laptop:
            from compliance_desk.bootstrap import open_desk
            from compliance_desk.sync.client import SyncService

            path = sync_data.big_laptop_file()
            desk = open_desk(f"sqlite:///{path}")
            service = SyncService(desk.ctx)
            service.enrol(server.url, "admin", "Admin2026", "big laptop")
            sync_data.set_cursor(desk, top)
            out.append((f"{label}, laptop with 1,000,000 appeals",
                        idle_syncs(service.sync_once, rounds)))  # fmt: skip
            desk.close()
    return out


def copy_baseline(url: str, since: int) -> tuple[int, float, float]:
    """COPY the rows the backlog wrote on the server into empty tables of the same definition:
    rows, seconds into bare copies (``LIKE .. INCLUDING ALL``: indexes, no foreign keys; the
    target's measure), and seconds into copies with the tables' foreign keys as well (each row
    checked as the real tables check it: a second figure, for comparison)."""
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    rows = 0
    tables = ("enterprise", "visit", "audit_entry")
    with psycopg.connect(dsn) as c:
        buffers = []
        for table in tables:
            data = io.BytesIO()
            query = (
                f"COPY (SELECT t.* FROM {table} t JOIN sync_change s ON s.row_id = t.id "
                f"WHERE s.seq > {since}) TO STDOUT"
            )
            with c.cursor().copy(query) as copy:  # type: ignore[arg-type]
                for block in copy:
                    data.write(block)
            buffers.append((table, data.getvalue()))
            rows += int(
                c.execute(
                    f"SELECT count(*) FROM {table} t JOIN sync_change s ON s.row_id = t.id "  # type: ignore[arg-type]
                    f"WHERE s.seq > {since}"
                ).fetchone()[0]  # type: ignore[index]
            )
        c.commit()
        seconds = [_copied(c, buffers, keys) for keys in (False, True)]
    return rows, seconds[0], seconds[1]


def _copied(c: Any, buffers: list[tuple[str, bytes]], foreign_keys: bool) -> float:
    """Seconds to COPY ``buffers`` into fresh copies of their tables (dropped after)."""
    for table, _data in buffers:
        c.execute(f"DROP TABLE IF EXISTS bench_copy_{table}")
        c.execute(f"CREATE TABLE bench_copy_{table} (LIKE {table} INCLUDING ALL)")
        if foreign_keys:  # as the table has them (the parents: the real tables)
            for (definition,) in c.execute(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                f"WHERE conrelid = '{table}'::regclass AND contype = 'f'"  # type: ignore[arg-type]
            ).fetchall():
                c.execute(f"ALTER TABLE bench_copy_{table} ADD {definition}")
    c.commit()
    started = time.perf_counter()
    for table, data in buffers:
        with c.cursor().copy(f"COPY bench_copy_{table} FROM STDIN") as copy:  # type: ignore[arg-type]
            copy.write(data)
    c.commit()
    elapsed = time.perf_counter() - started
    for table, _data in buffers:
        c.execute(f"DROP TABLE bench_copy_{table}")
    c.commit()
    return float(elapsed)


def _cpu(pid: int) -> float:
    """A process's CPU seconds so far (Linux /proc; 0 elsewhere): wall time on a shared machine
    says more about the other engineers' load than about this code."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pg_cpu(pg: Any) -> float:
    """CPU seconds so far of the PostgreSQL cluster's processes (the postmaster's children)."""
    try:
        postmaster = int((Path(pg.root) / "data" / "postmaster.pid").read_text().split()[0])
        children = Path(f"/proc/{postmaster}/task/{postmaster}/children").read_text().split()
    except (OSError, ValueError, AttributeError):
        return 0.0
    return sum(_cpu(int(pid)) for pid in children)


def _pg_cpu(pg: Any) -> dict[int, float]:
    """CPU seconds of the cluster's postmaster and each of its children alive now, by pid."""
    try:
        top = int((pg.root / "data" / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError):
        return {}
    out = {top: _cpu(top)}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == top:
                out[int(entry.name)] = _cpu(int(entry.name))
    return out


def timed(
    run: Callable[[], Any], server: ServerProcess, pg: Any = None
) -> tuple[Any, float, float, float]:
    """``run()``'s result, wall seconds, this process's and the server's CPU seconds.  With
    ``pg``, the cluster's CPU during the run is printed too (its processes alive at the end)."""
    wall, mine, theirs = time.perf_counter(), time.process_time(), _cpu(server.process.pid)
    before = _pg_cpu(pg) if pg is not None else {}
    result = run()
    if pg is not None:
        after = _pg_cpu(pg)
        used = sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())
        sync_data._say(f"PostgreSQL's CPU during it: {used:.1f} s")
    return (result, time.perf_counter() - wall, time.process_time() - mine,
            _cpu(server.process.pid) - theirs)  # fmt: skip


def _profiled_pull(run: Callable[[], Any], server: ServerProcess, into: Path | None) -> Any:
    """``run()``, under cProfile (the client, ``into``/pull-client.prof) and py-spy (the server
    process, ``into``/pull-server.txt, collapsed stacks) when ``into`` is given."""
    if into is None:
        return run()
    import cProfile
    import shutil
    import subprocess

    into.mkdir(parents=True, exist_ok=True)
    spy = None
    if shutil.which("py-spy"):
        spy = subprocess.Popen(
            ["py-spy", "record", "--pid", str(server.process.pid), "--format", "raw",
             "--rate", "200", "-o", str(into / "pull-server.txt")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(1.0)  # py-spy attaches
    profile = cProfile.Profile()
    try:
        return profile.runcall(run)
    finally:
        profile.dump_stats(into / "pull-client.prof")
        if spy is not None:
            spy.send_signal(2)  # SIGINT: py-spy writes its file and exits
            spy.wait(timeout=60)


def measure_backlog(
    pg: Any,
    base: int,
    work: Path,
    ops: int,
    push_only: bool = False,
    profile: str | None = None,
    stalls: bool = True,
    profile_pull: Path | None = None,
    centre: str | None = None,
    interleaved: bool = False,
) -> dict[str, Any]:
    sync_data.server_database(pg, base, base)
    url = sync_pg.create_database(pg, "backlog", template=f"appeals_{base}")
    with ServerProcess(url, work / "server.log") as server:
        top = sync_data.server_top(url)
        desk_a, pusher = laptop(work / "push.sqlite3", server, "push", centre)
        desk_b, puller = laptop(work / "pull.sqlite3", server, "pull", centre)
        sync_data.set_cursor(desk_a, top)
        sync_data.set_cursor(desk_b, top)
        started = time.perf_counter()
        made = sync_data.make_backlog(desk_a, ops, seed=101, centre=centre)
        if interleaved:
            sync_data.interleave(desk_a)
        sync_data._say(
            f"backlog of {made:,} operations made in {time.perf_counter() - started:.0f} s"
        )
        push = lambda: pusher.sync_once(pull=False)  # noqa: E731
        if profile:  # the client under cProfile, the server under py-spy (if installed)
            push = _profiled(push, profile, server)
        pg_before = pg_cpu(pg)  # backends that end during the push are not counted
        pushed, push_s, push_client, push_server = timed(push, server)
        push_pg = pg_cpu(pg) - pg_before
        sync_data._say(f"pushed {pushed.pushed:,} in {push_s:.1f} s (CPU: client "
                       f"{push_client:.1f} s, server {push_server:.1f} s, PostgreSQL {push_pg:.1f} s; "
                       f"load {os.getloadavg()[0]:.1f})")  # fmt: skip
        if push_only:
            pulled, pull_s, pull_client, pull_server = None, 0.0, 0.0, 0.0
            checkpoint_s = 0.0
        else:
            pulled, pull_s, pull_client, pull_server = timed(
                lambda: _profiled_pull(lambda: puller.sync_once(push=False), server, profile_pull),
                server,
                pg,
            )
            waited = time.perf_counter()
            wal_checkpoint.wait()  # the file's checkpoint after the pull: not during COPY's
            checkpoint_s = time.perf_counter() - waited
            sync_data._say(f"pulled {pulled.pulled:,} in {pull_s:.1f} s (CPU: client "
                           f"{pull_client:.1f} s, server {pull_server:.1f} s; load {os.getloadavg()[0]:.1f}); "
                           f"its file's checkpoint, on a thread of its own, ended {checkpoint_s:.2f} s later")  # fmt: skip
        copied, copy_s, copy_fk_s = copy_baseline(url, top)
        stall = None if push_only or not stalls else measure_stalls(work, server, url, ops)
        desk_a.close()
        desk_b.close()
    return {
        "made": made, "pushed": pushed, "push_s": push_s, "pulled": pulled, "pull_s": pull_s,
        "copied": copied, "copy_s": copy_s, "copy_fk_s": copy_fk_s, "stall": stall,
        "checkpoint_s": checkpoint_s,
        "cpu": {"push": (push_client, push_server), "pull": (pull_client, pull_server)},
        "push_pg_cpu": push_pg,
    }  # fmt: skip


def _profiled(run: Callable[[], Any], out: str, server: ServerProcess) -> Callable[[], Any]:
    """``run`` with cProfile on (written to OUT.client.prof) and py-spy recording the server
    process (OUT.server.txt, collapsed stacks), when py-spy is on the PATH of this venv."""
    import cProfile
    import shutil
    import subprocess

    def go() -> Any:
        spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
        recorder = None
        if Path(spy).exists():
            recorder = subprocess.Popen([spy, "record", "--pid", str(server.process.pid),
                                         "--format", "raw", "--rate", "200", "--nonblocking", "--gil",
                                         "-o", f"{out}.server.txt"])  # fmt: skip
            time.sleep(1.0)
        profiler = cProfile.Profile()
        try:
            return profiler.runcall(run)
        finally:
            profiler.dump_stats(f"{out}.client.prof")
            if recorder is not None:
                recorder.send_signal(2)
                recorder.wait(timeout=60)

    return go


class _StackSampler:
    """SYNC_BENCH_TRACE_STALLS=1: every 2 ms, where the other threads are (their innermost
    frames); after the run, the samples around each long gap of the GUI thread's timer.  A
    thread holding the GIL through a gap shows as the last sample before it and the first
    after it (the sampler waits for the GIL like the GUI thread)."""

    def __init__(self) -> None:
        import threading

        self.samples: list[tuple[float, str]] = []
        self._stop = threading.Event()
        self._me = threading.get_ident()
        self._main = threading.main_thread().ident
        self.collections: list[tuple[float, float, int, int]] = []  # start, end, gen, objects
        self._began = 0.0
        gc.callbacks.append(self._collector)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _collector(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.collections.append(
                (self._began, time.perf_counter(), info["generation"], info["collected"])
            )

    def _run(self) -> None:
        import sys
        import traceback

        while not self._stop.wait(0.002):
            now = time.perf_counter()
            where = []
            for ident, frame in sys._current_frames().items():
                if ident in (self._me, self._main):
                    continue
                stack = traceback.extract_stack(frame)[-4:]
                where.append(
                    " < ".join(
                        f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(stack)
                    )
                )
            self.samples.append((now, " || ".join(where)))

    def stop(self) -> None:
        gc.callbacks.remove(self._collector)
        self._stop.set()
        self._thread.join()

    def explain(self, ticks: list[float], over_ms: float) -> None:
        import bisect

        times = [t for t, _ in self.samples]
        for a, b in zip(ticks, ticks[1:], strict=False):
            if (b - a) * 1000 < over_ms:
                continue
            print(f"gap {(b - a) * 1000:.1f} ms at {a - ticks[0]:.2f} s:")
            lo = bisect.bisect_left(times, a) - 1
            hi = bisect.bisect_right(times, b) + 1
            for t, where in self.samples[max(lo, 0) : hi]:
                print(f"   {(t - a) * 1000:7.1f} ms  {where[:400]}")
            for began, ended, generation, collected in self.collections:
                if ended > a and began < b:
                    print(f"   collection of generation {generation}: {(began - a) * 1000:.1f} "
                          f"to {(ended - a) * 1000:.1f} ms, {collected} collected")  # fmt: skip


def measure_stalls(work: Path, server: ServerProcess, url: str, ops: int) -> dict[str, Any]:
    """The GUI thread's gaps while the task runner syncs a backlog of ``ops`` operations."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, QTimer
    from PySide6.QtWidgets import QApplication

    from compliance_desk.gui.tasks import TaskRunner

    desk, service = laptop(work / "window.sqlite3", server, "window")
    sync_data.make_backlog(desk, ops, seed=202)
    sync_data.set_cursor(desk, sync_data.server_top(url))
    app = QApplication.instance() or QApplication([])
    runner = TaskRunner()
    ticks: list[float] = []
    outcome: dict[str, Any] = {}
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))

    def finish(value: Any) -> None:
        outcome["value"] = value
        QCoreApplication.exit(0)

    def fail(exc: BaseException) -> None:
        outcome["error"] = exc
        QCoreApplication.exit(1)

    # The baseline: the same loop and timer for a few seconds with nothing running (on a
    # shared machine the scheduler alone makes gaps; they are not the sync's).
    timer.start()
    ticks.append(time.perf_counter())
    QTimer.singleShot(3000, lambda: QCoreApplication.exit(0))
    app.exec()
    idle_gaps = [_ms(b - a) for a, b in zip(ticks, ticks[1:], strict=False)]
    ticks.clear()
    tracer = _StackSampler() if os.environ.get("SYNC_BENCH_TRACE_STALLS") else None
    started = time.perf_counter()
    ticks.append(time.perf_counter())
    runner.run(service.sync_once, finish, fail)
    app.exec()
    timer.stop()
    if tracer is not None:
        tracer.stop()
        tracer.explain(ticks, STALL_TARGET_MS * 0.8)
    elapsed = time.perf_counter() - started
    runner.shutdown()
    desk.close()
    if "error" in outcome:
        raise outcome["error"]
    gaps = [_ms(b - a) for a, b in zip(ticks, ticks[1:], strict=False)]
    worst = max(range(len(gaps)), key=gaps.__getitem__) if gaps else 0
    report = outcome["value"]
    return {
        "seconds": elapsed,
        "pushed": report.pushed,
        "pulled": report.pulled,
        "max_gap": max(gaps, default=0.0),
        "worst_at": ticks[worst] - started if gaps else 0.0,
        "p99_gap": sorted(gaps)[int(0.99 * (len(gaps) - 1))] if gaps else 0.0,
        "over": sum(1 for g in gaps if g > STALL_TARGET_MS),
        "ticks": len(gaps),
        "idle_max_gap": max(idle_gaps, default=0.0),
        "idle_over": sum(1 for g in idle_gaps if g > STALL_TARGET_MS),
        "idle_ticks": len(idle_gaps),
    }


def stall_only(pg: Any, base: int, work: Path, ops: int) -> int:
    sync_data.server_database(pg, base, base)
    url = sync_pg.create_database(pg, "backlog", template=f"appeals_{base}")
    with ServerProcess(url, work / "server.log") as server:
        stall = measure_stalls(work, server, url, ops)
    print_stall(stall)
    return 0 if stall["max_gap"] <= STALL_TARGET_MS else 1


def print_stall(stall: dict[str, Any]) -> None:
    met = stall["max_gap"] <= STALL_TARGET_MS
    print(f"\nThe event loop during a sync in the task runner ({stall['pushed']:,} pushed, "
          f"{stall['pulled']:,} pulled, {stall['seconds']:.1f} s): longest gap "
          f"{stall['max_gap']:.1f} ms, p99 {stall['p99_gap']:.1f} ms, {stall['over']} of "
          f"{stall['ticks']} over {STALL_TARGET_MS:.0f} ms (the longest {stall['worst_at']:.1f} s "
          f"in)  {'met' if met else 'NOT MET'}")  # fmt: skip
    print(f"  the same loop with nothing running, 3 s: longest gap {stall['idle_max_gap']:.1f} ms, "
          f"{stall['idle_over']} of {stall['idle_ticks']} over {STALL_TARGET_MS:.0f} ms")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a throw-away server")
    parser.add_argument("--ops", type=int, default=None, help="backlog size (default 100,000)")
    parser.add_argument("--rounds", type=int, default=None, help="idle syncs timed per case")
    parser.add_argument("--no-million", action="store_true", help="skip the 1,000,000 cases")
    parser.add_argument(
        "--idle-only", action="store_true", help="only the syncs with nothing to do"
    )
    parser.add_argument("--stall-only", action="store_true", help="only the event loop's stalls")
    parser.add_argument("--no-big-laptop", action="store_true", help="skip the 1,000,000 laptop")
    parser.add_argument(
        "--push-only", action="store_true", help="only the backlog's push and its COPY baseline"
    )
    parser.add_argument(
        "--profile", metavar="OUT", help="with --push-only: cProfile the client, py-spy the server"
    )
    parser.add_argument(
        "--backlog-only", action="store_true",
        help="only the backlog's push, pull and COPY (no idle syncs, no stall run)",
    )  # fmt: skip
    parser.add_argument(
        "--centre", default=None, metavar="CODE",
        help="the backlog's laptops enrolled for one centre (umbrella or game), its data that "
        "centre's, as an inspector's laptop is; default: an administrator's, every centre",
    )  # fmt: skip
    parser.add_argument(
        "--interleaved", action="store_true",
        help="the backlog in a clerk's order: each record followed by its audit entry",
    )  # fmt: skip
    parser.add_argument(
        "--profile-pull", type=Path, default=None, metavar="DIR",
        help="profile the pull: cProfile of the client, py-spy of the server (if installed)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    quick = args.quick
    ops = args.ops or (2_000 if quick else 100_000)
    rounds = args.rounds or (10 if quick else 30)
    base = 500 if quick else sync_data.BASE_APPEALS
    pg = sync_pg.throwaway() if quick else sync_pg.kept()
    ok = True
    try:
        with tempfile.TemporaryDirectory(prefix="cd-sync-bench-") as tmp:
            work = Path(tmp)
            if args.stall_only:
                return stall_only(pg, base, work, ops)
            if args.push_only:
                backlog = measure_backlog(
                    pg, base, work, ops, True, args.profile, centre=args.centre,
                    interleaved=args.interleaved,
                )  # fmt: skip
                return print_push(backlog)
            if args.backlog_only:
                backlog = measure_backlog(
                    pg, base, work, ops, stalls=False, profile_pull=args.profile_pull,
                    centre=args.centre, interleaved=args.interleaved,
                )  # fmt: skip
                return print_backlog(backlog, ok)
            idle = measure_idle(pg, base, base, work, rounds, big_laptop=False)
            if not quick and not args.no_million:
                big = not args.no_big_laptop
                idle += measure_idle(pg, 100 * base, base, work, rounds, big_laptop=big)
            print("\nA sync with nothing to do (handshake, push, pull), ms:")
            for label, figures in idle:
                met = figures["p95"] < IDLE_TARGET_MS
                ok &= met or "baseline" in label
                print(f"  {label}: median {figures['median']:.1f}, p95 {figures['p95']:.1f}, "
                      f"max {figures['max']:.1f}  {'met' if met else 'NOT MET'}")  # fmt: skip
            if args.idle_only:
                return 0 if ok else 1
            backlog = measure_backlog(pg, base, work, ops, profile_pull=args.profile_pull)
    finally:
        pg.stop()
    return print_backlog(backlog, ok)


def print_backlog(backlog: dict[str, Any], ok: bool) -> int:
    copy_rate = backlog["copied"] / backlog["copy_s"]
    print(
        f"\nA backlog of {backlog['made']:,} operations (load average now "
        f"{os.getloadavg()[0]:.1f}):"
    )
    print(f"  COPY of the same {backlog['copied']:,} rows: {backlog['copy_s']:.2f} s "
          f"({copy_rate:,.0f} rows/s)")  # fmt: skip
    for what, count, seconds in (
        ("push", backlog["pushed"].pushed, backlog["push_s"]),
        ("pull", backlog["pulled"].pulled, backlog["pull_s"]),
    ):
        rate = count / seconds
        met = rate >= THROUGHPUT_RATIO * copy_rate
        ok &= met
        client, server_cpu = backlog["cpu"][what]
        after = (f"; its file's checkpoint (own thread) ended {backlog['checkpoint_s']:.2f} s later"
                 if what == "pull" else "")  # fmt: skip
        print(f"  {what}: {count:,} in {seconds:.1f} s ({rate:,.0f}/s, "
              f"{rate / copy_rate:.2f} of COPY)  {'met' if met else 'NOT MET'}; CPU: client "
              f"{client:.1f} s, server {server_cpu:.1f} s{after}")  # fmt: skip
    fk_rate = backlog["copied"] / backlog["copy_fk_s"]
    print(f"  (COPY into tables with their foreign keys as well: {backlog['copy_fk_s']:.2f} s; "
          f"push {backlog['pushed'].pushed / backlog['push_s'] / fk_rate:.2f}, pull "
          f"{backlog['pulled'].pulled / backlog['pull_s'] / fk_rate:.2f} of that)")  # fmt: skip
    stall = backlog["stall"]
    if stall is not None:
        ok &= stall["max_gap"] <= STALL_TARGET_MS
        print_stall(stall)
    return 0 if ok else 1


def print_push(backlog: dict[str, Any]) -> int:
    copy_rate = backlog["copied"] / backlog["copy_s"]
    count, seconds = backlog["pushed"].pushed, backlog["push_s"]
    rate = count / seconds
    client, server_cpu = backlog["cpu"]["push"]
    met = rate >= THROUGHPUT_RATIO * copy_rate
    print(f"\nCOPY of the same {backlog['copied']:,} rows: {backlog['copy_s']:.2f} s "
          f"({copy_rate:,.0f} rows/s); push: {count:,} in {seconds:.1f} s ({rate:,.0f}/s, "
          f"{rate / copy_rate:.3f} of COPY) {'met' if met else 'NOT MET'}; CPU: client "
          f"{client:.2f} s, server {server_cpu:.2f} s, PostgreSQL {backlog['push_pg_cpu']:.2f} s; "
          f"load {os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"(COPY into tables with their foreign keys as well: {backlog['copy_fk_s']:.2f} s; "
          f"push {rate / (backlog['copied'] / backlog['copy_fk_s']):.3f} of that)")  # fmt: skip
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
