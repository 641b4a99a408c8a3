"""DomainError and the handlers that turn any error into JSON (for /api) or a page; streamed downloads
that fail (`streamed`)."""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterator
from typing import Any

from flask import Response, current_app, flash, jsonify, redirect, render_template, request, stream_with_context
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A refused use case: a stable `code`, a translatable message, an HTTP status for the API."""

    status = 409
    code = "conflict"

    def __init__(self, code: str | None = None, message=None, status: int | None = None, *, fields=None, **extra):
        self.code = code or self.code
        self.message = message if message is not None else self.code
        if status is not None:
            self.status = status
        self.fields = fields  # {"field": ["problem", ...]} for 422
        self.extra = extra  # more keys for the JSON error body (e.g. allowed=3)
        super().__init__(str(self.message))

    def to_dict(self) -> dict:
        body: dict[str, Any] = {"code": self.code, "message": str(self.message)}
        if self.fields:
            body["fields"] = {key: [str(m) for m in msgs] for key, msgs in self.fields.items()}
        body.update(self.extra)
        return {"error": body}


class ValidationError(DomainError):
    """Invalid fields: 422 with `fields`."""

    status = 422
    code = "invalid"

    def __init__(self, fields: dict, message=None, code: str | None = None):
        super().__init__(code or "invalid", message or _l("请检查填写的内容。"), 422, fields=fields)


class Conflict(DomainError):
    """The change collides with the current state (a write that lost a race the use case could not name)."""

    status = 409
    code = "conflict"

    def __init__(self, message=None, code: str = "conflict"):
        super().__init__(code, message or _l("与当前状态冲突。"), 409)


class NotFound(DomainError):
    status = 404
    code = "not_found"

    def __init__(self, message=None):
        super().__init__("not_found", message or _l("未找到该对象。"), 404)


class Forbidden(DomainError):
    status = 403
    code = "forbidden"

    def __init__(self, message=None, code: str = "forbidden"):
        super().__init__(code, message or _l("您没有执行此操作的权限。"), 403)


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def json_error(status: int, code: str, message, **extra):
    body = {"error": {"code": code, "message": str(message), **extra}}
    return jsonify(body), status


_HTTP_CODES = {
    400: ("bad_request", _l("请求格式不正确。")),
    401: ("unauthorized", _l("请先登录或提供有效的令牌。")),
    403: ("forbidden", _l("您没有执行此操作的权限。")),
    404: ("not_found", _l("未找到该对象。")),
    405: ("method_not_allowed", _l("不支持该请求方法。")),
    409: ("conflict", _l("与当前状态冲突。")),
    413: ("file_too_large", _l("上传的文件过大。")),
    422: ("invalid", _l("请检查填写的内容。")),
    429: ("rate_limited", _l("尝试次数过多，请稍后再试。")),
}


def register_error_handlers(app) -> None:
    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError):
        if wants_json():
            return jsonify(error.to_dict()), error.status
        if error.status in (403, 404):
            return render_template("errors/error.html", status=error.status, message=error.message), error.status
        back = _same_site_referrer() if request.method != "GET" else None
        if back is None:  # a GET, or a form posted without a Referer of ours: the page itself says why
            return render_template("errors/error.html", status=error.status, message=error.message), error.status
        flash(str(error.message), "danger")
        return redirect(back)

    @app.errorhandler(CSRFError)
    def _csrf_error(error):
        message = gettext("页面已过期或来源不明，请刷新后重试。")
        if wants_json():
            return json_error(400, "csrf_failed", message)
        return render_template("errors/error.html", status=400, message=message), 400

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        code, message = _HTTP_CODES.get(error.code or 500, ("error", error.description))
        if wants_json():
            return json_error(error.code or 500, code, message)
        return render_template("errors/error.html", status=error.code, message=message), error.code

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        app.logger.exception("unhandled error")
        _discard_transaction()
        try:
            return _internal_error_answer()
        except Exception:
            # The page needs the user (menu, language) and the database may be what failed: once more
            # without them, rather than the server's bare page.
            app.logger.exception("the 500 page failed; shown again without the signed-in user")
            _discard_transaction()
            _forget_user()
            return _internal_error_answer()


def _same_site_referrer() -> str | None:
    """The page a refused form came from, as a path on this site (the Referer may be absent, or another
    site's; redirecting to the posting URL would answer 405)."""
    from urllib.parse import urlsplit

    from trainhub.security import safe_next

    referrer = urlsplit(request.referrer or "")
    if not referrer.path or referrer.netloc != request.host:
        return None
    return safe_next(referrer.path + (f"?{referrer.query}" if referrer.query else ""))


def _internal_error_answer():
    message = gettext("服务器内部错误，请稍后重试。")
    if wants_json():
        return json_error(500, "internal_error", message)
    return render_template("errors/error.html", status=500, message=message), 500


def _discard_transaction() -> None:
    """A failed statement leaves the session's transaction unusable until rolled back (and a lost
    connection is replaced only then): the error page may need the database again (the user, the menu)."""
    from trainhub.extensions import db

    try:
        db.session.rollback()
    except Exception:
        current_app.logger.warning("rollback failed while answering an error", exc_info=True)


def _forget_user() -> None:
    from flask import g
    from flask_babel import refresh

    from trainhub.extensions import login_manager

    g._login_user = login_manager.anonymous_user()
    refresh()  # the language chosen from the user is forgotten with them


# -- streamed downloads ------------------------------------------------------------------------


def streamed(chunks: Iterator[bytes], *, content_type: str, headers: dict) -> Response:
    """A download streamed after the view returns, started here up to its first chunk.

    A failure before the first byte is then an ordinary error of the view (the app's own 500 page,
    in the user's language). A failure after it cannot change the status any more: it is logged with
    its traceback and the connection is reset, so no client or proxy takes the truncated body for a
    whole file (a plain close reads as a complete body without chunked framing: HTTP/1.0, or nginx's
    default HTTP/1.0 upstream).
    """
    first = next(chunks, b"")
    body = _GuardedStream(first, chunks, path=request.full_path, environ=request.environ)
    return Response(stream_with_context(body), content_type=content_type, headers=headers)


class _GuardedStream:
    def __init__(self, first: bytes, rest: Iterator[bytes], *, path: str, environ: dict):
        self._first: bytes | None = first
        self._rest = rest
        self._path = path
        self._environ = environ
        self._sent = 0

    def __iter__(self) -> _GuardedStream:
        return self

    def __next__(self) -> bytes:
        if self._first is not None:
            chunk, self._first = self._first, None
        else:
            try:
                chunk = next(self._rest)
            except StopIteration:
                raise
            except Exception:
                current_app.logger.exception(
                    "streamed download %s failed after %d bytes: connection reset", self._path, self._sent
                )
                reset_connection(self._environ)
                raise
        self._sent += len(chunk)
        return chunk

    def close(self) -> None:
        close = getattr(self._rest, "close", None)
        if close is not None:
            close()  # a client that went away: the generator's own connection and files are released


def reset_connection(environ: dict) -> None:
    """Abort the client's connection with a TCP reset (gunicorn and werkzeug put the socket in the environ)."""
    sock = environ.get("gunicorn.socket") or environ.get("werkzeug.socket")
    if sock is None:
        return
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()  # with a zero linger: RST, not FIN (the server's own close after this is a no-op)
    except OSError:
        pass
