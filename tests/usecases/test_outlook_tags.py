"""Captured mail is tagged in Outlook (off by default): the category is added once, after the write."""

from __future__ import annotations

from shared.domain.errors import PermanentError
from tests.usecases.world import MAILBOX, World


def tagging(world: World) -> World:
    world.set_options(tag_captured_category="In CRM")
    world.deps.forget_options()
    return world


def categories_of(world: World, message_id: str) -> tuple[str, ...]:
    return world.graph.messages[(MAILBOX, message_id)].message.categories


class TestOutlookTags:
    def test_off_by_default(self, world: World) -> None:
        mid = world.receive(world.mail())
        assert world.outcome(mid)["outcome"] == "captured"
        assert world.graph.calls.count("set_categories") == 0 and categories_of(world, mid) == ()

    def test_a_captured_email_gets_the_category_beside_its_own(self, world: World) -> None:
        mid = tagging(world).receive(world.mail(categories=("Red category",)))
        assert categories_of(world, mid) == ("Red category", "In CRM")

    def test_skipped_mail_is_not_tagged(self, world: World) -> None:
        mid = tagging(world).receive(world.mail(sender="stranger@example.net"))
        assert world.outcome(mid)["reason"] == "no_contact" and categories_of(world, mid) == ()

    def test_already_tagged_mail_is_left_alone(self, world: World) -> None:
        tagging(world).receive(world.mail(categories=("in crm",)))
        assert world.graph.calls.count("set_categories") == 0

    def test_a_refused_tag_does_not_undo_or_repeat_the_capture(self, world: World) -> None:
        def refuse(*_: object) -> None:
            raise PermanentError("Graph answered 403 ErrorAccessDenied")  # Mail.Read only
        world.graph.set_categories = refuse  # type: ignore[method-assign]
        mid = tagging(world).receive(world.mail())
        assert world.outcome(mid)["outcome"] == "captured"
        assert len(world.crm.records_for(world.alice.id)) == 1
