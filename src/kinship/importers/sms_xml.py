"""SMS Backup & Restore XML (``<smses>`` and ``<calls>``) to chat ``InteractionRecord`` values.

Parsed as a stream with defusedxml's SAX parser (no DTD entities, no external entities), so only
per-thread, per-day counts stay in memory. The app writes emoji as pairs of UTF-16 surrogate
character references (``&#55357;&#56832;``), which XML forbids; a pre-pass joins each pair into
one reference and turns a lone surrogate into U+FFFD before the parser sees it. Texts (type 1
received, 2 sent) and MMS (msg_box 1 and 2) count as messages; answered call-log entries
(incoming, outgoing) as calls; a missed call is no contact. The owner is told apart by the box
and type fields: a sent text or MMS (type 2, msg_box 2) is the owner's; the owner's own number
(the sender of a sent MMS) is recognised only when it never appears as the other party anywhere
in the file (a text's address, a received MMS's sender, a one-person thread), so one odd MMS
header cannot make a friend "the owner". A file that is not well-formed fails whole, naming its
line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from typing import Any
from xml.sax.handler import ContentHandler

from kinship.errors import DataError
from kinship.importers._chat import DayTally, chat_records
from kinship.importers.records import MAX_MINUTES, InteractionRecord, LeftOut, Participant
from kinship.keys import phone_key

_HINT = "make a new backup with SMS Backup & Restore (XML), or pass --format"
_REF = re.compile(rb"&#(x[0-9a-fA-F]{1,8}|[0-9]{1,10});")
_UNKNOWN_NAMES = frozenset({"", "(unknown)", "null", "unknown"})
_CHUNK = 1 << 16
_FROM, _TO = "137", "151"


def _code(token: bytes) -> int:
    return int(token[1:], 16) if token[:1] in (b"x", b"X") else int(token)


def _fix_references(chunk: bytes) -> bytes:
    """Join surrogate-pair character references; replace a lone surrogate with U+FFFD."""
    out: list[bytes] = []
    position = 0
    matches = list(_REF.finditer(chunk))
    index = 0
    while index < len(matches):
        match = matches[index]
        code = _code(match[1])
        if not 0xD800 <= code <= 0xDFFF:
            index += 1
            continue
        out.append(chunk[position : match.start()])
        following = matches[index + 1] if index + 1 < len(matches) else None
        if (
            0xD800 <= code <= 0xDBFF
            and following is not None
            and following.start() == match.end()
            and 0xDC00 <= _code(following[1]) <= 0xDFFF
        ):
            combined = 0x10000 + ((code - 0xD800) << 10) + (_code(following[1]) - 0xDC00)
            out.append(b"&#%d;" % combined)
            position = following.end()
            index += 2
        else:
            out.append(b"&#65533;")
            position = match.end()
            index += 1
    out.append(chunk[position:])
    return b"".join(out)


def _fixed_chunks(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Yield the input with surrogate references fixed, never splitting a reference or a pair."""
    pending = b""
    for chunk in chunks:
        pending += chunk
        if len(pending) < 64:
            continue
        cut = len(pending) - 24  # a reference is at most 12 bytes; a pair 24
        ampersand = pending.rfind(b"&", max(0, cut - 24), cut)
        if ampersand != -1:
            cut = ampersand
            while cut >= 12:  # keep a reference right before it with it: it may be half a pair
                previous = pending.rfind(b"&#", max(0, cut - 12), cut)
                if previous == -1 or not _REF.fullmatch(pending, previous, cut):
                    break
                cut = previous
        yield _fix_references(pending[:cut])
        pending = pending[cut:]
    yield _fix_references(pending)


def _chunks(data: bytes | Iterable[bytes]) -> Iterator[bytes]:
    if isinstance(data, bytes | bytearray):
        for start in range(0, len(data), _CHUNK):
            yield bytes(data[start : start + _CHUNK])
    else:
        yield from data


def _name(text: str | None) -> str | None:
    if text is None or text.strip().lower() in _UNKNOWN_NAMES:
        return None
    return text.strip()


class _Handler(ContentHandler):
    """Collects per-thread, per-day tallies from the SAX events."""

    def __init__(self, zone: dt.tzinfo, label: str, now: dt.datetime | None, left_out: LeftOut) -> None:
        super().__init__()
        self.zone = zone
        self.label = label
        self.root: str | None = None
        self.parser: Any = None
        """The SAX reader, asked for the current line (feed() sets no document locator)."""
        self.threads: dict[str, dict[tuple[dt.date, str], DayTally]] = {}
        self.people: dict[str, Participant] = {}
        self.members: dict[str, tuple[str, ...]] = {}
        self.mms: dict[str, str] | None = None
        self.mms_addrs: list[tuple[str, str]] = []
        self.sent_from: set[str] = set()
        """Senders named by sent MMS: the owner's own number, unless seen as another party."""
        self.others: set[str] = set()
        """Numbers seen as the other party: a text's address, a received MMS's sender, a call."""
        self.now = now
        self.left_out = left_out

    def _line(self) -> int:
        if self.parser is None:
            return 1
        try:
            return int(self.parser.getLineNumber())
        except (AttributeError, TypeError):
            return 1

    def _when(self, attrs: dict[str, str]) -> dt.datetime:
        try:
            millis = int(attrs.get("date", ""))
            return dt.datetime.fromtimestamp(millis // 1000, dt.UTC).astimezone(self.zone)
        except (ValueError, OverflowError, OSError):
            raise DataError(
                f"{self.label}: line {self._line()}: the date is not a timestamp", _HINT
            ) from None

    def _person(self, address: str, name: str | None) -> str | None:
        email = address.strip() if "@" in address else None
        key = email.lower() if email else phone_key(address)
        if not key:
            return None
        known = self.people.get(key)
        if known is None or (known.name is None and name):
            phone = None if email else address.strip()
            self.people[key] = Participant(name=name, phone=phone, email=email)
        return key

    def _count(self, thread: str, sender: str, when: dt.datetime, call_seconds: int | None = None) -> None:
        if self.now is not None and when > self.now:
            self.left_out["after_now"] += 1
            return
        if call_seconds is not None and call_seconds > MAX_MINUTES * 60:
            self.left_out["durations_clamped"] += 1
            call_seconds = MAX_MINUTES * 60
        tallies = self.threads.setdefault(thread, {})
        tally = tallies.get((when.date(), sender))
        if tally is None:
            tally = tallies[(when.date(), sender)] = DayTally(when)
        tally.when = min(tally.when, when)
        if call_seconds is None:
            tally.messages += 1
        else:
            tally.calls += 1
            tally.call_minutes += round(call_seconds / 60)

    def startElement(self, name: str, attrs: Any) -> None:
        values = {key: attrs.getValue(key) for key in attrs.getNames()}
        if self.root is None:
            if name not in ("smses", "calls"):
                raise DataError(f"{self.label}: line {self._line()}: not an SMS Backup & Restore file", _HINT)
            self.root = name
            return
        if name in ("sms", "mms") and values.get("type" if name == "sms" else "msg_box") not in ("1", "2"):
            self.left_out["not_sent"] += 1  # drafts (3), outbox (4), failed (5), queued (6)
        if name == "call" and values.get("type") not in ("1", "2"):
            self.left_out["missed_calls"] += 1  # missed (3), voicemail (4), rejected (5), blocked (6)
        if name == "sms" and values.get("type") in ("1", "2"):
            person = self._person(values.get("address", ""), _name(values.get("contact_name")))
            if person is not None:
                self.others.add(person)
                self.members.setdefault(person, (person,))
                sender = person if values.get("type") == "1" else "owner"
                self._count(person, sender, self._when(values))
        elif name == "mms":
            self.mms = values
            self.mms_addrs = []
        elif name == "addr" and self.mms is not None:
            self.mms_addrs.append((values.get("address", ""), values.get("type", "")))
        elif name == "call" and values.get("type") in ("1", "2"):  # answered; missed (3) is no contact
            person = self._person(values.get("number", ""), _name(values.get("contact_name")))
            if person is not None:
                self.others.add(person)
                self.members.setdefault(person, (person,))
                try:
                    seconds = max(int(values.get("duration") or 0), 0)
                except ValueError:
                    seconds = 0
                self._count(person, person, self._when(values), seconds)

    def endElement(self, name: str) -> None:
        if name != "mms" or self.mms is None:
            return
        values, self.mms = self.mms, None
        box = values.get("msg_box")
        if box not in ("1", "2"):
            return
        sender_address = next((address for address, kind in self.mms_addrs if kind == _FROM), None)
        sender_key = self._person(sender_address, None) if sender_address else None
        if sender_key:
            (self.sent_from if box == "2" else self.others).add(sender_key)
        address = values.get("address", "").strip()
        if "@" in address and len(self.mms_addrs) > 1:  # an RCS group: its people are the addrs
            thread = address.lower()
            keys = [self._person(part, None) for part, _ in self.mms_addrs]
        else:
            parts = [part for part in address.split("~") if part.strip()]
            names = (values.get("contact_name") or "").split(", ")
            if len(names) != len(parts):
                names = names[:1] if len(parts) == 1 else [""] * len(parts)
            keys = [self._person(part, _name(label)) for part, label in zip(parts, names, strict=False)]
            thread = "~".join(sorted({key for key in keys if key}))
            if len(keys) == 1 and keys[0]:
                self.others.add(keys[0])  # a one-person thread's address is the other party
        members = {key for key in keys if key}
        if not members:
            return
        self.members[thread] = tuple(sorted(set(self.members.get(thread, ())) | members))
        if box == "2":
            sender = "owner"
        elif sender_key in members:
            sender = sender_key
        elif len(members) == 1:
            sender = next(iter(members))
        else:
            return  # a received group message from someone outside its list
        self._count(thread, sender, self._when(values))


def parse_sms_xml(
    data: bytes | Iterable[bytes],
    *,
    zone: dt.tzinfo,
    label: str,
    now: dt.datetime | None = None,
    left_out: LeftOut | None = None,
) -> list[InteractionRecord]:
    """Return one record per person per local day and channel, thread by thread.

    ``data`` is the file's bytes or an iterable of byte chunks (streamed). Raises DataError
    naming ``label`` and the line when the XML is not well-formed or not an SMS backup.
    """
    import xml.sax

    from defusedxml import DefusedXmlException
    from defusedxml.sax import make_parser

    counts: LeftOut = left_out if left_out is not None else LeftOut()
    handler = _Handler(zone, label, now, counts)
    parser = make_parser()
    parser.setContentHandler(handler)
    handler.parser = parser
    try:
        for chunk in _fixed_chunks(_chunks(data)):
            parser.feed(chunk)
        parser.close()
    except xml.sax.SAXParseException as exc:
        raise DataError(
            f"{label}: line {exc.getLineNumber()}: not well-formed XML ({exc.getMessage()})", _HINT
        ) from None
    except DefusedXmlException as exc:
        raise DataError(
            f"{label}: line {handler._line()}: refused XML ({type(exc).__name__})", _HINT
        ) from None
    except (xml.sax.SAXException, ValueError, LookupError) as exc:  # LookupError: an unknown encoding
        raise DataError(
            f"{label}: line {handler._line()}: cannot read this XML ({type(exc).__name__})", _HINT
        ) from None
    if handler.root is None:
        raise DataError(f"{label}: line 1: empty file, not an SMS Backup & Restore file", _HINT)
    records: list[InteractionRecord] = []
    owners = frozenset({"owner", *(handler.sent_from - handler.others)})
    for thread, tallies in handler.threads.items():
        members = tuple(key for key in handler.members[thread] if key not in owners)
        if not members:
            counts["owner_only"] += len({day for day, _ in tallies})
            continue
        group = len(members) > 1
        records.extend(
            chat_records(
                prefix=f"sms:{thread}",
                group=group,
                partner=None if group else members[0],
                owner_keys=owners,
                tallies=tallies,
                people=handler.people,
                person_ids={key: key for key in handler.people},
            )
        )
    records.sort(key=lambda record: (record.day, record.source_id))
    return records
