"""Table entries: import, export, sync (handlers in ``cli/commands/files.py``; sync in ``history.py``)."""

from __future__ import annotations

from kinship.cli.spec import JSON, READ, WRITE, Argument, Command, Option

COMMANDS: tuple[Command, ...] = (
    Command(
        "import",
        "Import contacts (vCard, Google, Outlook, LinkedIn CSV) and interactions (calendars, chats); all or nothing.",
        (
            "kinship import contacts.vcf",
            "kinship import 'WhatsApp Chat with Ana.txt' --me 'Sam'",
            "kinship import calendar.ics --dry-run",
        ),
        "files:import_files",
        WRITE,
        (Argument("files", "FILE...", "Exported files to read.", many=True),),
        (
            Option(
                "--format",
                "format",
                "One of vcard, google-csv, outlook-csv, linkedin-csv, ics, whatsapp, telegram, sms-xml or json.",
                short="-f",
                metavar="FORMAT",
            ),
            Option("--me", "me", "Your own name as the chat shows it (else config `me`).", metavar="NAME"),
            Option(
                "--new",
                "new",
                "Add calendar attendees and group-chat people who are not contacts.",
                kind="flag",
                default=False,
            ),
            Option(
                "--dry-run", "dry_run", "Show what would change; write nothing.", kind="flag", default=False
            ),
            JSON,
        ),
        "Message bodies and event titles are never stored. Re-importing a file changes nothing."
        " The summary (and --json) says what was created, matched and added, and what was left out and why.",
    ),
    Command(
        "export",
        "Export everything: JSON (lossless, re-imports to the same state) or CSV of interactions.",
        ("kinship export -o kinship-backup.json", "kinship export --format csv -o interactions.csv"),
        "files:export",
        READ,
        (),
        (
            Option(
                "--format",
                "format",
                "json (everything, re-imports losslessly) or csv.",
                short="-f",
                metavar="FORMAT",
                default="json",
            ),
            Option("--output", "output", "Write here (0600) instead of stdout.", short="-o", metavar="FILE"),
        ),
    ),
    Command(
        "sync",
        "Exchange changes with your other devices through a folder your sync tool shares.",
        (
            "kinship sync ~/Sync/kinship",
            "kinship sync ~/Dropbox/kinship --dry-run",
            "kinship sync DIR --name laptop",
        ),
        "history:sync",
        WRITE,
        (
            Argument(
                "folder",
                "DIR",
                "The shared folder (else config `sync_dir`); never the database's own.",
                required=False,
            ),
        ),
        (
            Option(
                "--dry-run", "dry_run", "Show what would change; write nothing.", kind="flag", default=False
            ),
            Option(
                "--name",
                "name",
                "This device's name as others see it (default: the host name).",
                metavar="NAME",
            ),
            JSON,
        ),
        "The folder holds your log as files: use one only your devices see, or encrypted storage."
        " See docs/sync.md for Syncthing, Dropbox or git.",
    ),
)
