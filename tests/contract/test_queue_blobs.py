"""Contracts of the message queue and the blob store."""

from __future__ import annotations

from tests.contract.conftest import Stores


class TestMessageQueue:
    def test_sent_objects_come_back_once(self, stores: Stores) -> None:
        # Queue Storage does not guarantee FIFO order (and many payloads are sent concurrently): each comes back
        # exactly once, in some order.
        payloads = [{"v": 1, "kind": "message", "mailbox": "m@x.example", "message_id": f"id-{i}"} for i in range(20)]
        stores.queue.send(payloads)
        assert stores.queue.depth() == 20
        first = stores.queue.drain(5)
        rest = stores.queue.drain(32)
        assert len(first) == 5 and stores.queue.drain(32) == []
        assert sorted(first + rest, key=lambda p: int(p["message_id"][3:])) == payloads

    def test_a_visibility_timeout_hides_the_message_until_then(self, stores: Stores) -> None:
        stores.queue.send([{"kind": "import", "mailbox": "m@x.example"}], visibility_timeout=60)
        stores.queue.send([{"kind": "import", "mailbox": "n@x.example"}])
        assert stores.queue.drain(32) == [{"kind": "import", "mailbox": "n@x.example"}]


class TestBlobStore:
    def test_put_is_idempotent_and_names_the_blob(self, stores: Stores) -> None:
        assert stores.blobs.put_eml("m@x.example/key.eml", b"Subject: a\r\n\r\nbody") == "m@x.example/key.eml"
        assert stores.blobs.put_eml("m@x.example/key.eml", b"Subject: a\r\n\r\nbody") == "m@x.example/key.eml"

    def test_a_copy_is_deleted_once_then_reported_gone(self, stores: Stores) -> None:
        stores.blobs.put_eml("m@x.example/gone.eml", b"Subject: a\r\n\r\nbody")
        stores.blobs.put_eml("m@x.example/kept.eml", b"Subject: b\r\n\r\nbody")
        assert stores.blobs.delete_eml("m@x.example/gone.eml") is True
        assert stores.blobs.delete_eml("m@x.example/gone.eml") is False
        assert stores.blobs.delete_eml("m@x.example/kept.eml") is True  # it was still there
