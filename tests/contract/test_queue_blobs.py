"""Contracts of the message queue and the blob store."""

from __future__ import annotations

from tests.contract.conftest import Stores


class TestMessageQueue:
    def test_sent_objects_come_back_in_order_once(self, stores: Stores) -> None:
        payloads = [{"v": 1, "kind": "message", "mailbox": "m@x.example", "message_id": f"id-{i}"} for i in range(3)]
        stores.queue.send(payloads)
        assert stores.queue.depth() == 3
        assert stores.queue.drain(2) == payloads[:2]
        assert stores.queue.drain(32) == payloads[2:]
        assert stores.queue.drain(32) == []

    def test_a_visibility_timeout_hides_the_message_until_then(self, stores: Stores) -> None:
        stores.queue.send([{"kind": "import", "mailbox": "m@x.example"}], visibility_timeout=60)
        stores.queue.send([{"kind": "import", "mailbox": "n@x.example"}])
        assert stores.queue.drain(32) == [{"kind": "import", "mailbox": "n@x.example"}]


class TestBlobStore:
    def test_put_is_idempotent_and_names_the_blob(self, stores: Stores) -> None:
        assert stores.blobs.put_eml("m@x.example/key.eml", b"Subject: a\r\n\r\nbody") == "m@x.example/key.eml"
        assert stores.blobs.put_eml("m@x.example/key.eml", b"Subject: a\r\n\r\nbody") == "m@x.example/key.eml"
