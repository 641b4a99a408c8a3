"""Stored uploads of reports and news go through the shared trainhub.uploads."""

from __future__ import annotations

from trainhub.uploads import store_upload, upload_path


def store(file_storage, *, allowed: set[str], max_bytes: int) -> dict:
    """dict(filename, stored_name, size, content_type); 422 for a wrong type, 413 when too large."""
    return store_upload(file_storage, allowed=allowed, max_bytes=max_bytes)


def stored_path(stored_name: str):
    return upload_path(stored_name)
