"""Stored uploads of reports and news: the shared `trainhub.uploads.store_upload` when present, else a
minimal local equivalent (random name under UPLOAD_DIR, extension and size checked)."""
from __future__ import annotations

import os
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from trainhub.errors import DomainError, ValidationError
from trainhub.security import new_token

CONTENT_TYPES = {
    "pdf": "application/pdf", "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "zip": "application/zip",
}
# Leading bytes of each type: a renamed file is refused.
MAGIC = {"pdf": (b"%PDF",), "jpg": (b"\xff\xd8\xff",), "jpeg": (b"\xff\xd8\xff",), "png": (b"\x89PNG\r\n\x1a\n",),
         "docx": (b"PK\x03\x04",), "xlsx": (b"PK\x03\x04",), "zip": (b"PK\x03\x04", b"PK\x05\x06")}


def upload_dir() -> Path:
    configured = current_app.config.get("UPLOAD_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "uploads"


def stored_path(stored_name: str) -> Path:
    return upload_dir() / stored_name


def store(file_storage, *, allowed: set[str], max_bytes: int) -> dict:
    """dict(filename, stored_name, size, content_type); 422 for a wrong type, 413 when too large."""
    try:
        from trainhub.uploads import store_upload
    except ImportError:
        store_upload = None
    if store_upload is not None:
        return store_upload(file_storage, allowed=allowed, max_bytes=max_bytes)
    return _store_locally(file_storage, allowed=allowed, max_bytes=max_bytes)


def _store_locally(file_storage, *, allowed: set[str], max_bytes: int) -> dict:
    filename = os.path.basename(file_storage.filename or "").strip()
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    kinds = ", ".join(sorted(allowed))
    if ext not in allowed:
        raise ValidationError({"file": [_l("不支持的文件类型，只能上传：%(kinds)s", kinds=kinds)]},
                              code="file_type_not_allowed")
    data = file_storage.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise DomainError("file_too_large", _l("文件过大，最大 %(mb)s MB。", mb=max_bytes // (1024 * 1024)), 413)
    if not data.startswith(MAGIC.get(ext, (b"",))):
        raise ValidationError({"file": [_l("文件内容与类型不符，只能上传：%(kinds)s", kinds=kinds)]},
                              code="file_type_not_allowed")
    stored_name = f"{new_token(16)}.{ext}"
    target = stored_path(stored_name)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return {"filename": filename[:255], "stored_name": stored_name, "size": len(data),
            "content_type": CONTENT_TYPES.get(ext, "application/octet-stream")}
