"""Normalising names, readings and numbers as the source systems write them."""

from __future__ import annotations

import re
import unicodedata

import jaconv

_SPACES = re.compile(r"[\s\u3000]+")


def normalize_kana(text: str) -> str:
    """Any reading (hiragana, half-width kana, odd spacing) → full-width katakana, one space."""
    text = unicodedata.normalize("NFKC", text)  # half-width kana → full-width, ｶﾞ → ガ
    text = jaconv.hira2kata(text)
    return _SPACES.sub(" ", text).strip()


def normalize_name(text: str) -> str:
    """Width folded (NFKC) and spaces collapsed; kanji left as written."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def search_key(text: str) -> str:
    """A loose key for searching: NFKC, katakana, no spaces."""
    return normalize_kana(text).replace(" ", "")


def corporate_number_check_digit(base12: str) -> int:
    """法人番号's leading check digit for its 12-digit base (国税庁 法人番号の指定等に関する省令)."""
    if len(base12) != 12 or not base12.isdigit():
        raise ValueError("base must be 12 digits")
    digits = [int(c) for c in reversed(base12)]  # n = 1 is the lowest digit
    total = sum(d * (2 if n % 2 == 0 else 1) for n, d in enumerate(digits, start=1))
    return 9 - total % 9


def is_valid_corporate_number(number: str) -> bool:
    return len(number) == 13 and number.isdigit() and int(number[0]) == corporate_number_check_digit(number[1:])
