"""Report rules a page also shows (no database, no services): one function each."""

from __future__ import annotations


def awaits_review(report) -> bool:
    """A submitted report (a CampaignReport or its ReportView) is what the commission accepts or returns."""
    return report is not None and report.status == "submitted"
