"""trainhub.pagination: the one page shape and the one LIKE escaper."""

from __future__ import annotations

import pytest

from trainhub.pagination import Page, like_pattern, page_number


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("abc", "%abc%"),
        ("50%", "%50\\%%"),
        ("a_b", "%a\\_b%"),
        ("c:\\d", "%c:\\\\d%"),
    ],
)
def test_like_pattern_escapes_what_like_would_read(text, pattern):
    assert like_pattern(text) == pattern


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        (None, 1),
        ("", 1),
        ("3", 3),
        ("0", 1),
        ("-2", 1),
        ("x", 1),
        (" 4 ", 4),
        ("٣", 1),
        ("9" * 30, 1_000_000),
    ],
)
def test_page_number_is_a_positive_integer_or_the_first_page(raw, number):
    assert page_number({} if raw is None else {"page": raw}) == number


@pytest.mark.parametrize(("total", "per_page", "pages"), [(0, 10, 1), (1, 10, 1), (10, 10, 1), (11, 10, 2)])
def test_pages_count_at_least_one(total, per_page, pages):
    page = Page([], 1, per_page, total)
    assert page.pages == pages and not page.has_prev and page.has_next == (pages > 1)
