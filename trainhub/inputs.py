"""Input is refused where it enters, once for every page and endpoint (输入在入口处把关):

- `<int:…>` in any URL takes only what an id column holds (ids are 32-bit `integer` columns):
  anything larger matches no route, so it is a 404 like any unknown id;
- query arguments and form fields: no NUL, lone surrogate or control character in any text, no
  line break in a single-line field (SINGLE_LINE_FIELDS), and ids and page numbers within the same
  range (422 with the field);
- string path arguments with such characters name nothing (404);
- JSON bodies (`read_json_object`, for the API and the pages' JSON calls): one parser with a depth
  limit, the upload limit for chunked bodies too, the same text rules for every key and string, and
  no number past the 32-bit range (422 with the field's path, `attendees.0.name`).

The services and forms keep the rules that need a field's meaning beyond its name (lengths, formats).
"""

from __future__ import annotations

import json
import re

from flask import Flask, abort, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

from trainhub.errors import DomainError, ValidationError

ID_MAX = 2**31 - 1  # every id (and every integer the platform stores) is a 32-bit `integer` column
JSON_MAX_DEPTH = 64

# NUL, the other C0 controls but tab/LF/CR, DEL, the C1 controls, lone surrogates (JSON "\ud800").
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# What else breaks a line (a mail header, a CSV cell, a log line): for single-line fields.
_LINE_BREAKING = re.compile(r"[\t\n\r\u2028\u2029]")
# Fields that hold one line wherever they are sent (API bodies and forms use the same names; a form's
# `attendees-0-name` and a body's `attendees.0.name` both end in `name`): a line break in a title
# breaks every mail subject, CSV cell and calendar line it is copied into.
SINGLE_LINE_FIELDS = frozenset(
    {
        "title",
        "name",
        "topic",
        "theme",
        "venue",
        "online_url",
        "place",
        "phone",
        "email",
        "job_title",
        "contact_name",
        "contact_phone",
        "contact_email",
        "district",
        "industry",
        "uscc",
        "token_name",
        "organization",
        "filename",
        "kind",
        "mode",
        "status",
        "role",
        "direction",
        "device",
        "token",
    }
)
# Query and form arguments that carry an id or a page number.
_NUMBERED_ARGUMENT = re.compile(r"^(?:id|page|per_page|.+_id)$")


def text_problem(value: str, *, single_line: bool = False):
    """Why this text cannot be taken (a translatable message), or None."""
    if _FORBIDDEN.search(value):
        return _l("含有不允许的字符（控制字符或无效的 Unicode）。")
    if single_line and _LINE_BREAKING.search(value):
        return _l("不能包含换行或制表符。")
    return None


def number_problem(value):
    """Why this number cannot be stored or compared with a column (past the 32-bit range), or None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if value != value or abs(value) > ID_MAX:  # NaN, ±inf, or past the range
        return _l("数值超出范围。")
    return None


def digits_problem(value: str):
    """A number written as text (an id, a page in a query) past the range, or None."""
    digits = value.strip().lstrip("+-").lstrip("0")
    if digits.isdecimal() and (len(digits) > 10 or int(digits) > ID_MAX):
        return _l("数值超出范围。")
    return None


def is_single_line(path: str) -> bool:
    return re.split(r"[.\-]", path)[-1] in SINGLE_LINE_FIELDS


def names_a_number(path: str) -> bool:
    """`id`, `page`, `per_page`, `…_id`, or an item of `…_ids` (`trainer_ids.0`)."""
    parent, _, last = path.rpartition(".")
    if last.isdigit() and parent:
        return parent.rpartition(".")[2].endswith("_ids")
    return bool(_NUMBERED_ARGUMENT.match(last))


def _digits_up_to(limit: int) -> str:
    """A regex for the decimal numbers 0..limit (leading zeros allowed)."""
    text = str(limit)
    alternatives = [rf"\d{{1,{len(text) - 1}}}"] if len(text) > 1 else []
    for index, char in enumerate(text):
        if char != "0":
            rest = len(text) - index - 1
            alternatives.append(text[:index] + f"[0-{int(char) - 1}]" + (rf"\d{{{rest}}}" if rest else ""))
    alternatives.append(text)
    return "0*(?:" + "|".join(alternatives) + ")"


class IdConverter(IntegerConverter):
    """`<int:…>`: only numbers an id column holds. The limit is in the regex, not in to_python: a rule
    whose converter refuses after matching makes Werkzeug answer 405 when a sibling rule has another
    method; a number that matches no rule is a plain 404, as any unknown id."""

    regex = _digits_up_to(ID_MAX)


def _refuse(name: str, message) -> None:
    raise ValidationError({name: [message]}, message=_l("%(field)s：%(problem)s", field=name, problem=message))


def check_request_arguments() -> None:
    """before_request: query arguments, form fields, JSON bodies and string path arguments."""
    for value in request.view_args.values() if request.view_args else ():
        if isinstance(value, str) and text_problem(value):
            abort(404)
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and request.is_json:
        read_json_object()  # the pages' JSON calls (the check-in console) by the same rules as the API
    sources = [request.args]
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and request.mimetype in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        sources.append(request.form)
    for source in sources:
        for name, value in source.items(multi=True):
            if name is None:  # a multipart part without a name: nothing a form or the API can have sent
                _refuse("_form", _l("请求格式不正确。"))
            problem = text_problem(value, single_line=source is not request.args and is_single_line(name))
            problem = problem or text_problem(name)
            if problem is None and names_a_number(name):
                problem = digits_problem(value)
            if problem is not None:
                _refuse(_printable(name), problem)


def _printable(name: str) -> str:
    return _FORBIDDEN.sub("\ufffd", name)


def _malformed(message=None) -> DomainError:
    return DomainError("malformed_json", message or _l("请求体必须是 JSON 对象。"), 400)


def _no_constants(name: str):
    raise ValueError(f"{name} is not JSON")


_PARSED = "trainhub.json_body"


def read_json_object() -> dict:
    """The request's JSON object; an empty body is `{}`. 400 `malformed_json` for anything that is not
    a JSON object (whatever the transfer encoding) or is nested deeper than JSON_MAX_DEPTH; 413 past
    the upload limit (chunked bodies too); 422 with the field for a string or number no column takes.
    Parsed once per request."""
    if _PARSED in request.environ:
        return request.environ[_PARSED]
    raw = request.get_data(cache=True)  # bounded by MAX_CONTENT_LENGTH, with or without Content-Length
    if _unreadable_chunked_body():
        raise _malformed()
    if _over_the_limit(raw):
        raise RequestEntityTooLarge()
    if not raw.strip():
        data = {}
    else:
        if not request.is_json:
            raise _malformed()
        try:
            data = json.loads(raw.decode("utf-8"), parse_constant=_no_constants)
        except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
            raise _malformed() from None
        if not isinstance(data, dict):
            raise _malformed()
        _check_values(data)
    request.environ[_PARSED] = data
    return data


def _over_the_limit(raw: bytes) -> bool:
    """A body without Content-Length (chunked) is cut at MAX_CONTENT_LENGTH by Werkzeug, silently:
    whether more was sent shows only by reading on."""
    limit = request.max_content_length
    return (
        limit is not None
        and request.content_length is None
        and len(raw) >= limit
        and bool(request.environ["wsgi.input"].read(1))
    )


def _unreadable_chunked_body() -> bool:
    """A chunked body the server did not mark as terminated reads as empty (Werkzeug cannot tell where
    it ends): refuse it rather than act as if nothing was sent. Gunicorn marks it."""
    return "chunked" in request.headers.get("Transfer-Encoding", "").lower() and not request.environ.get(
        "wsgi.input_terminated"
    )


def _check_values(data: dict) -> None:
    """Every key, string and number of the parsed body, named by its path (`attendees.0.name`), and
    the nesting depth."""
    pending: list[tuple[str, object, int]] = [("", data, 1)]
    while pending:
        path, value, depth = pending.pop()
        if isinstance(value, (dict, list)) and depth > JSON_MAX_DEPTH:
            raise _malformed(_l("JSON 嵌套层数过多（最多 %(n)s 层）。", n=JSON_MAX_DEPTH))
        if isinstance(value, dict):
            for key, item in value.items():
                child = f"{path}.{key}" if path else key
                if text_problem(key):
                    _refuse(_printable(child), text_problem(key))
                pending.append((child, item, depth + 1))
        elif isinstance(value, list):
            pending.extend(
                (f"{path}.{index}" if path else str(index), item, depth + 1) for index, item in enumerate(value)
            )
        elif isinstance(value, str):
            problem = text_problem(value, single_line=is_single_line(path))
            if problem is None and names_a_number(path):
                problem = digits_problem(value)
            if problem is not None:
                _refuse(path, problem)
        elif number_problem(value) is not None:
            _refuse(path, number_problem(value))


def init_app(app: Flask) -> None:
    """Before any blueprint registers its routes: the converter, then the arguments' check."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(check_request_arguments)
