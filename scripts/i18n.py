#!/usr/bin/env python3
"""Per-feature English catalogs. Source strings are Chinese (zh_CN needs no catalog).

  scripts/i18n.py update FEATURE   extract trainhub/FEATURE/** and templates/FEATURE/** into
                                   trainhub/FEATURE/translations/en/LC_MESSAGES/messages.po,
                                   keeping existing translations (fill the empty msgstr's)
  scripts/i18n.py translate FEATURE < pairs.tsv
                                   set translations from lines "中文<TAB>English" (msgids must exist)
  scripts/i18n.py missing          list every msgid in the code without an English translation
  scripts/i18n.py compile          compile every catalog (.po → .mo)
Shared files (trainhub/*.py, templates/*.html at the top level) belong to the feature "core",
whose catalog is trainhub/translations.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "trainhub"
KEYWORDS = {
    "_": None,
    "gettext": None,
    "lazy_gettext": None,
    "_l": None,
    "ngettext": (1, 2),
    "lazy_ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
}


def feature_files(feature: str) -> list[Path]:
    if feature == "core":
        files = [*PKG.glob("*.py"), *(ROOT / "templates").glob("*.html")]
        files += list((ROOT / "templates" / "errors").glob("*.html"))
        files += list((PKG / "main").rglob("*.py")) + list((ROOT / "templates" / "main").rglob("*.html"))
        return files
    return list((PKG / feature).rglob("*.py")) + list((ROOT / "templates" / feature).rglob("*.html"))


def catalog_path(feature: str) -> Path:
    base = PKG / "translations" if feature == "core" else PKG / feature / "translations"
    return base / "en" / "LC_MESSAGES" / "messages.po"


def extract(files: list[Path]) -> dict[str, list]:
    found: dict[str, list] = {}
    for path in files:
        method = "jinja2" if path.suffix == ".html" else "python"
        options = {"extensions": "jinja2.ext.do"} if method == "jinja2" else {}
        for lineno, message, _comments, _context in extract_from_file(
            method, str(path), keywords=KEYWORDS, options=options
        ):
            msgid = message if isinstance(message, str) else message
            found.setdefault(msgid, []).append((str(path.relative_to(ROOT)), lineno))
    return found


def read_catalog(path: Path) -> Catalog:
    if path.exists():
        with path.open("rb") as f:
            return read_po(f, locale="en")
    return Catalog(locale="en", project="TrainHub", fuzzy=False)


def write_catalog(path: Path, catalog: Catalog) -> None:
    """Write a catalog with a header that is never fuzzy: Babel's Catalog() starts fuzzy, and
    `pybabel compile` skips a catalog whose header is marked so."""
    catalog.fuzzy = False
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, catalog, width=100, omit_header=False)


def update(feature: str) -> None:
    path = catalog_path(feature)
    old = read_catalog(path)
    new = Catalog(locale="en", project="TrainHub", fuzzy=False)
    for msgid, locations in sorted(extract(feature_files(feature)).items(), key=lambda kv: str(kv[0])):
        previous = old.get(msgid)
        new.add(
            msgid, previous.string if previous else ("", "") if isinstance(msgid, tuple) else "", locations=locations
        )
    write_catalog(path, new)
    empty = [m.id for m in new if m.id and not m.string]
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    print(f"{shown}: {len(new)} messages, {len(empty)} untranslated")


def translate(feature: str, lines) -> None:
    path = catalog_path(feature)
    catalog = read_catalog(path)
    unknown = []
    for line in lines:
        if not line.strip() or "\t" not in line:
            continue
        source, target = line.rstrip("\n").split("\t", 1)
        message = catalog.get(source)
        if message is None:
            unknown.append(source)
            continue
        message.string = target
    write_catalog(path, catalog)
    for source in unknown:
        print(f"not in {feature}'s catalog (run update first?): {source}")


def all_translations() -> dict:
    known = {}
    for po in [PKG / "translations/en/LC_MESSAGES/messages.po", *PKG.glob("*/translations/en/LC_MESSAGES/messages.po")]:
        if po.exists():
            for message in read_catalog(po):
                if message.id and message.string and (not isinstance(message.string, tuple) or all(message.string)):
                    known[message.id] = message.string
    return known


def missing() -> list[tuple]:
    files = list(PKG.rglob("*.py")) + list((ROOT / "templates").rglob("*.html"))
    known = all_translations()
    return [(msgid, locs[0]) for msgid, locs in extract(files).items() if msgid not in known]


def compile_all() -> None:
    for po in [PKG / "translations/en/LC_MESSAGES/messages.po", *PKG.glob("*/translations/en/LC_MESSAGES/messages.po")]:
        if po.exists():
            catalog = read_catalog(po)
            with po.with_suffix(".mo").open("wb") as f:
                write_mo(f, catalog)


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "update":
        for name in sys.argv[2:]:
            update(name)
    elif len(sys.argv) == 3 and sys.argv[1] == "translate":
        translate(sys.argv[2], sys.stdin)
    elif sys.argv[1:] == ["missing"]:
        rows = missing()
        for msgid, (path, line) in rows:
            print(f"{path}:{line}: {msgid!r}")
        print(f"{len(rows)} untranslated")
        sys.exit(1 if rows else 0)
    elif sys.argv[1:] == ["compile"]:
        compile_all()
    else:
        print(__doc__)
        sys.exit(2)
