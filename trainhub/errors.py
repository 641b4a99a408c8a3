"""DomainError and the handlers that turn any error into JSON (for /api) or a page."""
from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request
from flask_babel import gettext, lazy_gettext as _l
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
        body = {"code": self.code, "message": str(self.message)}
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
        flash(str(error.message), "danger")
        return redirect(request.referrer or request.url) if request.method != "GET" else (
            render_template("errors/error.html", status=error.status, message=error.message),
            error.status,
        )

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
        message = gettext("服务器内部错误，请稍后重试。")
        if wants_json():
            return json_error(500, "internal_error", message)
        return render_template("errors/error.html", status=500, message=message), 500
