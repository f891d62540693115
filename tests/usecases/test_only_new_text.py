"""Only the new text: a reply's record holds Graph's uniqueBody, not the quoted thread again."""

from __future__ import annotations

from tests.usecases.world import World

QUOTED = "Thanks, that works.\n\n-----Original Message-----\nFrom: Membership\nYour renewal is due on 1 May."


def with_only_new_text(world: World, on: bool = True) -> World:
    world.set_options(only_new_text=on)
    world.deps.forget_options()
    return world


class TestOnlyNewText:
    def test_the_record_holds_only_the_replys_own_text(self, world: World) -> None:
        with_only_new_text(world).receive(world.mail(body_text=QUOTED, unique_body_text="Thanks, that works."))
        [activity] = world.crm.records_for(world.alice.id)
        assert activity.field("NOTE") == "Thanks, that works."
        assert world.graph.calls.count("get_message") == 1  # the same single fetch

    def test_off_by_default_the_whole_body_is_written(self, world: World) -> None:
        world.receive(world.mail(body_text=QUOTED, unique_body_text="Thanks, that works."))
        [activity] = world.crm.records_for(world.alice.id)
        assert "Original Message" in activity.field("NOTE")

    def test_no_unique_body_falls_back_to_the_whole_body(self, world: World) -> None:
        with_only_new_text(world).receive(world.mail(body_text=QUOTED, unique_body_text="  "))
        [activity] = world.crm.records_for(world.alice.id)
        assert "Original Message" in activity.field("NOTE")

    def test_interactions_get_the_new_text_as_html(self) -> None:
        world = World()
        world.watch(record_types=("interaction",))
        with_only_new_text(world).receive(world.mail(
            body_html="<p>Thanks, <b>that works</b>.</p><blockquote>Your renewal is due</blockquote>",
            body_text="", unique_body_html="<p>Thanks, <b>that works</b>.</p>"))
        [record] = world.crm.records_for(world.alice.id)
        assert "<b>that works</b>" in str(record.fields) and "renewal is due" not in str(record.fields)
