"""Write one record per (contact, record type), effectively once.

Claim a ledger row first (atomic insert). A NEW claim writes straight away: one CRM request. A RECOVER
claim (the row was left pending by a crash) first asks the CRM for a record carrying the capture key,
so a crash between the CRM write and the ledger update never produces a second record. A write that fails in an
unknown state (any error but the CRM's refusal) leaves the row unowned (``abandon``): the next attempt checks the
CRM at once even when it comes under another queue message (an id of a batch queued again alone), instead of
waiting out the failed attempt's lease.
"""

from __future__ import annotations

from dataclasses import replace

from shared.domain.errors import CrmRejected
from shared.domain.filters import MailboxContext, direction
from shared.domain.mailbox import Mailbox
from shared.domain.mapping import CrmRecord, to_activity, to_interaction, token_values
from shared.domain.matching import ContactRef
from shared.domain.model import MailMessage
from shared.domain.options import Options
from shared.domain.reasons import Outcome, Reason
from shared.domain.seed_roles import permitted_record_types
from shared.ports import ClaimState, CrmFile
from shared.services.claims import claim_once
from shared.services.crm_check import require_ready
from shared.services.decision_log import DecisionRecorder
from shared.services.deps import Services
from shared.services.files import eml_file


def record_body(msg: MailMessage, kind: str, options: Options) -> str:
    """The body a record of this kind gets: HTML for Interactions or when asked, else text; with
    ``only_new_text``, Graph's uniqueBody when it gave one (else the full body)."""
    if options.only_new_text and (msg.unique_body_text.strip() or msg.unique_body_html.strip()):
        msg = replace(msg, body_text=msg.unique_body_text, body_html=msg.unique_body_html)
    if kind == "interaction" or options.save_body_as_html:
        return msg.body_html or msg.body_text
    if msg.body_text or not msg.body_html:
        return msg.body_text
    from inscriptis import get_text  # only when Graph sent HTML but the record wants text

    return get_text(msg.body_html).strip()


def build_records(msg: MailMessage, options: Options, context: MailboxContext, mailbox: Mailbox,
                  contact: ContactRef, key: str, tz: str) -> list[CrmRecord]:
    out = []
    for kind in permitted_record_types(mailbox, options):  # the seed's Interaction/Activities Roles
        values = token_values(msg, mailbox=context.address, direction=direction(msg, context),
                              body=record_body(msg, kind, options), tz=tz, contact_id=contact.id)
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
    steps = FileSteps(msg, key, context.address, files, options.save_as_eml, deps)
    for contact in targets:
        for record in build_records(msg, options, context, mailbox, contact, key, deps.settings.imis_timezone):
            ledger_key = f"{key}-{record.kind[0]}"
            claim = claim_once(ledger_key, contact.id, owner, deps)
            if claim.state == ClaimState.DONE:
                recorder.record(contact, record, Outcome.DUPLICATE, Reason.ALREADY_CAPTURED, claim.record_id)
                continue
            if claim.state == ClaimState.WRITTEN:  # a retry: the record exists, only the failed steps remain
                record_id, pending = claim.record_id, claim.pending
            else:
                found = deps.crm.find_record(record) if claim.state == ClaimState.RECOVER else None
                record_id = found or ""
                if found is None:
                    try:
                        record_id = deps.crm.write_record(record, [])
                    except CrmRejected as exc:
                        deps.ledger.release(ledger_key, contact.id)
                        recorder.record(contact, record, Outcome.FAILED, Reason.CRM_REJECTED, "", str(exc))
                        continue
                    except Exception:  # written or not (a timeout, an answer that cannot be read): abandoned
                        deps.ledger.abandon(ledger_key, contact.id)
                        raise
                pending = steps.names
                # The record id is kept before any later step runs: a failed file never causes a second record.
                deps.ledger.complete(ledger_key, contact.id, record_id, record.kind, deps.clock.now(), pending, owner)
            refused = steps.run(record, record_id, pending, ledger_key, contact.id)
            recorder.record(contact, record, Outcome.CAPTURED, None, record_id, refused)
            written += 1
    return written


class FileSteps:
    """The later steps of a record: one per attachment ("file:N") and the .eml copy ("eml"). Each is done once
    and struck from the ledger row as it succeeds, so a retry repeats only what failed. A file the CRM refuses
    (4xx) is noted and struck too: the record stays captured without it."""

    def __init__(self, msg: MailMessage, key: str, mailbox: str, files: list[CrmFile], with_eml: bool,
                 deps: Services) -> None:
        self._msg, self._key, self._mailbox, self._files, self._deps = msg, key, mailbox, files, deps
        self.names = tuple(f"file:{i}" for i in range(len(files))) + (("eml",) if with_eml else ())
        self._eml: CrmFile | None = None

    def _file(self, step: str) -> CrmFile | None:
        if step == "eml":
            if self._eml is None:  # fetched once, only when a record needs it
                self._eml = eml_file(self._msg, self._key, self._mailbox, self._deps)
            return self._eml
        index = int(step.split(":", 1)[1]) if step.startswith("file:") else -1
        return self._files[index] if 0 <= index < len(self._files) else None

    def run(self, record: CrmRecord, record_id: str, pending: tuple[str, ...], ledger_key: str,
            contact_id: str) -> str:
        refused = []
        for step in pending:
            file = self._file(step)
            file_id = ""
            try:
                if file is not None:
                    file_id = self._deps.crm.attach_file(record, record_id, file)
            except CrmRejected as exc:
                refused.append(f"{file.name if file else step} not attached: {exc}")
            except Exception:
                self._deps.ledger.abandon(ledger_key, contact_id)  # the next attempt, anyone's, resumes here
                raise
            self._deps.ledger.step_done(ledger_key, contact_id, step, file_id)
        return "; ".join(refused)
