"""The first gate of every write, before any route code runs and before the body is read.

An ASGI middleware inside the session middleware: a POST/PUT/PATCH/DELETE from a client without a
live session (no session token, or one whose session was ended or has expired) is answered 401 at
once (only the login routes take anonymous writes, and check CSRF
themselves); a body larger than the upload limit is answered 413, whether it announces its length or
not. Permissions, scopes and CSRF of signed-in users are checked by the route dependencies
(`web.deps`).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from .auth import SESSION_KEY

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class BodyTooLarge(Exception):
    pass


async def _answer(send: Send, status: int, message: str, message_en: str,
                  headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps({"detail": message, "detail_en": message_en}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())] + (headers or [])})
    await send({"type": "http.response.body", "body": body})


class WriteGuard:
    def __init__(self, app: ASGIApp, max_body: int, anonymous_writes: frozenset[str],
                 live: Callable[[str], bool]):
        self.app = app
        self.live = live
        self.max_body = max_body
        self.anonymous_writes = anonymous_writes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        session = scope.get("session") or {}
        # No session token, or the token of an ended or expired session: anonymous.
        token = session.get(SESSION_KEY)
        if scope["path"] not in self.anonymous_writes and not (
                isinstance(token, str) and self.live(token)):
            await _answer(send, 401, "请先登录。", "Login required.",
                          [(b"www-authenticate", b'Cookie realm="xxgk"')])
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body:
            await _answer(send, 413, f"上传内容过大（上限 {self.max_body // 2**20} MB）。",
                          f"Request body too large (limit {self.max_body // 2**20} MB).")
            return
        await self.app(scope, self._counting(receive), send)

    def _counting(self, receive: Receive) -> Receive:
        """Counts the body as it streams in: a chunked body that says no length is cut off too."""
        seen = 0

        async def wrapped() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise BodyTooLarge()
            return message

        return wrapped
