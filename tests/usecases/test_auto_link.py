"""Free-mail and other listed domains never become organisations nor new contacts; they are still captured for
contacts who already exist, and they are separate from the blocked list."""

from __future__ import annotations

import pytest

from tests.usecases.world import ALICE, World


@pytest.fixture
def linking(world: World) -> World:
    world.set_options(internal_domains=["association.example"], link_organisation_by_domain=True,
                      create_contact_if_not_found=True)
    world.deps.forget_options()
    return world


class TestAutoLinkExclusions:
    def test_a_stranger_on_a_free_mail_domain_creates_no_contact(self, linking: World) -> None:
        mid = linking.receive(linking.mail(sender="someone.new@gmail.com"))
        entry = linking.outcome(mid)
        assert (entry["outcome"], entry["reason"]) == ("skipped", "no_contact")
        assert "gmail.com is excluded" in entry["detail"]
        assert linking.crm.find_contacts("someone.new@gmail.com") == ()

    def test_a_free_mail_domain_is_never_linked_to_an_organisation(self, linking: World) -> None:
        org = linking.crm.add_contact("info@gmail.com", "Some Org", "40009")  # a wrong organisation on gmail.com
        linking.crm.organisations["gmail.com"] = [org]
        linking.receive(linking.mail(sender="someone.else@mail.gmail.com"))  # subdomains are excluded too
        assert linking.crm.records_for("40009") == []

    def test_an_existing_contact_on_a_free_mail_domain_is_still_captured(self, linking: World) -> None:
        member = linking.crm.add_contact("member@outlook.com", "Member", "20077")
        linking.receive(linking.mail(sender="member@outlook.com"))
        assert len(linking.crm.records_for(member.id)) == 1

    def test_other_domains_still_create_contacts(self, linking: World) -> None:
        linking.receive(linking.mail(sender="new.member@example.net"))
        assert len(linking.crm.find_contacts("new.member@example.net")) == 1

    def test_the_list_is_the_admins(self, linking: World) -> None:
        linking.set_options(auto_link_excluded_domains=["example.net"])
        linking.deps.forget_options()
        linking.receive(linking.mail(sender="new.member@example.net"))
        linking.receive(linking.mail(sender="someone.new@gmail.com"))
        assert linking.crm.find_contacts("new.member@example.net") == ()
        assert len(linking.crm.find_contacts("someone.new@gmail.com")) == 1
        assert linking.outcome(linking.receive(linking.mail(sender=ALICE)))["outcome"] == "captured"
