"""The JSON objects of a contact and an interaction (SPEC §4, §9): one shape for ``people --json``,
``history --json`` and kinship's JSON export, so an export re-imports losslessly.

Pure and light: the export (``transfer``) and the output layer (``render``) both use it, so
importing and exporting never load the terminal layer.
"""

from __future__ import annotations

from kinship.lean import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

    from kinship.models import Contact, Interaction

EXPORT_VERSION = 1
"""The ``kinship_export`` version this kinship writes and reads."""


def contact_json(contact: Contact) -> dict[str, Any]:
    """Return the contact fields every contact JSON object starts with."""
    return {
        "id": contact.id,
        "name": contact.name,
        "circle": contact.circle,
        "aliases": list(contact.aliases),
        "tags": list(contact.tags),
        "emails": list(contact.emails),
        "phones": list(contact.phones),
        "birthday": contact.birthday,
        "every_days": contact.every_days,
        "see_every_days": contact.see_every_days,
        "note": contact.note,
        "archived": contact.archived,
        "created": None if contact.created is None else contact.created.isoformat(),
        "source_ids": list(contact.source_ids),
    }


def interaction_json(interaction: Interaction) -> dict[str, Any]:
    """Return the ``history --json`` object of one interaction (SPEC §4)."""
    return {
        "id": interaction.id,
        "when": interaction.when.isoformat(),
        "day": interaction.day.isoformat(),
        "channel": interaction.channel.value,
        "mode": interaction.mode.value,
        "people": [{"id": person.id, "name": person.name} for person in interaction.people],
        "minutes": interaction.minutes,
        "note": interaction.note,
        "feel": interaction.feel,
        "group": interaction.group,
        "source": interaction.source,
        "messages": interaction.messages,
        "created": None if interaction.created is None else interaction.created.isoformat(),
    }
