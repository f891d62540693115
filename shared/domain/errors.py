"""Error hierarchy of the service.

    MailCaptureError
    ├── TransientError          retry later (queue redelivery): Graph/CRM 429, 5xx, timeouts
    │   ├── GraphUnavailable
    │   └── CrmUnavailable
    ├── PermanentError          record and stop: retrying cannot help
    │   ├── ResourceNotFound    Graph answered 404 for what was asked about:
    │   │   ├── MessageNotFound         the message (deleted or moved before it was processed)
    │   │   └── SubscriptionNotFound    the subscription (removed or expired at Graph)
    │   ├── SyncStateExpired    a delta link Graph no longer accepts (410): restart the sync
    │   ├── UnparseableMessage  the bytes are not an Internet message (also a ValueError)
    │   └── CrmRejected
    ├── BadRequest              400: the caller's input is wrong (also a ValueError); the text says how
    ├── Refused                 409: a destructive operation unconfirmed or switched off; nothing done
    └── OptionsError
        ├── InvalidOptions      400: every problem with its field path
        └── OptionsConflict     412: the document changed since the caller read it
            └── PreconditionRequired  428: no If-Match was sent
"""

from __future__ import annotations


class MailCaptureError(Exception):
    pass


class TransientError(MailCaptureError):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class GraphUnavailable(TransientError):
    pass


class CrmUnavailable(TransientError):
    pass


class PermanentError(MailCaptureError):
    pass


class ResourceNotFound(PermanentError):
    pass


class MessageNotFound(ResourceNotFound):
    pass


class SubscriptionNotFound(ResourceNotFound):
    pass


class SyncStateExpired(PermanentError):
    pass


class UnparseableMessage(PermanentError, ValueError):
    """The bytes are not an Internet message; the text says what was wrong."""


class CrmRejected(PermanentError):
    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status  # the CRM's HTTP status, when it gave one


class BadRequest(MailCaptureError, ValueError):
    """The caller's request is wrong (a 400 with this text). Only this is a 400: any other ValueError or
    KeyError is a bug and must not be disguised as the caller's fault."""


class Refused(MailCaptureError):
    """409: a destructive operation not confirmed as asked, or switched off; nothing was done."""


class OptionsError(MailCaptureError):
    pass


class InvalidOptions(OptionsError):
    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{path or '(document)'}: {msg}" for path, msg in problems))


class OptionsConflict(OptionsError):
    pass


class PreconditionRequired(OptionsConflict):
    pass
