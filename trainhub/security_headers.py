"""The security headers of every answer, set in one after_request hook (no view sets its own).

- Every answer: `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin` (ticket and
  invitation URLs carry a token: never sent to another site; same-origin keeps the Referer that
  Flask-WTF's CSRF check needs over HTTPS), `X-Frame-Options: DENY`; in production HSTS.
- HTML pages: a Content-Security-Policy without inline script (templates load static/js/* only;
  `<script type="application/json">` data blocks are not scripts) and without inline style
  (templates use static/css/app.css classes), `frame-ancestors 'none'`.
- Uploaded files (UPLOADED_FILE_ENDPOINTS): always a download (`Content-Disposition: attachment`) with
  the sandboxing CSP `sandbox; default-src 'none'` — an uploaded HTML/SVG never runs in our origin.
  `<img>` ignores Content-Disposition, so a news photo still shows on the campaign page.
- Answers for a signed-in user, a bearer token or a token-bearing URL (`<token>`, `<serial>`):
  `Cache-Control: private, no-store` (unless the view already chose a `private` policy, as the
  calendar feeds do for their conditional requests) and `Vary: Cookie, Authorization`; token-bearing URLs (tickets,
  certificate verification, invitations, calendar feeds) also `X-Robots-Tag: noindex`.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, g, request, session

PAGE_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",  # Bootstrap's icons are data: SVGs in its CSS
        "font-src 'self'",
        "connect-src 'self'",
        "media-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
UPLOADED_FILE_POLICY = "sandbox; default-src 'none'"
HSTS = "max-age=63072000; includeSubDomains"

# The views that send back a file someone uploaded (campaign attachments, news photos, report attachments).
UPLOADED_FILE_ENDPOINTS = frozenset({"campaigns.attachment", "api.news_photo", "api.report_attachment_file"})
# URL variables that are a secret or a public reference to one person's record.
TOKEN_URL_VARIABLES = frozenset({"token", "serial", "code"})  # tickets, feeds, certificates, verification


def init_app(app: Flask) -> None:
    app.after_request(set_security_headers)


def set_security_headers(response: Response) -> Response:
    headers = response.headers
    headers["X-Content-Type-Options"] = "nosniff"
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    if current_app.config.get("ENV_NAME") == "production":
        headers.setdefault("Strict-Transport-Security", HSTS)
    if request.endpoint in UPLOADED_FILE_ENDPOINTS:
        _as_sandboxed_download(response)
    elif response.mimetype == "text/html":
        headers.setdefault("Content-Security-Policy", PAGE_POLICY)
    if request.endpoint == "static":
        return response
    token_url = bool(TOKEN_URL_VARIABLES.intersection(request.view_args or {}))
    if token_url:
        headers["X-Robots-Tag"] = "noindex, nofollow"
    if token_url or _personal(response):
        if "private" not in response.cache_control:  # a calendar feed's own `private, max-age=300` stays
            headers["Cache-Control"] = "private, no-store"
            headers.pop("Expires", None)
        response.vary.update(("Cookie", "Authorization"))
    return response


def _personal(response: Response) -> bool:
    """For a signed-in user (session or remember-me), a bearer token, or a session holding anything
    (a CSRF token, a flash): never kept by a shared cache."""
    if "Authorization" in request.headers:
        return True
    user = g.get("_login_user")
    if user is not None and not user.is_anonymous:  # not is_authenticated: it reads is_active, a query after a commit
        return True
    return bool(session)


def _as_sandboxed_download(response: Response) -> None:
    disposition = response.headers.get("Content-Disposition", "")
    _inline_or_attachment, _, params = disposition.partition(";")
    response.headers["Content-Disposition"] = "attachment" + (f";{params}" if params else "")
    response.headers["Content-Security-Policy"] = UPLOADED_FILE_POLICY
