"""Write one record per (contact, record type), effectively once.

Claim a ledger row first (atomic insert). A NEW claim writes straight away: one CRM request. A RECOVER
claim (the row was left pending by a crash) first asks the CRM for a record carrying the capture key,
so a crash between the CRM write and the ledger update never produces a second record.
"""

from __future__ import annotations

from shared.domain.errors import CrmRejected, TransientError
from shared.domain.filters import MailboxContext, direction
from shared.domain.mailbox import Mailbox
from shared.domain.mapping import CrmRecord, to_activity, to_interaction, token_values
from shared.domain.matching import ContactRef
from shared.domain.model import MailMessage
from shared.domain.options import Options
from shared.domain.reasons import Outcome, Reason
from shared.ports import ClaimState, CrmFile
from shared.services.claims import claim_once
from shared.services.crm_check import require_ready
from shared.services.decision_log import DecisionRecorder
from shared.services.deps import Services
from shared.services.files import eml_file


def _body(msg: MailMessage, kind: str, options: Options) -> str:
    if kind == "interaction" or options.save_body_as_html:
        return msg.body_html or msg.body_text
    if msg.body_text or not msg.body_html:
        return msg.body_text
    from inscriptis import get_text  # only when Graph sent HTML but the record wants text

    return get_text(msg.body_html).strip()


def build_records(msg: MailMessage, options: Options, context: MailboxContext, mailbox: Mailbox,
                  contact: ContactRef, key: str, tz: str) -> list[CrmRecord]:
    out = []
    for kind in mailbox.record_types or (options.default_record_type,):
        values = token_values(msg, mailbox=context.address, direction=direction(msg, context),
                              body=_body(msg, kind, options), tz=tz, contact_id=contact.id)
        if kind == "activity":
            out.append(to_activity(msg, options, activity_type=mailbox.activity_type or options.default_activity_type,
                                   contact_id=contact.id, capture_key=key, values=values))
        else:
            out.append(to_interaction(msg, options, contact_id=contact.id, capture_key=key, values=values))
    return out


def write_records(msg: MailMessage, options: Options, context: MailboxContext, mailbox: Mailbox,
                  targets: tuple[ContactRef, ...], key: str, owner: str, deps: Services,
                  recorder: DecisionRecorder, files: list[CrmFile]) -> int:
    require_ready(deps)  # capture to a CRM that fails preflight waits (deferred, not lost)
    written = 0
    eml: list[CrmFile] = []
    for contact in targets:
        for record in build_records(msg, options, context, mailbox, contact, key, deps.settings.imis_timezone):
            ledger_key = f"{key}-{record.kind[0]}"
            claim = claim_once(ledger_key, contact.id, owner, deps)
            if claim.state == ClaimState.DONE:
                recorder.record(contact, record, Outcome.DUPLICATE, Reason.ALREADY_CAPTURED, claim.record_id)
                continue
            record_id = deps.crm.find_record(record) if claim.state == ClaimState.RECOVER else None
            if record_id is None:
                if options.save_as_eml and not eml:  # fetched once, only when a record is written
                    eml.append(eml_file(msg, key, context.address, deps))
                try:
                    record_id = deps.crm.write_record(record, files + eml)
                except TransientError:
                    deps.ledger.abandon(ledger_key, contact.id)
                    raise
                except CrmRejected as exc:
                    deps.ledger.release(ledger_key, contact.id)
                    recorder.record(contact, record, Outcome.FAILED, Reason.CRM_REJECTED, "", str(exc))
                    continue
            deps.ledger.complete(ledger_key, contact.id, record_id, record.kind, deps.clock.now())
            recorder.record(contact, record, Outcome.CAPTURED, None, record_id)
            written += 1
    return written
