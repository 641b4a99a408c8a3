"""The field rules every resource's schema is declared with (marshmallow), in the request's language.

One rule, one place: a resource declares its input once (`<feature>/schemas.py`); the API validates
and documents through it (flask-smorest), and the HTML forms validate through the same schema
(`trainhub.forms.SchemaForm`). Messages are lazy translations, rendered in the request's language
when the error is answered. What needs state (windows, capacity, scope) stays in the services.
"""

from __future__ import annotations

import functools
from datetime import date, datetime
from typing import Any
from urllib.parse import urlparse

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from trainhub.inputs import ID_MAX
from trainhub.timeutil import parse_date, parse_datetime

# marshmallow's own messages for every field, in Chinese (translated by the catalog).
_COMMON = {
    "required": _l("此项必填。"),
    "null": _l("此项必填。"),
    "validator_failed": _l("取值不正确。"),
}


class Schema(ma.Schema):
    """Base of every declared schema: unknown keys are ignored (a client may send back what it read)."""

    class Meta:
        unknown = ma.EXCLUDE
        ordered = True

    error_messages = {"type": _l("请求体必须是 JSON 对象。")}


class _BlankIsMissing:
    """An emptied form field ("" or spaces) reads as null, as JSON would send it."""

    def deserialize(self, value: Any, attr: str | None = None, data: Any = None, **kwargs: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            value = None
        return super().deserialize(value, attr, data, **kwargs)  # type: ignore[misc]


class Text(ma.fields.String):
    """Text, stripped. `None` reads as "" (an emptied field); `required=True` also refuses blank text.

    `max_length` is the column's length; the JSON schema carries it (`maxLength`)."""

    default_error_messages = {
        **_COMMON,
        "invalid": _l("必须是文本。"),
        "invalid_utf8": _l("必须是文本。"),
        "blank": _l("此项必填。"),
        "too_long": _l("不能超过 %(n)s 个字符。"),
    }

    def __init__(self, *, max_length: int | None = None, blank: bool | None = None, **kwargs: Any) -> None:
        self.max_length = max_length
        # A required text may not be blank; an optional one may be emptied (sent as "" or null).
        self.blank_allowed = (not kwargs.get("required", False)) if blank is None else blank
        kwargs.setdefault("allow_none", True)
        metadata = kwargs.pop("metadata", {})
        if max_length is not None:
            metadata.setdefault("maxLength", max_length)
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not text and not self.blank_allowed:
            raise self.make_error("blank")
        if self.max_length is not None and len(text) > self.max_length:
            raise ma.ValidationError(_l("不能超过 %(n)s 个字符。", n=self.max_length))
        return text

    def deserialize(self, value: Any, attr: str | None = None, data: Any = None, **kwargs: Any) -> Any:
        if value is None and self.allow_none:
            if not self.blank_allowed:
                raise self.make_error("blank")
            return ""
        return super().deserialize(value, attr, data, **kwargs)


class Url(Text):
    """An http(s) link (a meeting link): the only schemes a person can open safely."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if text:
            parsed = urlparse(text)
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                raise ma.ValidationError(_l("请填写以 http:// 或 https:// 开头的链接。"))
        return text


class Integer(_BlankIsMissing, ma.fields.Integer):
    """A whole number within [minimum, maximum] (default 0 … 2³¹−1: what an integer column holds).

    Numbers written as text ("12") are taken, as a form sends them; booleans are not numbers."""

    default_error_messages = {**_COMMON, "invalid": _l("必须是整数。"), "too_large": _l("数值超出范围。")}

    def __init__(self, *, minimum: int | None = 0, maximum: int | None = ID_MAX, **kwargs: Any) -> None:
        self.minimum, self.maximum = minimum, maximum
        metadata = kwargs.pop("metadata", {})
        if minimum is not None:
            metadata.setdefault("minimum", minimum)
        if maximum is not None:
            metadata.setdefault("maximum", maximum)
        super().__init__(strict=False, metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid")  # marshmallow would truncate 12.5 to 12
        if isinstance(value, str):
            value = value.strip()
        number = super()._deserialize(value, attr, data, **kwargs)
        if self.minimum is not None and number < self.minimum:
            raise ma.ValidationError(
                _l("不能为负数。")
                if self.minimum == 0
                else _l("必须大于 0。")
                if self.minimum == 1
                else _l("不能小于 %(n)s。", n=self.minimum)
            )
        if self.maximum is not None and number > self.maximum:
            raise ma.ValidationError(_l("不能大于 %(n)s。", n=self.maximum))
        return number


class Id(Integer):
    """The id of a row (1 … 2³¹−1)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(minimum=1, **kwargs)


class IdList(ma.fields.List):
    """A list of ids, duplicates dropped, order kept (`trainer_ids`). `null` reads as []."""

    default_error_messages = {**_COMMON, "invalid": _l("必须是编号的列表。")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_none", True)
        super().__init__(Id(), **kwargs)

    def deserialize(self, value: Any, attr: str | None = None, data: Any = None, **kwargs: Any) -> Any:
        if value is None:
            return []
        ids = super().deserialize(value, attr, data, **kwargs)
        if ids is ma.missing or ids is None:
            return ids  # left out: the field's default (or nothing, on a partial load)
        return list(dict.fromkeys(ids))


class Boolean(ma.fields.Boolean):
    default_error_messages = {**_COMMON, "invalid": _l("必须是 true 或 false。")}
    truthy = {True, "1", "true", "True", "TRUE", "yes", "on", "y", "Y"}
    falsy = {False, "0", "false", "False", "FALSE", "no", "off", "n", "N", ""}


class Choice(ma.fields.String):
    """One of a fixed list of codes; the JSON schema carries the enum."""

    default_error_messages = {**_COMMON, "invalid": _l("必须是文本。")}

    def __init__(self, choices: tuple[str, ...] | list[str], **kwargs: Any) -> None:
        self.choices = tuple(choices)
        metadata = kwargs.pop("metadata", {})
        metadata.setdefault("enum", list(self.choices))
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if text not in self.choices:
            raise ma.ValidationError(_l("取值必须是：%(values)s", values=", ".join(self.choices)))
        return text


class Instant(_BlankIsMissing, ma.fields.DateTime):
    """A moment: ISO 8601; without an offset it is the platform's zone (API.md "Times")."""

    default_error_messages = {**_COMMON, "invalid": _l("时间格式不正确，例如 2021-10-14T09:00。")}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        if isinstance(value, datetime):
            if value.tzinfo is None:
                raise self.make_error("invalid")
            return value
        try:
            return parse_datetime(value)
        except (ValueError, TypeError) as exc:
            raise self.make_error("invalid") from exc

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        from trainhub.timeutil import iso

        return iso(value)


class Day(_BlankIsMissing, ma.fields.Date):
    """A calendar date, 1900–2100 (YYYY-MM-DD)."""

    default_error_messages = {**_COMMON, "invalid": _l("日期格式不正确，例如 2021-10-14。")}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        try:
            return parse_date(value)
        except (ValueError, TypeError) as exc:
            raise self.make_error("invalid") from exc


class Nested(ma.fields.Nested):
    default_error_messages = {**_COMMON, "type": _l("必须是 JSON 对象。")}


class List(ma.fields.List):
    default_error_messages = {**_COMMON, "invalid": _l("必须是列表。")}


# -- answers ----------------------------------------------------------------------------------


class Ref(Schema):
    """A named reference to another object: `{id, name}`."""

    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)


class ErrorBody(Schema):
    code = ma.fields.String(required=True, metadata={"description": "stable snake_case code"})
    message = ma.fields.String(required=True, metadata={"description": "in the request's language"})
    fields = ma.fields.Dict(  # type: ignore[assignment]  # a declared field: SchemaMeta takes it off the class
        keys=ma.fields.String(),
        values=ma.fields.List(ma.fields.String()),
        metadata={"description": "422 only: the problems of each field"},
    )


class Error(Schema):
    """Every error answer (API.md "Errors"); some carry more keys (`allowed` for quota_exceeded)."""

    class Meta:
        unknown = ma.EXCLUDE

    error = ma.fields.Nested(ErrorBody, required=True)


class PageArgs(Schema):
    """`?page=&per_page=` of every list."""

    page = Integer(minimum=1, load_default=1)
    # More than 500 is taken as 500 (API.md "max 500"): a client asking for everything gets full pages.
    per_page = Integer(
        minimum=1,
        load_default=50,
        metadata={"description": "items per page, at most 500 (a larger number reads as 500)"},
    )


@functools.cache
def page_of(item_schema: type[ma.Schema], name: str | None = None) -> type[ma.Schema]:
    """The list answer `{items, page, pages, total}` of `item_schema` (one component per item type)."""
    name = name or item_schema.__name__.removesuffix("Schema") + "Page"
    return type(
        name,
        (Schema,),
        {
            "items": ma.fields.List(ma.fields.Nested(item_schema), required=True),
            "page": ma.fields.Integer(required=True),
            "pages": ma.fields.Integer(required=True),
            "total": ma.fields.Integer(required=True),
        },
    )


def load(schema: ma.Schema, data: Any) -> Any:
    """`schema.load(data)` outside webargs (a page's form, the command line, the scan's fast path): the
    refusal as the API's 422, with the fields (errors.py answers it as JSON or shows it on the page)."""
    from trainhub.errors import ValidationError

    try:
        return schema.load(data)
    except ma.ValidationError as error:
        raise ValidationError(field_errors(error.messages)) from None


def field_errors(messages: Any, prefix: str = "") -> dict[str, list]:
    """marshmallow's nested messages as API.md's flat `fields`: `{"attendees.0.name": [...]}`."""
    flat: dict[str, list] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if key == "_schema":
                path = prefix or "_schema"
            for name, problems in field_errors(value, path).items():
                flat.setdefault(name, []).extend(problems)
    elif isinstance(messages, list) and messages and not all(isinstance(m, (dict, list)) for m in messages):
        flat[prefix or "_schema"] = list(messages)
    elif isinstance(messages, list):
        for index, value in enumerate(messages):
            for name, problems in field_errors(value, f"{prefix}.{index}").items():
                flat.setdefault(name, []).extend(problems)
    else:
        flat[prefix or "_schema"] = [messages]
    return flat
