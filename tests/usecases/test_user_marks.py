"""What the people in the mailbox marked: mail marked Personal, Private or Confidential stays out of the CRM."""

from __future__ import annotations

import pytest

from tests.usecases.world import MAILBOX, World


class TestPrivateMail:
    @pytest.mark.parametrize("level", ["private", "personal", "confidential"])
    def test_mail_marked_in_outlook_is_skipped_as_private(self, world: World, level: str) -> None:
        mid = world.receive(world.mail(sensitivity=level))  # Graph path: PidTagSensitivity read with the message
        entry = world.outcome(mid)
        assert (entry["outcome"], entry["reason"]) == ("skipped", "private")
        assert level.capitalize() in entry["detail"]
        assert world.crm.records == {}

    def test_the_sensitivity_header_alone_is_enough(self, world: World) -> None:
        mid = world.receive(world.mail(headers=(("Sensitivity", "Company-Confidential"),)))  # MIME path
        assert world.outcome(mid)["reason"] == "private"

    def test_normal_mail_is_captured(self, world: World) -> None:
        mid = world.receive(world.mail(sensitivity="normal", headers=(("Sensitivity", "Normal"),)))
        assert world.outcome(mid)["outcome"] == "captured"

    def test_the_option_off_captures_private_mail(self, world: World) -> None:
        world.set_options(skip_private_mail=False)
        world.deps.forget_options()
        mid = world.receive(world.mail(sensitivity="private"))
        assert world.outcome(mid)["outcome"] == "captured"

    def test_one_mailbox_can_capture_private_mail_while_the_others_do_not(self) -> None:
        world = World()
        world.watch(skip_private_mail=False)
        world.watch("office@association.example")
        kept = world.receive(world.mail(sensitivity="private"))
        skipped = world.receive(world.mail(sensitivity="private", to="office@association.example"),
                                mailbox="office@association.example")
        assert world.outcome(kept, MAILBOX)["outcome"] == "captured"
        assert world.outcome(skipped, "office@association.example")["reason"] == "private"


class TestNeverCaptureCategory:
    def test_the_category_keeps_the_message_out(self, world: World) -> None:
        mid = world.receive(world.mail(categories=("Blue category", "not for crm")))  # names compare without case
        entry = world.outcome(mid)
        assert (entry["outcome"], entry["reason"]) == ("skipped", "excluded_by_user")
        assert world.crm.records == {}

    def test_the_keywords_header_carries_it_in_mime(self, world: World) -> None:
        mid = world.receive(world.mail(headers=(("Keywords", "Important, Not for CRM"),)))
        assert world.outcome(mid)["reason"] == "excluded_by_user"

    def test_other_categories_are_captured(self, world: World) -> None:
        mid = world.receive(world.mail(categories=("Not for CRM yet",)))
        assert world.outcome(mid)["outcome"] == "captured"

    def test_the_admin_names_the_category_or_turns_it_off(self, world: World) -> None:
        world.set_options(never_capture_category="Privé")
        world.deps.forget_options()
        assert world.outcome(world.receive(world.mail(categories=("privé",))))["reason"] == "excluded_by_user"
        world.set_options(never_capture_category="")
        world.deps.forget_options()
        assert world.outcome(world.receive(world.mail(categories=("Not for CRM",))))["outcome"] == "captured"
