"""Feeds (public, enterprise, trainer), an event's download, and regenerating private feed URLs."""

from __future__ import annotations

import threading
from collections import OrderedDict

from flask import Response, abort, current_app, flash, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from trainhub import access
from trainhub.calendar import bp, services
from trainhub.errors import DomainError
from trainhub.timeutil import now

ICS_MIMETYPE = "text/calendar"

# Built feeds by ETag (the ETag covers the feed's rows, its name and language): a client without
# a validator gets the same bytes without rebuilding. Per process, a few entries.
_FEED_CACHE: OrderedDict[str, bytes] = OrderedDict()
_FEED_CACHE_SIZE = 32
_feed_cache_lock = threading.Lock()


def _cached_body(key: str, build) -> bytes:
    with _feed_cache_lock:
        body = _FEED_CACHE.get(key)
        if body is not None:
            _FEED_CACHE.move_to_end(key)
            return body
    body = build()
    with _feed_cache_lock:
        _FEED_CACHE[key] = body
        while len(_FEED_CACHE) > _FEED_CACHE_SIZE:
            _FEED_CACHE.popitem(last=False)
    return body


def calendar_response(body: bytes, filename: str, *, inline: bool = True) -> Response:
    response = Response(body, mimetype=ICS_MIMETYPE)
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def _serve_feed(feed, filename: str, *, private: bool) -> Response:
    if feed is None:
        abort(404)
    moment = now()
    etag, last_modified = services.feed_state(feed, now=moment, locale=str(get_locale() or ""))
    response = Response(mimetype=ICS_MIMETYPE)
    response.set_etag(etag)
    response.last_modified = last_modified
    response.headers["Cache-Control"] = ("private" if private else "public") + ", max-age=300"
    if private:
        response.headers["Referrer-Policy"] = "no-referrer"
    response.make_conditional(request)
    if response.status_code == 304:
        return response
    key = f"{current_app.config['DATABASE_URL']}|{current_app.config['BASE_URL']}|{etag}"
    response.set_data(_cached_body(key, lambda: services.build_feed(feed, now=moment)))
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@bp.get("/calendar/public.ics")
def public_feed():
    return _serve_feed(services.public_feed(), "trainhub.ics", private=False)


@bp.get("/calendar/org/<token>.ics")
def org_feed(token: str):
    return _serve_feed(services.organization_feed(token), "trainhub-enterprise.ics", private=True)


@bp.get("/calendar/trainer/<token>.ics")
def trainer_feed(token: str):
    return _serve_feed(services.trainer_feed(token), "trainhub-trainer.ics", private=True)


@bp.get("/events/<int:event_id>/calendar.ics")
def event_ics(event_id: int):
    """A published event as a calendar file (download)."""
    event = access.load_event(event_id, current_user if current_user.is_authenticated else None, need="public")
    if event.status == "draft":
        abort(404)
    body = services.event_invite_download(event, now=now())
    return calendar_response(body, f"event-{event.id}.ics", inline=False)


@bp.post("/calendar/feeds/regenerate")
@login_required
def regenerate():
    """Regenerate the current user's private feed URL (enterprise: the organization's; trainer: own)."""
    try:
        if current_user.is_enterprise and current_user.organization is not None:
            services.regenerate_org_feed_token(current_user.organization, actor=current_user)
        elif current_user.is_trainer:
            services.regenerate_trainer_feed_token(current_user)
        else:
            abort(403)
    except DomainError as error:
        flash(str(error.message), "danger")
    else:
        flash(_("已生成新的订阅地址，旧地址已失效。"), "success")
    return redirect(url_for("accounts.profile"))


@bp.app_context_processor
def _calendar_helpers():
    def calendar_feed_urls():
        if not current_user.is_authenticated or current_user.is_organizer:
            return {}
        return services.feed_urls(current_user, current_app.config["BASE_URL"], create=True)

    def webcal(url: str) -> str:
        return "webcal://" + url.split("://", 1)[1] if "://" in url else url

    def public_feed_url() -> str:
        return current_app.config["BASE_URL"] + "/calendar/public.ics"

    return {"calendar_feed_urls": calendar_feed_urls, "webcal": webcal, "public_feed_url": public_feed_url}


@bp.get("/t/<token>/invite.ics")
def ticket_invite(token: str):
    """The ticket holder's own invite (the ticket link is the credential, as for the ticket page)."""
    from trainhub.calendar import ics

    registration = access.load_ticket(token)
    response = calendar_response(ics.registration_invite(registration), "invite.ics", inline=False)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
