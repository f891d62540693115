"""Preflight against the live CRM: read-only checks that every capture step the options enable is supported by
this site, field by field. Capture waits (messages are deferred, never lost) while the latest preflight
failed; the status and the admin action say why.

Checks: a token; a contact look-up by e-mail; for each record kind in use (Activity; Interaction and
attachments only where enabled) that the site declares every column the adapter writes; and that it honours
the capture-key filter crash recovery uses (a site that ignores it would answer other records).
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from shared.domain.errors import CrmUnavailable, MailCaptureError, TransientError
from shared.domain.matching import ContactRef
from shared.domain.options import Options

logger = logging.getLogger(__name__)
COUNTER = "crm-preflight"
MAX_AGE_S = 3600.0  # a passed preflight is re-checked hourly; a failed one every few minutes
RETRY_FAILED_S = 300.0
PROBE_EMAIL = "preflight.check@example.invalid"


class CrmPreflight(Protocol):
    def check_token(self) -> None: ...
    def find_contacts(self, email: str) -> tuple[ContactRef, ...]: ...
    def fields_written(self, kind: str, mapped: tuple[str, ...]) -> tuple[str, ...]: ...
    def entity_fields(self, kind: str) -> tuple[frozenset[str], str] | None: ...
    def key_filter_honoured(self, kind: str) -> bool | None: ...


@dataclass(frozen=True, slots=True)
class Check:
    step: str  # token | contact_lookup | activity | interaction | attachment
    field: str  # the column, or "" for a whole step
    ok: bool
    detail: str


@dataclass(frozen=True, slots=True)
class Report:
    ok: bool
    checks: tuple[Check, ...]
    at: float
    unavailable: bool = False  # the CRM did not answer (5xx, timeout): says nothing about what the site supports

    def failures(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]

    def why(self) -> str:
        return "; ".join(f"{c.step}{'.' + c.field if c.field else ''}: {c.detail}" for c in self.failures())

    def to_json(self) -> str:
        return json.dumps({"ok": self.ok, "at": self.at, "unavailable": self.unavailable,
                           "checks": [asdict(c) for c in self.checks]})

    @classmethod
    def from_json(cls, text: str) -> Report:
        raw = json.loads(text)
        return cls(bool(raw["ok"]), tuple(Check(**c) for c in raw["checks"]), float(raw["at"]),
                   bool(raw.get("unavailable")))


def steps_in_use(options: Options, record_types: set[str]) -> list[str]:
    kinds = [k for k in ("activity", "interaction") if k in record_types]
    return kinds + (["attachment"] if options.attachments != "none" or options.save_as_eml else [])


def run_preflight(crm: CrmPreflight, options: Options, record_types: set[str], email: str = PROBE_EMAIL) -> Report:
    """Raises TransientError when the CRM does not answer: an outage is not a verdict on the site."""
    checks: list[Check] = []
    for step, call in (("token", crm.check_token), ("contact_lookup", lambda: crm.find_contacts(email))):
        try:
            call()
            checks.append(Check(step, "", True, "ok"))
        except TransientError:
            raise
        except (MailCaptureError, KeyError, ValueError) as exc:
            checks.append(Check(step, "", False, str(exc) or type(exc).__name__))
            return Report(False, tuple(checks), time.time())
    checks.append(_case_check(crm, email))
    for kind in steps_in_use(options, record_types):
        checks += _entity_checks(crm, kind, options)
    return Report(all(c.ok for c in checks), tuple(checks), time.time())


def _case_check(crm: CrmPreflight, email: str) -> Check:
    """Case-insensitive e-mail matching is likely (SQL Server collation) but UNCONFIRMED (crm-apis.md §2.2);
    mail headers carry addresses in any case, so a case-sensitive site would miss contacts."""
    found = {c.id for c in crm.find_contacts(email)}
    if not found:
        return Check("contact_lookup", "case-insensitive", True,
                     "not testable with this address: give the e-mail of a known contact to test it")
    upper = {c.id for c in crm.find_contacts(email.upper())}
    return Check("contact_lookup", "case-insensitive", upper == found,
                 "the same contacts for the address in upper case" if upper == found
                 else "the site matches e-mail addresses case-sensitively: contacts would be missed")


def _entity_checks(crm: CrmPreflight, kind: str, options: Options) -> list[Check]:
    mapped = tuple(f.field for t in options.activity_types for f in t.fields) if kind == "activity" else ()
    try:
        declared = crm.entity_fields(kind)
        honoured = crm.key_filter_honoured(kind) if kind != "attachment" else True
    except TransientError:
        raise
    except MailCaptureError as exc:
        return [Check(kind, "", False, f"the site refused the read: {exc}")]
    wanted = crm.fields_written(kind, mapped)
    if declared is None:
        return [Check(kind, f, False, "not verifiable: no metadata and no stored record to read") for f in wanted]
    names, source = declared
    out = [Check(kind, f, f.lower() in names, f"declared ({source})" if f.lower() in names
                 else f"missing: the site does not declare this column ({source})") for f in wanted]
    if honoured is False:
        out.append(Check(kind, "capture key filter", False, "the site ignores or refuses the filter on the "
                         "capture-key column, so crash recovery could not find its own records"))
    elif honoured is None:
        out.append(Check(kind, "capture key filter", True, "not testable yet (no records); recovery still "
                         "checks each record's key before adopting it"))
    else:
        out.append(Check(kind, "capture key filter", True, "honoured"))
    return out


def preflight_json(report: Report) -> dict[str, Any]:
    """The admin API's form (CrmPreflight in shared/web/api_documents.py)."""
    at = datetime.fromtimestamp(report.at, UTC).isoformat()
    return {"ok": report.ok, "at": at, "why": report.why(),
            "checks": [{"step": c.step, "field": c.field, "ok": c.ok, "detail": c.detail} for c in report.checks]}


def render_text(report: Report) -> str:
    lines = [f"CRM preflight: {'PASSED' if report.ok else 'FAILED'}"]
    for c in report.checks:
        lines.append(f"  [{'ok' if c.ok else 'FAIL'}] {c.step}{' ' + c.field if c.field else ''}: {c.detail}")
    return "\n".join(lines)


# --- stored verdict and the capture gate ------------------------------------------------------------------
def _max_age(report: Report) -> float:
    return MAX_AGE_S if report.ok else RETRY_FAILED_S


def record_types_in_use(deps: Any) -> set[str]:
    options = deps.current_options().options
    kinds = {options.default_record_type}
    for mailbox in deps.mailboxes.all():
        kinds.update(mailbox.record_types or ())
    return kinds


def check_and_store(deps: Any, email: str = PROBE_EMAIL) -> Report:
    """For the admin action and the command: an outage is reported (and stored) as such."""
    try:
        return _run_and_store(deps, email)
    except TransientError as exc:
        report = Report(False, (Check("crm", "", False, f"the CRM did not answer: {exc}"),), time.time(), True)
        deps.counters.touch(COUNTER, "latest", Ok=False, Report=report.to_json(), At=report.at)
        return report


def _run_and_store(deps: Any, email: str = PROBE_EMAIL) -> Report:
    report = run_preflight(deps.crm, deps.current_options().options, record_types_in_use(deps), email)
    deps.counters.touch(COUNTER, "latest", Ok=report.ok, Report=report.to_json(), At=report.at)
    deps.caches.crm_preflight = (time.monotonic(), report)
    if not report.ok:
        logger.warning("CRM preflight failed: %s", report.why())
    return report


def latest(deps: Any) -> Report | None:
    row = deps.counters.scope(COUNTER).get("latest")
    return Report.from_json(row["Report"]) if row and row.get("Report") else None


def require_ready(deps: Any) -> None:
    """Before a CRM write: raise CrmUnavailable (the worker defers the message) while the CRM fails preflight.
    The verdict is cached per worker (``deps.caches``): re-checked hourly, or every 5 minutes while it fails."""
    if getattr(deps.crm, "entity_fields", None) is None:
        return  # an adapter without preflight support (the in-memory fakes of the use-case tests)
    hit = deps.caches.crm_preflight
    if hit is None or time.monotonic() - hit[0] > _max_age(hit[1]):
        report = latest(deps)
        if report is None or report.unavailable or time.time() - report.at >= _max_age(report):
            report = _run_and_store(deps)  # TransientError: a queue retry
        hit = deps.caches.crm_preflight = (time.monotonic(), report)
    if not hit[1].ok:
        raise CrmUnavailable(f"CRM failed preflight: {hit[1].why()}", retry_after=RETRY_FAILED_S)
