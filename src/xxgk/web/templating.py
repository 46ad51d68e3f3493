"""Jinja2 templates (autoescaped: every user-supplied text is escaped) and the common context."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.responses import HTMLResponse

from .. import __version__
from .auth import Perm, csrf_token
from .deps import current_user

TEMPLATES = Path(__file__).with_name("templates")


def number(v: Any) -> str:
    """A cell value as the report prints it: integers plainly, decimals without float noise."""
    if v is None:
        return "—"
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int) or (isinstance(v, float) and v.is_integer()):
        return str(int(v))
    if isinstance(v, float):
        return format(Decimal(repr(v)), "f")
    return str(v)


def signed(v: Any) -> str:
    if v is None:
        return ""
    text = number(v)
    return text if text.startswith("-") or text == "0" else "+" + text


def json_script(data: Any) -> Markup:
    """JSON for a <script type="application/json"> block: `<`, `>` and `&` escaped so no text in
    the data can close the block."""
    text = json.dumps(data, ensure_ascii=False, default=str)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def basename(name: Any) -> str:
    """The file name of a stored source (ingest keeps the path it was given)."""
    text = str(name or "")
    return text.replace("\\", "/").rsplit("/", 1)[-1]


CHINA = dt.timezone(dt.timedelta(hours=8), "CST")  # China keeps UTC+8 all year: no tz database needed


def local_time(t: Any) -> str:
    """A stored timestamp (UTC) as Beijing time, the time the users read."""
    if not t:
        return ""
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.UTC)
    return t.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


def zh_date(d: Any) -> str:
    if not d:
        return ""
    return f"{d.year}年{d.month}月{d.day}日"


templates = Jinja2Templates(directory=str(TEMPLATES))
templates.env.filters.update(number=number, signed=signed, json_script=json_script, zh_date=zh_date,
                            basename=basename, local_time=local_time)
templates.env.globals.update(perms=Perm, app_version=__version__)
# The macros are globals, not imported by the templates: a page body rendered on its own
# (`render_cached`) does not run a template's top-level imports, and an import inside an included
# template (a finding, once per finding) rebuilt the macro module every time.
_macros = templates.env.get_template("_macros.html").module
templates.env.globals.update({name: getattr(_macros, name) for name in
                              ("legend", "severity", "report_head")})


def official(*args: Any, **kwargs: Any) -> Markup:
    """The three tables in the official layout (`tables.official_html`: Python, not a macro)."""
    from .tables import official_html  # tables imports this module's `number`

    return official_html(*args, **kwargs)


templates.env.globals["official"] = official


CSRF_SLOT = "\x00csrf\x00"  # where the session's token goes into a cached page body


def render_cached(request: Request, name: str, key: Any, context: Any) -> HTMLResponse:
    """A page whose body (`title`, `head` and `content` blocks) is cached per library revision and
    per what the user may do there (role, region, agency): the layout around it (user name, CSRF
    token) is rendered per request. `context()` computes the page's data on a miss. The body must
    not show anything of the user beyond their permissions."""
    user = current_user(request)
    assert user is not None
    signature = (user.role, user.region, user.agency_id)

    def build() -> tuple[str, str, str, str | None]:
        ctx = {"user": user, "csrf": CSRF_SLOT, "nav": None}
        ctx.update(context())
        template = templates.env.get_template(name)
        tctx = template.new_context(ctx)
        blocks = {b: "".join(template.blocks[b](tctx)) if b in template.blocks else ""
                  for b in ("title", "head", "content")}
        return blocks["title"], blocks["head"], blocks["content"], ctx.get("nav")

    title, head, content, nav = request.app.state.cache.get(("page", name, key, signature), build,
                                                            request)
    token = csrf_token(request)
    return templates.TemplateResponse(request, "shell.html", {
        "user": user, "csrf": token, "nav": nav, "title_text": Markup(title),
        "head_html": Markup(head), "content_html": Markup(content.replace(CSRF_SLOT, token))})


def render(request: Request, name: str, context: dict[str, Any] | None = None,
           status_code: int = 200) -> HTMLResponse:
    ctx = {"user": current_user(request), "csrf": csrf_token(request), "nav": None}
    ctx.update(context or {})
    return templates.TemplateResponse(request, name, ctx, status_code=status_code)
