"""统一社会信用代码 (Unified Social Credit Code, GB 32100-2015): 18 characters, the last a check character."""

from __future__ import annotations

import random

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=False))
    value = 31 - total % 31
    return ALPHABET[0 if value == 31 else value]


def normalize(code: str) -> str:
    return (code or "").strip().upper()


def problem(code: str) -> str | None:
    """None for a valid code, else which rule it breaks: 'length', 'alphabet' or 'check'."""
    code = normalize(code)
    if len(code) != 18:
        return "length"
    if any(char not in ALPHABET for char in code):
        return "alphabet"
    if check_character(code[:17]) != code[17]:
        return "check"
    return None


def is_valid(code: str) -> bool:
    return problem(code) is None


def generate(rng: random.Random | None = None, region: str = "110105") -> str:
    """A valid code, for demo data and tests: 91 (enterprise) + region + 9-char org code + check."""
    rng = rng or random.Random()
    body = "91" + region + "".join(rng.choice(ALPHABET) for _ in range(9))
    return body + check_character(body)
