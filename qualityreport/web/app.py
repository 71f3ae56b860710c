"""The web application: one Starlette app over the store, its routes and middleware."""

from __future__ import annotations

import secrets
from importlib import resources
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from ..city import CityConfig
from ..collection import SerialStore
from ..errors import QualityReportError
from ..read import Limits
from ..spec import Spec
from . import bureau, school, sessions
from .pages import SESSION_HOURS, Context, environment, http_error, program_error
from .security import LoginThrottle, SecurityHeaders


async def stylesheet(request: Request) -> Response:
    css = resources.files("qualityreport.web").joinpath("static/site.css").read_bytes()
    return Response(css, media_type="text/css", headers={"cache-control": "public, max-age=3600"})


def _session_secret(access: SerialStore) -> str:
    with access.writing() as store:
        found = store.scalar("SELECT value FROM web_settings WHERE key = 'session_secret'")
        if found:
            return str(found)
        secret = secrets.token_urlsafe(48)
        store.con.execute("INSERT INTO web_settings VALUES ('session_secret', ?)", [secret])
        return secret


def create_app(
    db_path: str | Path,
    *,
    city: CityConfig | None = None,
    spec: Spec | None = None,
    limits: Limits | None = None,
    throttle: LoginThrottle | None = None,
    https_only: bool = False,
) -> Starlette:
    """The application over the store at db_path (created and migrated if needed)."""
    access = SerialStore(db_path, spec)
    routes = [
        Route("/static/site.css", stylesheet),
        *sessions.ROUTES,
        *school.ROUTES,
        *bureau.ROUTES,
    ]
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(
                SessionMiddleware,
                secret_key=_session_secret(access),
                session_cookie="qualityreport_session",
                max_age=SESSION_HOURS * 3600,
                same_site="lax",
                https_only=https_only,
            ),
        ],
        exception_handlers={
            HTTPException: http_error,
            QualityReportError: program_error,
            Exception: program_error,
        },
    )
    app.state.context = Context(
        access=access,
        city=city,
        templates=Jinja2Templates(env=environment()),
        throttle=throttle or LoginThrottle(),
        limits=limits or Limits(),
    )
    return app
