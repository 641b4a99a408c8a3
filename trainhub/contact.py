"""Phone numbers and e-mail addresses as people type them: one normalising function per kind, used by
sign-up, member invitations, user creation, registrations and the log-in lookup — so that
`13912340002`, `139１２３４０００２` and `+86 139-1234-0002` are one number, and `ｈｒ@ｅｘａｍｐｌｅ.ｃｎ` one
account with `hr@example.cn`.

What NFKC cannot make unambiguous is refused with a message, never stored: digits of other scripts
(`६` is a Devanagari 6, and Python's `\\d` matches it), non-ASCII letters before the `@` (a dotless `ı`
reads as `i`), a domain that is not valid IDNA, and a domain label mixing Latin letters with look-alikes
of other alphabets (a Cyrillic `а` in `exаmple.cn`).
"""

from __future__ import annotations

import re
import unicodedata

import idna
import marshmallow as ma
from flask_babel import lazy_gettext as _l

from trainhub.schemas import Text

_PHONE_SEPARATORS = re.compile(r"[\s\-().]")
# After normalize_phone: a mobile or a landline with its area code, optionally +country.
PHONE_RE = re.compile(r"^\+?[0-9]{5,20}$")
# Scripts with letters that pass for Latin ones (а/a, ο/o, ı/i …): never inside a domain label.
_CONFUSABLE_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC")


def nfkc(value) -> str:
    """Compatibility-normalised and trimmed text (fullwidth → ASCII, ideographic space → space); '' if not text."""
    return unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else ""


# -- phones ------------------------------------------------------------------------------------------


def normalize_phone(raw) -> str:
    """138 0000 0000, 138-0000-0000, +86 13800000000, 139１２３４０００２ → 13800000000 (what people type).
    The result may still be invalid: check it with phone_problem()."""
    compact = _PHONE_SEPARATORS.sub("", nfkc(raw))
    if compact.startswith("+86"):
        compact = compact[3:]
    elif compact.startswith("0086"):
        compact = compact[4:]
    return compact


def phone_problem(normalized: str):
    """A message when a normalised phone holds anything but ASCII digits (and a leading +), else None."""
    body = normalized[1:] if normalized.startswith("+") else normalized
    if any(char.isdigit() and not char.isascii() for char in body):
        return _l("电话号码含有非标准数字（如其他文字的数字），请只使用 0–9。")
    if not body.isascii() or not body.isdigit():
        return _l("电话号码只能包含数字 0–9。")
    return None


# -- e-mail ------------------------------------------------------------------------------------------


def normalize_email(raw) -> str:
    """For storing and for looking up: NFKC, trimmed, lower case, an IDN domain in its Unicode form
    (`xn--fsqu00a.xn--fiqs8s` and `例子.中国` are the same). Invalid input comes back NFKC-lowered only."""
    text = nfkc(raw).lower()
    local, at, domain = text.rpartition("@")
    unicode_domain = _unicode_domain(domain) if at else None
    return f"{local}@{unicode_domain}" if unicode_domain else text


def email_problem(raw):
    """A message for an address that is not valid or stays ambiguous after normalising, else None."""
    text = nfkc(raw).lower()
    if not text:
        return _l("此项必填。")
    local, at, domain = text.rpartition("@")
    if not at or not _LOCAL_PART.match(local) or len(text) > 254:
        if at and local and not local.isascii():
            return _l("电子邮箱 @ 前面只能使用英文字母、数字和常用符号（全角字符会自动转换）。")
        return _l("请输入有效的电子邮箱地址。")
    unicode_domain = _unicode_domain(domain)
    if unicode_domain is None or "." not in unicode_domain:
        return _l("请输入有效的电子邮箱地址。")
    if any(_confusable_label(label) for label in unicode_domain.split(".")):
        return _l("电子邮箱的域名混用了外形相似的其他字母（如西里尔字母或土耳其字母），请核对后重新输入。")
    return None


# Printable ASCII without spaces, `@`, quotes, brackets or commas; no dot at either end or twice in a row.
_LOCAL_PART = re.compile(r"^(?!\.)(?!.*\.\.)[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}(?<!\.)$")


def _unicode_domain(domain: str) -> str | None:
    """The domain in its Unicode form if it is valid IDNA 2008 (ASCII host names included), else None."""
    if not domain or len(domain) > 253 or domain.endswith("."):
        return None
    try:
        return idna.decode(idna.encode(domain, uts46=False))
    except (idna.IDNAError, UnicodeError):
        return None


def _confusable_label(label: str) -> bool:
    """A label that is not plain ASCII yet holds letters of a Latin look-alike script, or ASCII letters
    mixed with other letters."""
    if label.isascii():
        return False
    letters = [char for char in label if char.isalpha()]
    if any(char.isascii() for char in letters):
        return True
    return any(unicodedata.name(char, "").startswith(_CONFUSABLE_SCRIPTS) for char in letters)


# -- the schema fields (marshmallow): the same normal forms and refusals for the API and the forms -------


class Email(Text):
    """An e-mail address as people type it, loaded in its normal form (normalize_email); what stays
    ambiguous is refused with email_problem's message. Blank is "" unless `required`."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 254)
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not text:
            return text
        problem = email_problem(text)
        if problem:
            raise ma.ValidationError([problem])
        return normalize_email(text)


class Phone(Text):
    """A phone number as people type it, loaded normalised (normalize_phone: `+86 139-1234-0002` →
    `13912340002`); digits of other scripts are refused (phone_problem), then `pattern` applies
    (default: 5–20 digits, a mobile or a landline). The length is the normalised number's."""

    def __init__(self, *, pattern: re.Pattern | None = PHONE_RE, pattern_message=None, **kwargs) -> None:
        kwargs.setdefault("max_length", 20)
        self.pattern = pattern
        self.pattern_message = pattern_message or _l("请输入有效的电话号码。")
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        number = normalize_phone(ma.fields.String._deserialize(self, value, attr, data, **kwargs))
        if not number:
            if not self.blank_allowed:
                raise self.make_error("blank")
            return number
        if self.max_length is not None and len(number) > self.max_length:
            raise ma.ValidationError(_l("不能超过 %(n)s 个字符。", n=self.max_length))
        problem = phone_problem(number)
        if problem:
            raise ma.ValidationError([problem])
        if self.pattern is not None and not self.pattern.match(number):
            raise ma.ValidationError([self.pattern_message])
        return number
