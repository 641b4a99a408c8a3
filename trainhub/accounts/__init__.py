"""Accounts: log-in, log-out, profile (password, language, API tokens), enterprise sign-up,
invitations and the organizers' user administration."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from trainhub.templating import register_nav

bp = Blueprint("accounts", __name__)

register_nav("accounts.admin_users", _l("用户管理"), roles=("organizer",), order=80)

from trainhub.accounts import views  # noqa: E402
