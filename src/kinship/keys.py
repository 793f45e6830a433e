"""Match keys: how names, emails and phone numbers compare. Pure and light.

Names compare case- and accent-insensitively; emails case-insensitively; phone numbers by their
digits, without the country code of an international number and without a trunk ``0``, as far
as can be told without knowing the country.
"""

from __future__ import annotations

import unicodedata


def name_key(text: str) -> str:
    """Return ``text`` case-folded, accents removed, inner white space collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


def email_key(email: str) -> str:
    """Return the email address as compared: trimmed, lower-case, without ``mailto:``."""
    value = email.strip()
    if value.lower().startswith("mailto:"):
        value = value[7:]
    return value.lower()


_TWO_DIGIT_COUNTRY_CODES = frozenset(
    [
        "20",
        "27",
        "30",
        "31",
        "32",
        "33",
        "34",
        "36",
        "39",
        "40",
        "41",
        "43",
        "44",
        "45",
        "46",
        "47",
        "48",
        "49",
        "51",
        "52",
        "53",
        "54",
        "55",
        "56",
        "57",
        "58",
        "60",
        "61",
        "62",
        "63",
        "64",
        "65",
        "66",
        "81",
        "82",
        "84",
        "86",
        "90",
        "91",
        "92",
        "93",
        "94",
        "95",
        "98",
    ]
)


def phone_key(phone: str) -> str:
    """Return the digits that identify a phone number, for comparing numbers written differently.

    Spaces, dashes, dots and parentheses are ignored. An international number (``+`` or ``00``)
    loses its country code (calling codes are prefix-free, so their length is known from the
    first digits) and a national one its trunk ``0``, so ``+44 20 7946 0000``,
    ``0044 (0)20 7946 0000`` and ``020 7946 0000`` all give ``2079460000``. Without a country
    nothing more can be told: ``+1 905 555 1234`` and ``905-555-1234`` match, ``1-905-555-1234``
    does not.
    """
    text = phone.strip()
    digits = "".join(char for char in text if char.isdigit() and char.isascii())
    international = text.startswith("+")
    if not international and digits.startswith("00"):
        digits, international = digits[2:], True
    if international and digits:
        if digits[0] in "17":
            code_length = 1
        elif digits[:2] in _TWO_DIGIT_COUNTRY_CODES:
            code_length = 2
        else:
            code_length = 3
        digits = digits[code_length:]
    return digits.lstrip("0") or digits


def match_key(kind: str, value: str) -> str:
    """Return what matching compares for a contact value of ``kind`` (alias, tag, email, phone, source)."""
    if kind == "email":
        return email_key(value)
    if kind == "phone":
        return phone_key(value)
    if kind == "source":
        return value
    return name_key(value)
