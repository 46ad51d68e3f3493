"""Login throttling that holds across server processes (`xxgk serve --workers N`): sign-in attempts
are rows in the library (`store.sessions`), counted per account and per client address within a
window, pending ones included. Too many failures → 429 with Retry-After, the right password
included.

An account allows few failures (guessing one password); an address more (an office behind one NAT
address shares it), and a successful sign-in forgives the account's failures only: signing in to
one's own account must not reset the count of guesses at other accounts from that address."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from ..store import sessions
from ..store.models import LoginAttempt, utcnow


class Throttled(Exception):
    def __init__(self, wait: int):
        super().__init__(wait)
        self.wait = wait


def account_key(username: str) -> str:
    return f"user:{username.strip().lower()}"


def address_key(address: str) -> str:
    return f"ip:{address}"


class LoginThrottle:
    def __init__(self, lib: Any, per_account: int, per_address: int, window: int,
                 clock: Callable[[], dt.datetime] = utcnow, patience: float = 10.0):
        self.lib = lib
        self.patience = patience  # seconds to wait for earlier attempts' outcomes
        self.per_account = per_account
        self.per_address = per_address
        self.window = window
        self.clock = clock

    def reserve(self, username: str, address: str) -> list[int]:
        """Reserve an attempt (committed, so other processes count it) or raise Throttled. While
        attempts made before this one are still being checked and could use up the limit, wait
        for them (a few hundred ms of argon2 each): a burst of correct sign-ins all get in, a
        burst of guesses gets no more than the limit."""
        limits = {account_key(username): self.per_account, address_key(address): self.per_address}
        with self.lib.write() as s:
            ids = sessions.reserve(s, list(limits), self.window, self.clock())
        deadline = time.monotonic() + self.patience
        while True:
            with self.lib.read() as s:
                wait, go = sessions.verdict(s, limits, ids, self.window, self.clock())
            if go:
                return ids
            if wait or time.monotonic() > deadline:
                with self.lib.write() as s:
                    sessions.withdraw(s, ids)
                raise Throttled(wait or 1)
            time.sleep(0.05)

    def failed(self, reserved: list[int]) -> None:
        with self.lib.write() as s:
            sessions.failed(s, reserved)

    def succeeded(self, s: Any, reserved: list[int], username: str) -> None:
        """In the transaction that starts the session: the attempt and the account's failures go."""
        sessions.succeeded(s, reserved, [account_key(username)])

    def forget(self, *keys: str) -> None:
        """Forgive keys outright (an administrator unlocking an account; tests)."""
        from sqlalchemy import delete

        with self.lib.write() as s:
            s.execute(delete(LoginAttempt).where(LoginAttempt.key.in_(keys)))
