"""Match keys: how names, emails and phone numbers compare. Pure and light.

Names compare case- and accent-insensitively; emails case-insensitively; phone numbers by their
digits, without a leading ``+``/``00``/``0`` country or trunk prefix as far as can be told
without knowing the country.
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


def phone_key(phone: str) -> str:
    """Return the digits that identify a phone number.

    ``+49 30 1234567``, ``0049 30 1234567`` and ``030 1234567`` cannot all be told apart
    without a country, so the key drops a leading ``00`` or ``0`` and a leading ``+``; numbers
    that still differ by a country code are matched by their last 9 digits elsewhere if needed.
    """
    digits = "".join(ch for ch in phone if ch.isdigit())
    if digits.startswith("00"):
        digits = digits[2:]
    elif digits.startswith("0"):
        digits = digits[1:]
    return digits
