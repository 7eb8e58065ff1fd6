"""The one web route beside the app: it turns a checked sign-in into an HttpOnly cookie.

A Streamlit page cannot set an HttpOnly cookie, so the sign-in page, once the password is
right, sends the browser here with a one-time ticket; the route sets the signed cookie of a
new session and sends the browser on to the page that asked for the sign-in. The launcher
(`niem_server.py`, which `niem-app` serves) mounts it; under `streamlit run app.py` it does
not exist, and the sign-in lasts only as long as the browser tab.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from niem import sessions
from niem.config import load_settings
from niem.database import make_engine, open_session

TICKET_PATH = "/auth/ticket"


def same_site(request: Request) -> bool:
    """Whether the request comes from the app's own pages (or was typed), not another site."""
    return request.headers.get("sec-fetch-site", "same-origin") in ("same-origin", "none")


def _redeem(ticket: str) -> str | None:
    settings = load_settings()
    engine = make_engine(settings.database_url)
    try:
        with open_session(engine) as session:
            return sessions.redeem_ticket(session, ticket, settings)
    finally:
        engine.dispose()


async def redeem_ticket(request: Request) -> Response:
    """GET /auth/ticket?ticket=..&next=..: set the session cookie, then go to `next`."""
    if not same_site(request):
        return PlainTextResponse("Sign in on the app's own page.", status_code=403)
    target = sessions.safe_next(request.query_params.get("next"))
    cookie = await run_in_threadpool(_redeem, request.query_params.get("ticket", ""))
    response = RedirectResponse(target, status_code=303)
    if cookie is not None:
        settings = load_settings()
        response.set_cookie(
            sessions.COOKIE_NAME,
            cookie,
            max_age=settings.session_hours * 3600,
            path="/",
            httponly=True,
            samesite="lax",
            secure=settings.cookie_secure or request.url.scheme == "https",
        )
    return response


ROUTES = [Route(TICKET_PATH, redeem_ticket, methods=["GET"])]
