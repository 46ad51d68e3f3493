"""Parser processes for batch ingest: one file at a time per process, with a hard time limit and
a crash costing only the file that caused it.

Why not `concurrent.futures.ProcessPoolExecutor`: it cannot say which file killed a worker (the
whole pool breaks, and every file in flight had to be parsed again one by one to find out), it
cannot stop a parser stuck in C code (a file that hangs the XML or PDF library), and its
bookkeeping (a management thread, a feeder thread, a future per file) ran in the single writer's
process: 0.9 ms of its CPU per report, unpickling included, beside 3 ms for storing the report.

Here each process has a pipe for jobs and one for results and works through its jobs in order, so
the parent always knows which file a process is on and since when:

- a process that dies (a segfault in a C library, the OOM killer) fails the file it was on; the
  file queued behind it goes to a fresh process;
- inside the process an alarm ends a file after `seconds` (the parser raises `Timeout` and the
  process goes on with the next file); should the alarm not get through (a hang in C code holds
  the interpreter), the parent kills the process after `seconds` + a grace period;
- each process gets up to DEPTH files at a time, those behind the first queued in its pipe, so
  it does not wait for the writer between files. A file is queued only when it fits in the pipe's
  buffer beside those already waiting there (asked for at 1 MB, see `_widen`): sending can then
  never block, so the parent and a process both waiting to send to each other (a deadlock) cannot
  happen;
- a process is replaced after `tasks` files: the parser's caches fill up as it goes, and memory
  must not grow with the size of the batch.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection as mpc
import os
import pickle
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Start method: forkserver: processes never inherit the writer's database connections or the
# progress bar's thread, and start warm (the parser is imported once, in the server). A test may
# use "fork" to hand its processes a patched parser.
START_METHOD = "forkserver"
PRELOAD = ["xxgk.ingest"]
PIPE_BYTES = 2**20  # the pipe buffer asked for (Linux grants up to /proc/sys/fs/pipe-max-size)
DEPTH = 8  # files given to a process at a time: one parsed, the others queued in its pipe
# Parser processes yield the CPU to the writer: there is one writer and it is the batch's narrow
# point. At equal priority, two parsers and the writer on two cores each got two thirds of a core,
# and the writer, short of its share, held everyone up (measured: 10.7 s wall for 7.1 s of CPU
# storing 3,000 reports, the cores 15 % idle).
NICE = 5
Parse = Callable[[str, bytes], Any]  # a module-level function: it is sent by reference


class Timeout(BaseException):
    """Raised inside the parser when a file takes longer than allowed. Not an `Exception`: a
    reader's `except Exception` fallback must not swallow it and go on parsing."""


@dataclass(frozen=True)
class Lost:
    """A file whose parser process died or had to be killed."""

    name: str
    why: str  # "crash" | "timeout"
    detail: str = ""


# -- the parser process -------------------------------------------------------------------------
def _alarm(signum: int, frame: object) -> None:
    raise Timeout()


def _serve(parse: Parse, seconds: float, jobs: mpc.Connection, results: mpc.Connection) -> None:
    """A parser process: parse each job, in order, until an empty message (or the pipe closes)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGALRM, _alarm)
    os.nice(NICE)
    while True:
        try:
            message = jobs.recv_bytes()
        except (EOFError, OSError):
            return  # the parent is gone
        if not message:
            return
        name, data = pickle.loads(message)
        result = _timed(parse, name, data, seconds)
        results.send_bytes(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))


def _timed(parse: Parse, name: str, data: bytes, seconds: float) -> Any:
    """`parse(name, data)`, or `Lost(name, "timeout")` when the SIGALRM handler `_alarm` ends it
    after `seconds`."""
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            return parse(name, data)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except Timeout:
        return Lost(name, "timeout")


def parse_in_process(parse: Parse, name: str, data: bytes, seconds: float) -> Any:
    """`parse(name, data)` in this process (a batch too small to start parser processes for),
    with the same time limit where an alarm can be had (the main thread): a file that keeps the
    parser busy in Python fails after `seconds`. A hang in C code is not ended here; parser
    processes end those too."""
    if threading.current_thread() is not threading.main_thread():
        return parse(name, data)  # (signals reach the main thread only)
    previous = signal.signal(signal.SIGALRM, _alarm)
    try:
        return _timed(parse, name, data, seconds)
    finally:
        signal.signal(signal.SIGALRM, previous)


# -- the parent's side ----------------------------------------------------------------------------
def warm_up() -> None:
    """Start the fork server now: it imports the parser (half a second) while the caller does
    something else, such as counting the files of a batch."""
    if START_METHOD == "forkserver":
        from multiprocessing import forkserver

        multiprocessing.get_context("forkserver").set_forkserver_preload(PRELOAD)
        forkserver.ensure_running()


@dataclass
class _Job:
    ticket: int
    name: str
    message: bytes  # (name, data), pickled


@dataclass
class _Process:
    proc: multiprocessing.process.BaseProcess
    jobs: mpc.Connection  # the parent's end: jobs go out
    results: mpc.Connection  # the parent's end: results come in
    inflight: deque[_Job] = field(default_factory=deque)  # sent, not answered, in order
    room: int = 0  # bytes a job may have to be queued behind another: fits in the pipe
    started: float = 0.0  # when the first job in flight started (as the parent knows it)
    sent: int = 0


class ParserPool:
    """`submit` files, then take their results with `result`, in any order (the caller's)."""

    def __init__(self, parse: Parse, workers: int, seconds: float, tasks: int = 1000):
        self.parse, self.workers, self.seconds, self.tasks = parse, workers, seconds, tasks
        self.grace = min(10.0, seconds)  # for the alarm inside the process to get through first
        self.ctx = multiprocessing.get_context(START_METHOD)
        if START_METHOD == "forkserver":
            self.ctx.set_forkserver_preload(PRELOAD)
        self.queue: deque[_Job] = deque()  # submitted, not sent
        self.done: dict[int, Any] = {}  # ticket → result, until taken
        self.tickets = 0
        self.processes = [self._start() for _ in range(workers)]

    def __enter__(self) -> "ParserPool":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close(kill=exc[0] is not None)

    def submit(self, name: str, data: bytes) -> int:
        self.tickets += 1
        message = pickle.dumps((name, data), protocol=pickle.HIGHEST_PROTOCOL)
        self.queue.append(_Job(self.tickets, name, message))
        self._dispatch()
        return self.tickets

    def result(self, ticket: int) -> Any:
        """The result of a submitted file: what `parse` returned, or `Lost`. Waits for it."""
        while ticket not in self.done:
            self._dispatch()
            self._wait()
        return self.done.pop(ticket)

    def close(self, kill: bool = False) -> None:
        for p in self.processes:
            if not kill:
                try:
                    p.jobs.send_bytes(b"")  # a stop message: EOF alone is not enough when
                except OSError:             # forked siblings hold copies of the pipe
                    pass
        for p in self.processes:
            p.proc.join(timeout=0 if kill else 5)
            if p.proc.is_alive():
                p.proc.kill()
                p.proc.join()
            p.jobs.close()
            p.results.close()
        self.processes = []

    # -- internals ---------------------------------------------------------------------------------
    def _start(self) -> _Process:
        jobs_reader, jobs_writer = self.ctx.Pipe(duplex=False)
        results_reader, results_writer = self.ctx.Pipe(duplex=False)
        proc = self.ctx.Process(target=_serve, daemon=True, name="xxgk-parser",
                                args=(self.parse, self.seconds, jobs_reader, results_writer))
        proc.start()
        jobs_reader.close()  # the process's ends: ours closed, so its death shows as EOF
        results_writer.close()
        _widen(results_reader)  # a process sends its result without waiting for the writer
        return _Process(proc, jobs_writer, results_reader, room=_widen(jobs_writer))

    def _dispatch(self) -> None:
        """Send queued jobs, round by round: to idle processes first, then one more to each busy
        one while its queue fits in its pipe."""
        for p in list(self.processes):
            if p.sent >= self.tasks and not p.inflight:
                self._replace(p, None)  # done with its share
        for depth in range(DEPTH):
            for p in list(self.processes):
                if not self.queue:
                    return
                if len(p.inflight) != depth or p.sent >= self.tasks:
                    continue
                # The first job in flight is being read or parsed: only those behind it wait in
                # the pipe, and sending must never block (see the module's docstring).
                queued = sum(len(j.message) + 8 for j in list(p.inflight)[1:])
                if depth and queued + len(self.queue[0].message) + 8 > p.room:
                    continue
                job = self.queue.popleft()
                try:
                    p.jobs.send_bytes(job.message)
                except OSError:  # it died since we last looked
                    self.queue.appendleft(job)
                    self._collect(p)
                    continue
                if not p.inflight:
                    p.started = time.monotonic()
                p.inflight.append(job)
                p.sent += 1

    def _wait(self) -> None:
        """Wait for a result, a death or a deadline, and deal with it."""
        busy = [p for p in self.processes if p.inflight]
        if not busy:
            raise RuntimeError("waiting for a result no process is working on")
        deadline = min(p.started for p in busy) + self.seconds + self.grace
        ready = mpc.wait([p.results for p in busy] + [p.proc.sentinel for p in busy],
                         timeout=max(0.0, deadline - time.monotonic()))
        for p in busy:
            if p.results in ready or p.proc.sentinel in ready:
                self._collect(p)
        now = time.monotonic()
        for p in list(self.processes):
            if p.inflight and now - p.started > self.seconds + self.grace:
                self._replace(p, Lost(p.inflight[0].name, "timeout"), kill=True)

    def _collect(self, p: _Process) -> None:
        """Take every result the process has sent; a process that died fails its current file."""
        while p.inflight:
            try:
                if not p.results.poll():
                    break
                message = p.results.recv_bytes()
            except (EOFError, OSError):
                break
            job = p.inflight.popleft()
            self.done[job.ticket] = pickle.loads(message)
            p.started = time.monotonic()  # the next job in its pipe starts now
        if not p.proc.is_alive():
            p.proc.join()
            lost = Lost(p.inflight[0].name, "crash", _death(p.proc.exitcode)) if p.inflight else None
            self._replace(p, lost)

    def _replace(self, p: _Process, lost: Lost | None, kill: bool = False) -> None:
        """Retire a process (dead, stuck, or done with its share) and start a fresh one; its
        current file gets `lost`, the file queued behind it goes back to the queue's head."""
        if kill:
            p.proc.kill()
        elif p.proc.is_alive():
            p.jobs.send_bytes(b"")
        p.proc.join(timeout=5)
        if p.proc.is_alive():
            p.proc.kill()
            p.proc.join()
        p.jobs.close()
        p.results.close()
        if lost is not None and p.inflight:
            self.done[p.inflight.popleft().ticket] = lost
        self.queue.extendleft(reversed(p.inflight))
        self.processes[self.processes.index(p)] = self._start()


def _death(exitcode: int | None) -> str:
    """How a process ended: "signal SIGSEGV", "exit code 70"."""
    if exitcode is not None and exitcode < 0:
        try:
            return f"signal {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"signal {-exitcode}"
    return f"exit code {exitcode}"


def _widen(conn: mpc.Connection) -> int:
    """Ask for a pipe buffer of PIPE_BYTES; the size it has. (Linux gives 64 KB by default, and
    as little as 4 KB to a user holding many pipes; other systems 16 KB or more.)"""
    if sys.platform != "linux":
        return 16 * 1024
    import fcntl

    try:
        fcntl.fcntl(conn.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except OSError:
        pass  # above the system's maximum: what it has will do
    return fcntl.fcntl(conn.fileno(), fcntl.F_GETPIPE_SZ)
