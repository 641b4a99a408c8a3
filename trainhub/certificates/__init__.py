"""参训证明: issue, revoke, reissue, download (PDF, ZIP) and public verification."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from trainhub.templating import register_nav

bp = Blueprint("certificates", __name__)

from trainhub.certificates import views  # noqa: E402

register_nav("certificates.mine", _l("我的参训证明"), roles=("enterprise",), order=40)
