"""Check-in at the door (签到): the console, manual fallback, self check-in and attendance pages.

rules.py         the rules on plain values: decide(...) → the result code, the window, the direction
scan.py          the scan engine: token lookup, lock, insert, commit (console, API, CLI, ticket page)
self_checkin.py  the presenter's rotating codes and the attendee's own check-in
results.py       a scan's answer (CheckInResult) and its message in the reader's language
queries.py       reads: the attendance figures, the latest scans, the manual search
services.py      the other write use case: undoing a wrong check-in
"""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from trainhub.templating import register_nav

bp = Blueprint("checkin", __name__)

register_nav("checkin.index", _l("签到台"), roles=("trainer",), order=30)

from trainhub.checkin import views  # noqa: E402
