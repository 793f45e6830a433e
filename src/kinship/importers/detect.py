"""Which import format a file is, from its first bytes (the file name only breaks a tie)."""

from __future__ import annotations

import re

from kinship.errors import DataError

FORMATS: tuple[str, ...] = (
    "vcard",
    "google-csv",
    "outlook-csv",
    "linkedin-csv",
    "ics",
    "whatsapp",
    "telegram",
    "sms-xml",
    "json",
)
"""The ``--format`` names (contract)."""

_BY_EXTENSION = {
    ".vcf": "vcard",
    ".vcard": "vcard",
    ".csv": "google-csv",
    ".ics": "ics",
    ".ical": "ics",
    ".txt": "whatsapp",
    ".xml": "sms-xml",
}
_TELEGRAM_KEYS = frozenset(
    {"about", "personal_information", "chats", "messages", "name", "type", "id", "contacts"}
)
_KINSHIP_FIRST_KEYS = frozenset({"kinship_export", "exported_at", "interactions", "state"})
"""Top-level keys only a kinship export has: any of them first (``json.dump(sort_keys=True)``
puts ``contacts`` first, as an array; Telegram's ``contacts`` is an object)."""


def detect_format(head: bytes, filename: str) -> str:
    """Return the format name of a file from its first few kilobytes.

    Content decides: ``BEGIN:VCARD``, ``BEGIN:VCALENDAR``, an SMS Backup & Restore root element,
    a JSON object whose keys are a kinship export's in any order (else a Telegram export), a LinkedIn
    ``Notes:`` preamble or header, an Outlook contacts header (``E-mail Address``), a Google
    Contacts CSV header, or a WhatsApp timestamped line. The extension is used only when the
    content says nothing. Raises DataError with a hint to pass ``--format`` otherwise.
    """
    from kinship.importers.whatsapp import LINE_RE, clean_line

    text = head.decode("utf-8", errors="replace").lstrip("\ufeff\u200e\u200f \t\r\n")
    upper = text[:64].upper()
    if upper.startswith("BEGIN:VCARD"):
        return "vcard"
    if upper.startswith(("BEGIN:VCALENDAR", "BEGIN:VEVENT")):
        return "ics"
    if text.startswith("<"):
        if re.search(r"<(smses|calls)[\s>/]", text):
            return "sms-xml"
    elif text.startswith("{"):
        first_key = re.match(r'\{\s*"((?:[^"\\]|\\.)*)"\s*:\s*(.)?', text)
        if first_key and (
            first_key[1] in _KINSHIP_FIRST_KEYS
            or (first_key[1] == "contacts" and first_key[2] == "[")  # Telegram's is an object
            or re.search(r'"kinship_export"\s*:', text)
        ):
            return "json"
        if first_key and first_key[1] in _TELEGRAM_KEYS:
            return "telegram"
    else:
        first_line = text.split("\n", 1)[0].replace('"', "")
        if first_line.strip() == "Notes:" or (
            first_line.startswith("First Name,Last Name,") and "Connected On" in first_line
        ):
            return "linkedin-csv"
        if "E-mail Address" in first_line and "First Name" in first_line and "Last Name" in first_line:
            return "outlook-csv"
        if "E-mail 1 - Value" in first_line or (
            "," in first_line
            and (
                ("Given Name" in first_line and "Family Name" in first_line)
                or ("First Name" in first_line and "Last Name" in first_line)
            )
        ):
            return "google-csv"
        if LINE_RE.match(clean_line(first_line)):
            return "whatsapp"
    name = filename.lower()
    for extension, fmt in _BY_EXTENSION.items():
        if name.endswith(extension) and fmt != "whatsapp":
            return fmt
    raise DataError(
        f"{filename}: line 1: cannot tell what kind of export this is",
        "pass --format: " + ", ".join(FORMATS[:-1]) + " or json",
    )
