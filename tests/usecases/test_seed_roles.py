"""The seed's roles: Interaction Roles, Default Activities Roles and Add New Contact Roles are Entra app roles a
mailbox's owner must hold (Mailbox.roles) for its mail to become Interactions, Activities or new contacts."""

from __future__ import annotations

import pytest

from shared.domain.errors import BadRequest, InvalidOptions
from shared.domain.mailbox import Mailbox
from shared.domain.options import Options, parse_options
from shared.domain.seed_roles import SEED_NAMES
from shared.services.mailboxes import onboard_mailbox
from tests.usecases.world import ALICE, MAILBOX, World

SALES = "sales@association.example"


@pytest.fixture
def restricted(world: World) -> World:
    world.set_options(internal_domains=["association.example"], interaction_roles=["MailCapture.Interactions"],
                      activity_roles=["MailCapture.Activities"], add_new_contact_roles=["MailCapture.NewContacts"],
                      create_contact_if_not_found=True, default_record_type="activity")
    world.deps.forget_options()
    return world


def test_a_mailbox_without_the_activities_role_writes_no_activity(restricted: World) -> None:
    restricted.watch(MAILBOX, roles=("MailCapture.Interactions",))
    restricted.deps.forget_options()
    restricted.receive(restricted.mail(sender=ALICE))
    assert restricted.crm.records_for("20001") == []


def test_the_owner_s_roles_allow_each_record_type_and_contact_creation(restricted: World) -> None:
    restricted.watch(SALES, roles=("MailCapture.Activities", "MailCapture.Interactions"),
                     record_types=("activity", "interaction"))
    restricted.receive(restricted.mail(sender=ALICE, to=SALES), mailbox=SALES)
    assert sorted(r.kind for r in restricted.crm.records_for("20001")) == ["activity", "interaction"]
    restricted.receive(restricted.mail(sender="stranger@example.net", to=SALES), mailbox=SALES)
    assert restricted.crm.find_contacts("stranger@example.net") == ()  # no Add New Contact role


def test_the_new_contact_role_lets_contacts_be_created(restricted: World) -> None:
    restricted.watch(SALES, roles=("MailCapture.Activities", "MailCapture.NewContacts"))
    restricted.receive(restricted.mail(sender="stranger@example.net", to=SALES), mailbox=SALES)
    assert len(restricted.crm.find_contacts("stranger@example.net")) == 1


def test_asking_for_what_the_roles_do_not_allow_is_refused(restricted: World) -> None:
    with pytest.raises(BadRequest, match="Interaction Roles"):
        onboard_mailbox(Mailbox(address=SALES, record_types=("interaction",), roles=("MailCapture.Activities",)),
                        restricted.deps)
    with pytest.raises(BadRequest, match="Add New Contact Roles"):
        onboard_mailbox(Mailbox(address=SALES, create_contacts=True, roles=("MailCapture.Activities",)),
                        restricted.deps)
    assert restricted.deps.mailboxes.get(SALES) is None


def test_empty_role_options_restrict_nobody(world: World) -> None:
    world.receive(world.mail(sender=ALICE))
    assert len(world.crm.records_for("20001")) == 1


def test_role_values_are_validated() -> None:
    with pytest.raises(InvalidOptions):
        parse_options({"interaction_roles": ["has spaces"]})
    with pytest.raises(ValueError):
        Mailbox(address=SALES, roles=("bad role",))
    assert set(SEED_NAMES) <= set(Options.model_fields)
