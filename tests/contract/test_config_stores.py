"""Contracts of the options, mailbox, subscription and delta-token repositories (fakes and Tables alike)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.errors import OptionsConflict
from shared.domain.mailbox import Mailbox
from shared.domain.model import Folder
from shared.domain.options import DEFAULT_OPTIONS
from shared.ports import SubscriptionRecord
from tests.contract.conftest import Stores

T0 = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)


class TestOptionsRepository:
    def test_starts_with_the_defaults_at_version_0(self, stores: Stores) -> None:
        stored = stores.options.get()
        assert (stored.options, stored.version) == (DEFAULT_OPTIONS, 0)
        assert stored.etag

    def test_saving_with_the_current_etag_bumps_the_version_and_records_history(self, stores: Stores) -> None:
        first = stores.options.get()
        changed = DEFAULT_OPTIONS.model_copy(update={"look_back_days": 3})
        saved = stores.options.save(changed, first.etag, "ada", [{"path": "look_back_days", "from": 7, "to": 3}])
        assert (saved.version, saved.updated_by) == (1, "ada")
        assert stores.options.get().options.look_back_days == 3
        assert stores.options.get().etag == saved.etag != first.etag
        stores.options.save(DEFAULT_OPTIONS, saved.etag, "bob", [])
        history = stores.options.history()
        assert [(h["version"], h["updated_by"]) for h in history] == [(2, "bob"), (1, "ada")]
        assert history[1]["changes"] == [{"path": "look_back_days", "from": 7, "to": 3}]
        assert len(stores.options.history(limit=1)) == 1

    def test_a_stale_etag_is_refused_and_changes_nothing(self, stores: Stores) -> None:
        stale = stores.options.get()
        stores.options.save(DEFAULT_OPTIONS, stale.etag, "ada", [])
        with pytest.raises(OptionsConflict):
            stores.options.save(DEFAULT_OPTIONS, stale.etag, "bob", [])
        assert stores.options.get().version == 1


class TestMailboxRepository:
    def test_put_get_all_and_delete(self, stores: Stores) -> None:
        a = Mailbox(address="Membership@Association.example", folders=(Folder.INBOX,))
        b = Mailbox(address="events@association.example", enabled=False)
        stores.mailboxes.put(a)
        stores.mailboxes.put(b)
        assert stores.mailboxes.get("MEMBERSHIP@association.example") == a
        assert sorted(m.address for m in stores.mailboxes.all()) == [b.address, a.address]
        stores.mailboxes.put_progress(a.address, {"state": "running", "queued": 3})
        stores.mailboxes.delete(a.address)
        assert stores.mailboxes.get(a.address) is None
        assert stores.mailboxes.get_progress(a.address) == {}

    def test_import_progress_round_trips(self, stores: Stores) -> None:
        assert stores.mailboxes.get_progress("nobody@association.example") == {}
        state = {"state": "running", "pending": ["inbox"], "cursor": None, "queued": 0}
        stores.mailboxes.put_progress("x@association.example", state)
        assert stores.mailboxes.get_progress("X@association.example") == state


def a_subscription(sid: str = "sub-1", mailbox: str = "m@association.example") -> SubscriptionRecord:
    return SubscriptionRecord(sid, mailbox, "inbox", f"users/{mailbox}/mailFolders('inbox')/messages", "state",
                              T0 + timedelta(days=3))


class TestSubscriptionRepository:
    def test_put_get_for_mailbox_and_delete(self, stores: Stores) -> None:
        stores.subscriptions.put(a_subscription("sub-1"))
        stores.subscriptions.put(a_subscription("sub-2", "other@association.example"))
        got = stores.subscriptions.get("sub-1")
        assert got is not None and got.etag and got.expires_at == T0 + timedelta(days=3)
        assert replace(got, etag="") == a_subscription("sub-1")
        stores.subscriptions.put(replace(a_subscription("sub-3"), immutable_ids=False))  # the id kind is kept
        assert not (stores.subscriptions.get("sub-3") or a_subscription()).immutable_ids
        stores.subscriptions.delete("sub-3")
        assert [s.id for s in stores.subscriptions.for_mailbox("M@association.example")] == ["sub-1"]
        assert sorted(s.id for s in stores.subscriptions.all()) == ["sub-1", "sub-2"]
        stores.subscriptions.delete("sub-1")
        assert stores.subscriptions.get("sub-1") is None

    def test_replace_if_wins_once_per_etag(self, stores: Stores) -> None:
        stores.subscriptions.put(a_subscription())
        read = stores.subscriptions.get("sub-1")
        assert read is not None
        leased = replace(read, lease_until=T0 + timedelta(minutes=2))
        assert stores.subscriptions.replace_if(leased, read.etag) is True
        assert stores.subscriptions.replace_if(leased, read.etag) is False  # the second racer loses
        got = stores.subscriptions.get("sub-1")
        assert got is not None and got.lease_until == T0 + timedelta(minutes=2)

    def test_replace_if_on_a_deleted_row_fails(self, stores: Stores) -> None:
        stores.subscriptions.put(a_subscription())
        read = stores.subscriptions.get("sub-1")
        assert read is not None
        stores.subscriptions.delete("sub-1")
        assert stores.subscriptions.replace_if(read, read.etag) is False


class TestNamedLease:
    def test_one_holder_at_a_time_until_released_or_lapsed(self, stores: Stores) -> None:
        etag = stores.subscriptions.take_lease("startup-check", T0, T0 + timedelta(minutes=5))
        assert etag
        assert stores.subscriptions.take_lease("startup-check", T0 + timedelta(minutes=1), T0 + timedelta(minutes=6)) \
            is None
        assert stores.subscriptions.take_lease("other", T0, T0 + timedelta(minutes=5))  # names are independent
        stores.subscriptions.release_lease("startup-check", etag, T0 + timedelta(minutes=2))
        again = stores.subscriptions.take_lease("startup-check", T0 + timedelta(minutes=3), T0 + timedelta(minutes=8))
        assert again
        stores.subscriptions.release_lease("startup-check", etag, T0 + timedelta(minutes=3))  # a stale release
        assert stores.subscriptions.take_lease("startup-check", T0 + timedelta(minutes=4), T0 + timedelta(minutes=9)) \
            is None
        assert stores.subscriptions.take_lease("startup-check", T0 + timedelta(minutes=9), T0 + timedelta(minutes=14))

    def test_leases_are_not_subscriptions(self, stores: Stores) -> None:
        stores.subscriptions.take_lease("startup-check", T0, T0 + timedelta(minutes=5))
        assert stores.subscriptions.all() == []


class TestDeltaTokenRepository:
    def test_first_link_is_created_once(self, stores: Stores) -> None:
        assert stores.delta_tokens.get("m@x.example", "inbox") == (None, "")
        etag = stores.delta_tokens.put("m@x.example", "inbox", "link-1", "", note="initialised")
        assert etag
        assert stores.delta_tokens.put("m@x.example", "inbox", "link-0", "") is None  # someone else was first
        assert stores.delta_tokens.get("m@x.example", "inbox") == ("link-1", etag)
        row = stores.delta_tokens.get_row("m@x.example", "inbox")
        assert row is not None and row["Note"] == "initialised" and row["UpdatedAt"].tzinfo is not None

    def test_a_link_moves_on_only_from_the_etag_read(self, stores: Stores) -> None:
        first = stores.delta_tokens.put("m@x.example", "inbox", "link-1", "")
        second = stores.delta_tokens.put("m@x.example", "inbox", "link-2", first, note="paging")
        assert second and second != first
        assert stores.delta_tokens.put("m@x.example", "inbox", "link-3", first) is None
        assert stores.delta_tokens.get("m@x.example", "inbox") == ("link-2", second)

    def test_delete_mailbox_forgets_every_folder(self, stores: Stores) -> None:
        stores.delta_tokens.put("m@x.example", "inbox", "a", "")
        stores.delta_tokens.put("m@x.example", "sentitems", "b", "")
        stores.delta_tokens.put("n@x.example", "inbox", "c", "")
        stores.delta_tokens.delete_mailbox("m@x.example")
        assert stores.delta_tokens.get("m@x.example", "sentitems") == (None, "")
        assert stores.delta_tokens.get("n@x.example", "inbox")[0] == "c"
