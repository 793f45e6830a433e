"""Table entries: people, show, history (handlers in ``cli/commands/reading.py``)."""

from __future__ import annotations

from kinship.cli.spec import CIRCLE, JSON, NAME, READ, Argument, Command, Option

COMMANDS: tuple[Command, ...] = (
    Command(
        "people",
        "List contacts with last contact, last face-to-face, rhythm and status.",
        ("kinship people --circle friends", "kinship people --status fading"),
        "reading:people",
        READ,
        (),
        (
            CIRCLE,
            Option("--tag", "tag", "Only contacts with this tag.", short="-t", metavar="TAG"),
            Option(
                "--status",
                "status",
                "Only contacts with this status: ok, due, fading, online_only, see_in_person, snoozed,"
                " archived or no_rhythm.",
                metavar="STATUS",
            ),
            JSON,
        ),
    ),
    Command(
        "show",
        "Show one contact: details, rhythm, and their latest interactions (20 unless --limit or --all).",
        ("kinship show ana", "kinship show ana --all --json"),
        "reading:show",
        READ,
        (NAME,),
        (
            Option(
                "--limit",
                "limit",
                "At most this many interactions in the timeline (default: 20).",
                kind="int",
                short="-l",
                metavar="N",
                low=1,
            ),
            Option("--all", "all", "Show the whole timeline.", kind="flag", default=False),
            JSON,
        ),
    ),
    Command(
        "history",
        "List interactions, newest first (with --json: all that match, streamed).",
        (
            "kinship history ana --since '2w ago'",
            "kinship history ana ben --via video --until 2026-11-01",
            "kinship history --mode face_to_face --circle family --grep birthday",
        ),
        "reading:history",
        READ,
        (
            Argument(
                "names",
                "[NAME]...",
                "Only interactions with all of these contacts.",
                many=True,
                required=False,
                complete="names",
            ),
        ),
        (
            Option(
                "--since", "since", "From this time, e.g. '2w ago' or 2026-11-01.", short="-s", metavar="WHEN"
            ),
            Option(
                "--until",
                "until",
                "Up to this time, e.g. yesterday or 2026-11-30.",
                short="-u",
                metavar="WHEN",
            ),
            Option(
                "--via",
                "via",
                "Only this channel: in-person, call, video, message, email or social (or an everyday word).",
                short="-v",
                metavar="CHANNEL",
                complete="channels",
            ),
            Option("--mode", "mode", "Only face_to_face or digital.", metavar="MODE"),
            Option(
                "--circle",
                "circle",
                "Only with someone of this circle: family, friends, colleagues or community.",
                short="-c",
                metavar="CIRCLE",
                complete="circles",
            ),
            Option(
                "--group",
                "group",
                "Only this group activity (any case or accents).",
                short="-g",
                metavar="LABEL",
            ),
            Option("--grep", "grep", "Only those whose note or group label holds this text.", metavar="TEXT"),
            Option(
                "--limit",
                "limit",
                "At most this many (default: 20 in a table).",
                kind="int",
                short="-l",
                metavar="N",
            ),
            JSON,
        ),
    ),
)
