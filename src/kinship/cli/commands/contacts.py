"""Contact handlers: add, edit, archive, unarchive, merge, forget."""

from __future__ import annotations

from kinship import actions
from kinship.actions import ContactChanges
from kinship.cli.ask import confirm, terminal_chooser
from kinship.cli.run import Invocation
from kinship.render import output


def _every(text: str | None) -> int | None:
    from kinship.dates import parse_duration

    return None if text is None else parse_duration(text)


def _birthday(text: str | None) -> str | None:
    from kinship.dates import parse_birthday

    return None if text is None else parse_birthday(text)


CLEARABLE = ("birthday", "every", "see-every", "circle", "note")


def _cleared(fields: tuple[str, ...] | list[str]) -> set[str]:
    """Return the fields ``--clear`` names, refusing any other."""
    from kinship.errors import UsageError

    cleared = {field.strip().lower().replace("_", "-") for field in fields}
    unknown = sorted(cleared - set(CLEARABLE))
    if unknown:
        raise UsageError(f"--clear cannot empty {unknown[0]!r}", f"use one of: {', '.join(CLEARABLE)}")
    return cleared


def add(inv: Invocation) -> None:
    """Add a contact."""
    environment = inv.environment
    circle = inv.text("circle")
    changes = ContactChanges(
        name=inv.text("name"),
        circle=circle,
        every_days=_every(inv.text("every")),
        see_every_days=_every(inv.text("see_every")),
        birthday=_birthday(inv.text("birthday")),
        note=inv.text("note"),
        aliases=inv.texts("alias"),
        tags=inv.texts("tag"),
        emails=inv.texts("email"),
        phones=inv.texts("phone"),
    )
    actions.check_circle(circle)
    contact = actions.add_contact(inv.store(), environment.now, changes)
    output.text(f"Added {contact.name}")


def edit(inv: Invocation) -> None:
    """Change a contact."""
    environment = inv.environment
    circle = inv.text("circle")
    birthday = inv.text("birthday")
    cleared = _cleared(inv.texts("clear"))
    clear_circle = "circle" in cleared or (circle is not None and circle.strip().lower() in ("", "none"))
    if "birthday" in cleared:
        birthday = "none"
    note = "" if "note" in cleared else inv.text("note")
    changes = ContactChanges(
        name=inv.text("new_name"),
        circle=None if clear_circle else circle,
        clear_circle=clear_circle,
        every_days=_every(inv.text("every")),
        clear_every=inv.flag("no_every") or "every" in cleared,
        see_every_days=_every(inv.text("see_every")),
        clear_see_every="see-every" in cleared,
        birthday=None if birthday is None else ("" if birthday.lower() == "none" else _birthday(birthday)),
        note=note,
        aliases=inv.texts("alias"),
        tags=inv.texts("tag"),
        emails=inv.texts("email"),
        phones=inv.texts("phone"),
        remove_aliases=inv.texts("unalias"),
        remove_tags=inv.texts("untag"),
        remove_emails=inv.texts("unemail"),
        remove_phones=inv.texts("unphone"),
    )
    if changes == ContactChanges():
        output.text("Nothing to change (give an option such as --circle, --every or --tag)")
        return
    contact = actions.edit_contact(
        inv.store(),
        str(inv.text("name")),
        changes,
        terminal_chooser(environment),
        today=environment.now.date(),
    )
    output.text(f"Updated {contact.name}")


def archive(inv: Invocation) -> None:
    """Archive a contact."""
    contact = actions.set_archived(
        inv.store(), str(inv.text("name")), True, terminal_chooser(inv.environment)
    )
    output.text(f"Archived {contact.name}")


def unarchive(inv: Invocation) -> None:
    """Bring an archived contact back."""
    contact = actions.set_archived(
        inv.store(), str(inv.text("name")), False, terminal_chooser(inv.environment)
    )
    output.text(f"Unarchived {contact.name}")


def merge(inv: Invocation) -> None:
    """Merge a duplicate into the contact to keep, after confirming; say how much moved."""
    environment = inv.environment
    store = inv.store()
    choose = terminal_chooser(environment)
    keep = actions.find_contact(store, str(inv.text("keep")), choose)
    duplicate = actions.find_contact(store, str(inv.text("duplicate")), choose)
    moving = actions.interaction_count(store, duplicate.id)
    confirm(
        environment, f"Merge {duplicate.name} into {keep.name} ({moving} interactions move)?", inv.flag("yes")
    )
    contact = actions.merge_contacts(store, keep.id, duplicate.id)
    output.text(
        f"Merged {duplicate.name} into {contact.name}: {moving} interaction{'s' if moving != 1 else ''} moved"
    )


def forget(inv: Invocation) -> None:
    """Delete a contact for good, after confirming."""
    environment = inv.environment
    store = inv.store()
    contact = actions.find_contact(store, str(inv.text("name")), terminal_chooser(environment))
    confirm(
        environment, f"Forget {contact.name} and their one-person interactions for good?", inv.flag("yes")
    )
    forgotten, removed = actions.forget_contact(store, contact.id)
    output.text(f"Forgot {forgotten.name} and {removed} interaction{'s' if removed != 1 else ''}")
