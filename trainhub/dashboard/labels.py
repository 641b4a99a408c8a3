"""Translated labels for event kinds and modes (shared by the pages, XLSX and PDF)."""

from flask_babel import lazy_gettext as _l

KIND_LABELS = {"training": _l("培训"), "seminar": _l("研讨会"), "meeting": _l("会议")}
MODE_LABELS = {"online": _l("线上"), "offline": _l("线下"), "hybrid": _l("线上线下结合")}
