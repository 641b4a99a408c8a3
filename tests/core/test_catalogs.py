"""The English catalogs compile with Babel's own `pybabel compile` (which skips a catalog whose header is
marked fuzzy), and scripts/i18n.py never marks a header fuzzy again."""

from __future__ import annotations

import importlib.util
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = sorted(ROOT.glob("trainhub/**/translations/en/LC_MESSAGES/messages.po"))
PYBABEL = Path(sys.executable).with_name("pybabel")


def pybabel_compile(po: Path, mo: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(PYBABEL), "compile", "-l", "en", "-i", str(po), "-o", str(mo)], capture_output=True, text=True
    )


def test_there_are_catalogs():
    assert len(CATALOGS) >= 10


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: p.parents[2].parent.name)
def test_pybabel_compiles_every_catalog(po, tmp_path):
    mo = tmp_path / "messages.mo"
    result = pybabel_compile(po, mo)
    assert result.returncode == 0, result.stderr
    assert "fuzzy" not in result.stderr + result.stdout
    assert mo.exists() and mo.stat().st_size > 100


def _i18n_script():
    spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_update_and_translate_write_headers_that_are_not_fuzzy(tmp_path, monkeypatch, capsys):
    script = _i18n_script()
    po = tmp_path / "en" / "LC_MESSAGES" / "messages.po"
    shutil.copy(ROOT / "trainhub/units/translations/en/LC_MESSAGES/messages.po", tmp_path / "old.po")
    monkeypatch.setattr(script, "catalog_path", lambda feature: po)
    script.update("units")  # a new catalog first: Babel's Catalog() would start fuzzy
    script.translate("units", io.StringIO(""))
    assert read_po(po.open("rb"), locale="en").fuzzy is False
    assert "#, fuzzy" not in po.read_text(encoding="utf-8").split('msgid ""')[0]
    result = pybabel_compile(po, tmp_path / "messages.mo")
    assert result.returncode == 0 and "fuzzy" not in result.stderr
