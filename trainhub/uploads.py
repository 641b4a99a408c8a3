"""Uploaded files (campaign attachments, report attachments, news photos).

A file is stored under `UPLOAD_DIR` (default `instance/uploads`) with a random name; its type is
checked by extension AND by its first bytes (a renamed .exe is no PDF), its size while it streams.
"""

from __future__ import annotations

import os
import unicodedata
import zipfile
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from trainhub.errors import DomainError, ValidationError
from trainhub.security import new_token

# What campaign and report attachments accept (API.md).
DOCUMENT_TYPES = {"pdf", "jpg", "png", "docx", "xlsx", "zip"}
IMAGE_TYPES = {"jpg", "png"}

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}
_ALIASES = {"jpeg": "jpg"}
_CHUNK = 64 * 1024


def upload_dir() -> Path:
    path = Path(current_app.config.get("UPLOAD_DIR") or Path(current_app.instance_path) / "uploads")
    path.mkdir(parents=True, exist_ok=True)
    return path


def upload_path(stored_name: str) -> Path:
    """Where a stored file lives (stored names are ours: random token + extension)."""
    return upload_dir() / Path(stored_name).name


def max_upload_bytes() -> int:
    return int(current_app.config.get("MAX_UPLOAD_MB") or 20) * 1024 * 1024


def clean_filename(name: str | None) -> str:
    """The name shown to people: no path, no control characters, Chinese kept, at most 255 chars."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().lstrip(".")
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 250 - len(ext)] + dot + ext) if dot else name[:255]
    return name or "file"


def extension_of(name: str) -> str:
    ext = name.rpartition(".")[2].lower() if "." in name else ""
    return _ALIASES.get(ext, ext)


def sniff(path: Path) -> str | None:
    """The type a file's bytes show: pdf, jpg, png, docx, xlsx, zip, or None."""
    with path.open("rb") as f:
        head = f.read(8)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError):
            return None
        if "[Content_Types].xml" in names:
            if any(n.startswith("word/") for n in names):
                return "docx"
            if any(n.startswith("xl/") for n in names):
                return "xlsx"
        return "zip"
    return None


def _type_error(allowed: set[str]):
    return ValidationError(
        {"file": [_l("只接受以下类型的文件：%(types)s", types=", ".join(sorted(allowed)))]},
        code="invalid_file_type",
    )


def store_upload(file_storage, *, allowed: set[str], max_bytes: int | None = None) -> dict:
    """Store an uploaded file (a werkzeug FileStorage) under a random name.

    Returns {filename, stored_name, size, content_type}. Raises ValidationError (422: no file,
    empty, wrong type or content not matching the extension) or DomainError 413 `file_too_large`.
    The caller records the returned fields on its model and commits; on failure nothing stays on disk.
    """
    if max_bytes is None:
        max_bytes = max_upload_bytes()
    if file_storage is None or not getattr(file_storage, "filename", None):
        raise ValidationError({"file": [_l("请选择要上传的文件。")]}, code="file_missing")
    filename = clean_filename(file_storage.filename)
    ext = extension_of(filename)
    if ext not in allowed:
        raise _type_error(allowed)
    stored_name = f"{new_token(16)}.{ext}"
    target = upload_dir() / stored_name
    size = 0
    try:
        with target.open("wb") as out:
            while True:
                chunk = file_storage.stream.read(_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise DomainError(
                        "file_too_large",
                        _l("文件过大：最大 %(mb)s MB。", mb=max(1, max_bytes // (1024 * 1024))),
                        413,
                    )
                out.write(chunk)
        if size == 0:
            raise ValidationError({"file": [_l("文件是空的。")]}, code="file_empty")
        sniffed = sniff(target)
        # A .zip may hold an Office file; an Office file is never accepted as a bare zip of other content.
        if sniffed != ext and not (ext == "zip" and sniffed in ("docx", "xlsx")):
            raise _type_error(allowed)
    except BaseException:
        try:
            os.unlink(target)
        except OSError:
            pass
        raise
    return {"filename": filename, "stored_name": stored_name, "size": size, "content_type": CONTENT_TYPES[ext]}


def delete_upload(stored_name: str) -> None:
    try:
        os.unlink(upload_path(stored_name))
    except OSError:
        pass
