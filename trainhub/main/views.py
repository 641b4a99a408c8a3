from flask import redirect, request, session, url_for
from flask_login import current_user

from trainhub.accounts.services import set_preferred_locale
from trainhub.i18n import normalize_locale
from trainhub.main import bp
from trainhub.security import safe_next


@bp.get("/")
def index():
    return redirect(url_for("events.catalogue"))


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


@bp.get("/readyz")
def ready():
    """Can this worker serve? The database (each engine) and Redis when configured: 200, or 503 naming
    what failed (the reason goes to the log, not to an anonymous caller)."""
    import logging

    from trainhub.db import database_status
    from trainhub.ratelimit import redis_status

    answer, failed = {}, []
    for name, check in (("database", database_status), ("redis", redis_status)):
        try:
            answer[name] = check()
        except Exception as error:
            logging.getLogger("trainhub.health").warning("readyz: %s failed: %s", name, error)
            answer[name] = "failed"
            failed.append(name)
    if failed:
        return {**answer, "failed": failed}, 503
    return answer
