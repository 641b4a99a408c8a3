"""Campaign reports (活动总结), news (日常动态) and report reminders."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from trainhub.templating import register_nav

bp = Blueprint("reports", __name__)

register_nav("reports.index", _l("活动总结"), roles=("organizer",), order=85)


@bp.app_template_global()
def campaign_news(campaign, limit=None):
    """Published news of a campaign, newest first (used by templates/reports/_campaign_news.html)."""
    from trainhub.reports.queries import published_news

    return published_news(campaign, limit)


from trainhub.reports import views  # noqa: E402


def _register_reminders() -> None:
    from trainhub.notifications.reminders import register_reminder_job
    from trainhub.reports.reminders import send_report_reminders

    register_reminder_job(send_report_reminders)


_register_reminders()
