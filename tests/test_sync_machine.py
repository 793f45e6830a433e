"""The sync guarantee (SPEC §11), tested the way real use breaks it: three devices change their
logs offline at random, sync in random orders, and must end with identical exports."""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from tests.journal_world import FIXTURES, NOW, ZONE
from tests.test_sync import comparable

from kinship import actions, history_actions, sync, transfer
from kinship.actions import ContactChanges, LogRequest
from kinship.errors import KinshipError
from kinship.models import Channel, Settings
from kinship.store import Store, open_store

NAMES = ("Ana Lima", "Ben Ode", "Cy Park", "Dee Fox")
DEVICES = st.integers(min_value=0, max_value=2)
PICK = st.integers(min_value=0, max_value=50)
VCARD = FIXTURES / "vcard" / "ezvcard-gmail-single.vcf"


class ThreeDevices(RuleBasedStateMachine):
    """Three databases and one shared folder."""

    @initialize()
    def make_devices(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="kinship-sync-"))
        self.folder = self.root / "shared"
        self.folder.mkdir()
        self.stores: list[Store] = [
            open_store(self.root / f"device{index}.db", NOW + dt.timedelta(seconds=index))
            for index in range(3)
        ]
        for store in self.stores:
            store.conn.execute("PRAGMA synchronous = OFF")  # a crash of the test is no crash of a disk

    def teardown(self) -> None:
        stores = getattr(self, "stores", [])
        try:
            if stores:
                for _round in range(6):
                    sent = 0
                    for store in stores:
                        sent += sync.sync(store, self.folder).sent
                    if sent == 0:
                        break
                exports = [comparable(store) for store in stores]
                assert exports[0] == exports[1] == exports[2]
        finally:
            for store in stores:
                store.close()
            shutil.rmtree(getattr(self, "root", "/nonexistent"), ignore_errors=True)

    def _try(self, action: Callable[[], object]) -> None:
        with contextlib.suppress(KinshipError):  # a refused command writes nothing: fine in any state
            action()

    def _interaction(self, store: Store, pick: int) -> str | None:
        found = store.history()
        return None if not found else found[pick % len(found)].id[:12]

    @rule(device=DEVICES, name=st.sampled_from(NAMES), circle=st.sampled_from((None, "friends", "family")))
    def add(self, device: int, name: str, circle: str | None) -> None:
        store = self.stores[device]
        self._try(lambda: actions.add_contact(store, NOW, ContactChanges(name=name, circle=circle)))

    @rule(
        device=DEVICES,
        names=st.lists(st.sampled_from(NAMES), min_size=1, max_size=2, unique=True),
        channel=st.sampled_from(list(Channel)),
        hours=st.integers(min_value=1, max_value=2400),
    )
    def log(self, device: int, names: list[str], channel: Channel, hours: int) -> None:
        store = self.stores[device]
        now = NOW - dt.timedelta(hours=hours)
        self._try(
            lambda: actions.log_interaction(store, now, ZONE, LogRequest(names=tuple(names), channel=channel))
        )

    @rule(
        device=DEVICES,
        pick=PICK,
        note=st.sampled_from(("long", "short", None)),
        name=st.sampled_from(NAMES),
        adding=st.booleans(),
    )
    def amend(self, device: int, pick: int, note: str | None, name: str, adding: bool) -> None:
        store = self.stores[device]
        prefix = self._interaction(store, pick)
        if prefix is None:
            return
        self._try(
            lambda: actions.amend_interaction(
                store,
                NOW,
                ZONE,
                prefix,
                LogRequest(note=note),
                channel_given=False,
                add=(name,) if adding else (),
                remove=() if adding else (name,),
            )
        )

    @rule(device=DEVICES, pick=PICK)
    def unlog(self, device: int, pick: int) -> None:
        store = self.stores[device]
        prefix = self._interaction(store, pick)
        if prefix is not None:
            self._try(lambda: actions.unlog_interaction(store, prefix))

    @rule(
        device=DEVICES,
        name=st.sampled_from(NAMES),
        note=st.sampled_from(("a", "b", None)),
        tag=st.sampled_from(("x", "y")),
        untag=st.booleans(),
    )
    def edit(self, device: int, name: str, note: str | None, tag: str, untag: bool) -> None:
        store = self.stores[device]
        changes = (
            ContactChanges(note=note, remove_tags=(tag,)) if untag else ContactChanges(note=note, tags=(tag,))
        )
        self._try(lambda: actions.edit_contact(store, name, changes))

    @rule(device=DEVICES, keep=st.sampled_from(NAMES), duplicate=st.sampled_from(NAMES))
    def merge(self, device: int, keep: str, duplicate: str) -> None:
        store = self.stores[device]
        self._try(lambda: actions.merge_contacts(store, keep, duplicate))

    @rule(device=DEVICES, name=st.sampled_from(NAMES))
    def forget(self, device: int, name: str) -> None:
        store = self.stores[device]

        def forget() -> None:
            actions.forget_contact(store, actions.find_contact(store, name).id)

        self._try(forget)

    @rule(device=DEVICES, name=st.sampled_from(NAMES), days=st.integers(min_value=1, max_value=30))
    def snooze(self, device: int, name: str, days: int) -> None:
        store = self.stores[device]
        self._try(lambda: actions.snooze(store, NOW, days, name=name))

    @rule(device=DEVICES, name=st.sampled_from(NAMES), kind=st.sampled_from(("snooze", "dismiss")))
    def unquiet(self, device: int, name: str, kind: str) -> None:
        store = self.stores[device]
        self._try(lambda: actions.unquiet(store, Settings(), NOW, name, kind=kind))

    @rule(device=DEVICES, name=st.sampled_from(NAMES))
    def dismiss(self, device: int, name: str) -> None:
        store = self.stores[device]
        self._try(lambda: actions.dismiss(store, NOW, name))

    @rule(device=DEVICES)
    def import_contacts(self, device: int) -> None:
        store = self.stores[device]
        self._try(lambda: transfer.import_files(store, NOW, ZONE, [VCARD]))

    @rule(device=DEVICES)
    def undo(self, device: int) -> None:
        self._try(lambda: history_actions.undo(self.stores[device]))

    @rule(device=DEVICES)
    def redo(self, device: int) -> None:
        self._try(lambda: history_actions.redo(self.stores[device]))

    @rule(device=DEVICES, name=st.sampled_from(NAMES), new=st.sampled_from(NAMES))
    def rename(self, device: int, name: str, new: str) -> None:
        store = self.stores[device]
        self._try(lambda: actions.edit_contact(store, name, ContactChanges(name=new + " Jr")))

    @rule(device=DEVICES)
    def sync(self, device: int) -> None:
        sync.sync(self.stores[device], self.folder)

    @precondition(lambda self: hasattr(self, "stores"))
    @invariant()
    def each_store_is_sound(self) -> None:
        for store in self.stores:
            assert store.integrity_problems() == []


ThreeDevices.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
test_three_devices_converge = ThreeDevices.TestCase


def test_a_rename_of_a_namesake_merged_elsewhere_converges() -> None:
    """Found by the machine above: device 2 merges device 0's same-name "Ana Lima" into its own
    while device 0 renames it. A receiver derived the alias from its own view of the duplicate
    (device 0 got "Ana Lima Jr" as an alias, the others not); now the merging device's
    derived changes travel as its own, and receivers only fold the rows."""
    machine = ThreeDevices()
    machine.make_devices()
    machine.add(circle=None, device=2, name="Ana Lima")
    machine.sync(device=0)
    machine.add(circle=None, device=0, name="Ana Lima")
    machine.sync(device=0)
    machine.sync(device=2)
    machine.merge(device=0, duplicate="Ana Lima", keep="Ana Lima")
    machine.rename(device=0, name="Ana Lima", new="Ana Lima")
    machine.teardown()  # syncs every device until quiet, then compares the exports
