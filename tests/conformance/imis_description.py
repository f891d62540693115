"""The iMIS REST surface the product relies on, with the best public source for each part, written by hand.

No machine-readable iMIS description is published (the developer.imis.com reference is per-endpoint pages; the
certified Power Platform connector describes a vendor proxy, not iMIS). Source keys are those of
/work/shared/reference/crm-apis.md (its "Sources" table gives each URL or repository file). A part with no
source is UNCONFIRMED and names the guard that keeps a wrong guess safe (docs/wire-fidelity.md says more).
"""

from __future__ import annotations

from dataclasses import dataclass

PREFLIGHT = "checked by the preflight before capture starts (shared/services/crm_check.py)"
VERIFIED = "verified on read: a record is adopted only if it carries our key and contact"
OFF = "off by default (an option the admin turns on, then checked by the preflight)"


@dataclass(frozen=True, slots=True)
class Part:
    method: str
    path: str  # regex over the request path (IIS paths are case-insensitive: matched ignoring case)
    names: tuple[str, ...]  # query parameters or body property names this part covers
    source: str  # "" = UNCONFIRMED
    guard: str = ""  # how an unconfirmed part is kept safe

    @property
    def confirmed(self) -> bool:
        return bool(self.source)


PARTS = (
    Part("POST", r"/token", ("grant_type", "username", "password"), "IMIS-TOKEN, TGT-AUTH"),
    Part("GET", r"/api/Party", ("limit", "offset"), "IMIS-QUERY, TGT-SINKS (paging), IMIS-ACCESS"),
    Part("GET", r"/api/Party", ("Email",), "IMIS-QUERY (PropertyName=eq:value), TGT-SINKS (email on Party)"),
    Part("GET", r"/api/Party", ("Email:endsWith",), "", OFF + " - link organisations by domain"),
    Part("POST", r"/api/Party", ("$type", "PersonName", "Emails"), "TGT-SINKS"),
    Part("POST", r"/api/Activity", ("$type", "EntityTypeName", "PrimaryParentEntityTypeName",
                                    "PrimaryParentIdentity", "Properties"), "CODE-ACT, TGT-SINKS"),
    Part("POST", r"/api/Activity", ("PartyId", "ACTIVITY_TYPE", "DESCRIPTION", "TRANSACTION_DATE", "UNITS"),
         "CODE-ACT, TGT-SINKS (column names)"),
    Part("POST", r"/api/Activity", ("NOTE", "NOTE_2", "UF_1", "UF_2", "UF_3", "SOURCE_CODE", "OTHER_CODE"),
         "", PREFLIGHT + " (CSI-ACT names the fields; these spellings are inferred)"),
    Part("GET", r"/api/Activity", ("PartyId", "UF_1", "limit", "offset"), "", VERIFIED + "; " + PREFLIGHT),
    Part("GET", r"/api/metadata/[A-Za-z]+", (), "developer.imis.com docs/working-with-imis-soa "
         "(FindMetaDataForEntity); discuss/660f25505e07760044729018 (the URL)", ""),
    Part("GET", r"/api/(Activity|CommunicationLogRecipient)", ("limit",), "IMIS-QUERY (limit)"),
    Part("POST", r"/api/CommunicationLogRecipient", ("$type", "EntityTypeName", "PrimaryParentEntityTypeName",
                                                     "PrimaryParentIdentity", "Properties", "RecipientId",
                                                     "Subject", "Html", "MessageType", "EmailTo", "CaptureKey",
                                                     "AttachmentNames"), "", OFF + " - record type interaction"),
    Part("GET", r"/api/CommunicationLogRecipient", ("RecipientId", "CaptureKey", "limit", "offset"), "",
         VERIFIED + "; " + OFF),
    Part("POST", r"/api/Attachment", ("$type", "EntityTypeName", "PrimaryParentEntityTypeName",
                                      "PrimaryParentIdentity", "Properties", "FileName", "ContentType", "Data"),
         "", OFF + " - attachments / save as .eml"),
    Part("DELETE", r"/api/(Activity|CommunicationLogRecipient|Attachment)/[^/]+", (), "",
         "off by default (IMIS_ALLOW_DELETE); erasure deletes only ledger records after confirmation"),
)
