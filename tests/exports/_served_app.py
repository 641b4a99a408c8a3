"""The app as gunicorn serves it for tests/exports/test_served_downloads.py (`_served_app:served_app()`):
the test's configuration (JSON in TRAINHUB_TEST_SERVED_CONFIG) and one injected fault — a CSV cell or a
certificate whose name is FAULT raises while the file is being made, as a row that cannot be rendered would.
Importing this module changes nothing; only the server process calls served_app()."""

from __future__ import annotations

import json
import os

from trainhub import create_app
from trainhub.certificates import services as certificates
from trainhub.exports import services as exports

FAULT = "故障注入"


def _inject_faults() -> None:
    csv_cell, render_batch = exports._csv_cell, certificates.render_batch

    def failing_csv_cell(value):
        if value == FAULT:
            raise RuntimeError("injected fault: a row that cannot be rendered")
        return csv_cell(value)

    def failing_render_batch(items):
        """The certificates before the first FAULT as usual, then the fault (no font is cut for it)."""
        fault = next((n for n, item in enumerate(items) if item.name == FAULT), None)
        yield from render_batch(items if fault is None else items[:fault])
        if fault is not None:
            raise RuntimeError("injected fault: a certificate that cannot be rendered")

    exports._csv_cell = failing_csv_cell
    certificates.render_batch = failing_render_batch


def served_app():
    _inject_faults()
    return create_app(json.loads(os.environ["TRAINHUB_TEST_SERVED_CONFIG"]))
