from flask import redirect, render_template, request, session, url_for
from flask_login import current_user

from trainhub.accounts.services import set_preferred_locale
from trainhub.i18n import normalize_locale
from trainhub.main import bp
from trainhub.security import safe_next


@bp.get("/")
def index():
    return redirect(url_for("events.catalogue")) if "events" in _blueprints() else render_template("main/index.html")


def _blueprints():
    from flask import current_app

    return current_app.blueprints


@bp.get("/lang/<code>")
def set_language(code: str):
    locale = normalize_locale(code) or "zh_CN"
    session["lang"] = locale
    if current_user.is_authenticated:
        set_preferred_locale(current_user, locale)
    return redirect(safe_next(request.args.get("next")) or "/")


@bp.get("/healthz")
def health():
    """A trivial endpoint: the benchmarks' baseline."""
    return {"status": "ok"}
