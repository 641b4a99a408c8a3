"""gunicorn.conf.py: gunicorn reads it from the project directory, and each worker freezes the loaded app."""

from __future__ import annotations

import gc
import runpy
from pathlib import Path

from gunicorn.app.wsgiapp import WSGIApplication

ROOT = Path(__file__).resolve().parents[2]


def test_gunicorn_reads_the_projects_settings(monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr("sys.argv", ["gunicorn", "wsgi:app"])
    application = WSGIApplication()
    assert application.cfg.post_worker_init.__module__ != "gunicorn.config"  # ours, not the default no-op


def test_a_worker_freezes_what_the_app_loaded():
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    gc.unfreeze()
    try:
        settings["post_worker_init"](worker=None)
        assert gc.get_freeze_count() > 1000
    finally:
        gc.unfreeze()
