"""The browser side: Jira's login page, which OAuth consent pages send a user to first.

A browser login is also how a CAPTCHA-locked account is unlocked in real Jira, so a successful login here
clears the failed-login count; the page asks for the CAPTCHA box to be ticked when the account is locked.
"""

from __future__ import annotations

import html
import secrets
import urllib.parse

from werkzeug.routing import Rule
from werkzeug.wrappers import Response

from assistant.sandbox.context import Ctx, html_page


def safe_destination(ctx: Ctx, destination: str | None) -> str:
    """Only a path on this server; an absolute URL would make the login page an open redirect."""
    if not destination:
        return f"{ctx.options.context_path}/secure/Dashboard.jspa"
    parsed = urllib.parse.urlsplit(destination)
    if parsed.scheme or parsed.netloc or not destination.startswith("/"):
        return f"{ctx.options.context_path}/secure/Dashboard.jspa"
    return destination


def _form(ctx: Ctx, destination: str, message: str = "", captcha: bool = False) -> str:
    notice = f"<p class='error' role='alert'>{html.escape(message)}</p>" if message else ""
    captcha_box = (
        "<p><label><input type='checkbox' name='captcha' value='solved'> I am not a robot (CAPTCHA)</label></p>"
        if captcha
        else ""
    )
    return (
        f"{notice}<form method='post' action='{html.escape(ctx.options.context_path)}/login.jsp'>"
        f"<input type='hidden' name='os_destination' value='{html.escape(destination)}'>"
        "<p><label>Username <input name='os_username' autocomplete='username'></label></p>"
        "<p><label>Password <input type='password' name='os_password' autocomplete='current-password'>"
        f"</label></p>{captcha_box}"
        "<p><button type='submit' name='login' value='Log In'>Log In</button></p></form>"
    )


def login_page(ctx: Ctx) -> Response:
    destination = safe_destination(ctx, ctx.request.args.get("os_destination"))
    return html_page("Log in", _form(ctx, destination))


def login_submit(ctx: Ctx) -> Response:
    form = ctx.request.form
    destination = safe_destination(ctx, form.get("os_destination"))
    user = ctx.state.user_by_key_or_name(form.get("os_username", ""))
    password = form.get("os_password", "")
    locked = user is not None and user.failed_logins >= ctx.options.max_authentication_attempts
    if locked and form.get("captcha") != "solved":
        return html_page("Log in", _form(ctx, destination, "Please complete the CAPTCHA.", captcha=True), 200)
    if user is None or not user.active or not secrets.compare_digest(user.password.encode(), password.encode()):
        if user is not None:
            with ctx.state.change():
                user.failed_logins += 1
        message = "Sorry, your username and password are incorrect - please try again."
        return html_page("Log in", _form(ctx, destination, message, captcha=locked), 200)
    ctx.state.reset_failed_logins(user.username)
    session = ctx.state.new_session(user.username)
    response = Response(status=303, headers={"Location": destination})
    secure = ctx.request.scheme == "https"
    response.set_cookie(
        "JSESSIONID",
        session.id,
        path=ctx.options.context_path or "/",
        httponly=True,
        secure=secure,
        samesite="Lax",
    )
    return response


def dashboard(ctx: Ctx) -> Response:
    return html_page("System Dashboard", f"<p>Logged in as {html.escape(ctx.username)}.</p>")


ROUTES = [
    Rule("/login.jsp", endpoint=login_page, methods=["GET"]),
    Rule("/login.jsp", endpoint=login_submit, methods=["POST"]),
    Rule("/secure/Dashboard.jspa", endpoint=dashboard, methods=["GET"]),
]
