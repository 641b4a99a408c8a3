"""The one paginator (pages and the API) and the one LIKE escaper.

A page is `{items, page, pages, total}` (API.md "Lists"): one count query and one page query.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from trainhub.extensions import db

MAX_PER_PAGE = 500
DEFAULT_PER_PAGE = 50


@dataclass
class Page:
    items: list[Any]
    page: int
    per_page: int
    total: int
    pages: int = field(init=False)

    def __post_init__(self) -> None:
        self.pages = max(1, math.ceil(self.total / self.per_page)) if self.total else 1

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    def map(self, convert: Callable[[list[Any]], list[Any]]) -> Page:
        """The same page with its items converted as a whole (a serializer that loads relations once)."""
        converted = Page(convert(self.items), self.page, self.per_page, self.total)
        return converted


def paginate(statement: sa.Select, page: int = 1, per_page: int = DEFAULT_PER_PAGE, *, scalars: bool = True) -> Page:
    """The page `page` of `statement` (ordered by the caller). `scalars=False` keeps whole rows."""
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, page)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(statement.order_by(None).subquery())) or 0
    result = db.session.execute(statement.limit(per_page).offset((page - 1) * per_page))
    items = list(result.scalars() if scalars else result.all())
    return Page(items, page, per_page, total)


MAX_PAGE = 1_000_000  # beyond any list, and an OFFSET every database takes


def page_number(args) -> int:
    """A page's `?page=` (request.args): a positive integer (ASCII digits), else the first page."""
    raw = str(args.get("page") or "1").strip()
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
        return 1
    return min(int(raw), MAX_PAGE)


def like_pattern(text: str) -> str:
    """`%text%` for `column.ilike(pattern, escape="\\")`, with the user's % _ and \\ taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def contains(column: Any, text: str) -> sa.ColumnElement[bool]:
    """Case-insensitive "column contains text" (LIKE with the one escaper)."""
    return column.ilike(like_pattern(text), escape="\\")
