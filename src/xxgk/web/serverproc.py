"""`xxgk serve` in a child process on a free port: for the browser tests, the screenshot script
and the benchmark, which all drive the real server (uvicorn) over HTTP."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

_PASSWORD = re.compile(r"密码 password (\S+)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """Runs `xxgk serve --db DB --port P`; `.url`, `.admin_password` (first start only), `.output`."""

    def __init__(self, db: Path, *, seeds: bool = True, port: int | None = None,
                 env: dict[str, str] | None = None, timeout: float = 60.0,
                 args: tuple[str, ...] = ()):
        self.db = db
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.seeds = seeds
        self.args = args
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        self.timeout = timeout
        self.output: list[str] = []
        self.admin_password: str | None = None
        self.proc: subprocess.Popen[str] | None = None

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run another `xxgk` command against the same library (e.g. `users add`)."""
        return subprocess.run([sys.executable, "-c", "from xxgk.cli import main; main()", *args,
                               "--db", str(self.db)], capture_output=True, text=True,
                              env=self.env, timeout=self.timeout)

    def start(self) -> "ServerProcess":
        cmd = [sys.executable, "-c", "from xxgk.cli import main; main()", "serve", "--db",
               str(self.db), "--port", str(self.port), *self.args] + ([] if self.seeds else ["--no-seeds"])
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, env=self.env)
        threading.Thread(target=self._drain, daemon=True).start()
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("xxgk serve exited:\n" + "".join(self.output))
            try:
                with urllib.request.urlopen(self.url + "/login", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.1)
        else:
            self.stop()
            raise RuntimeError("xxgk serve did not answer in time:\n" + "".join(self.output))
        for line in self.output:
            m = _PASSWORD.search(line)
            if m:
                self.admin_password = m.group(1)
        return self

    def _drain(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        for line in self.proc.stdout:
            self.output.append(line)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> "ServerProcess":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
