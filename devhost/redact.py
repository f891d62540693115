"""Keep function keys out of the local host's logs: a key may travel in the query string (``?code=``, the
Functions host's documented alternative to the x-functions-key header), and the access log prints the path."""

from __future__ import annotations

import logging
import re

# learn.microsoft.com/azure/azure-functions/function-keys-how-to#use-access-keys: "?code=<API_KEY>";
# clientId names the key a caller uses with the admin endpoints.
_KEY_IN_QUERY = re.compile(r"(?i)([?&](?:code|clientid)=)[^&\s\"]*")


def redact(text: str) -> str:
    # every match has an "="; the check spares the regex on almost every log argument (it runs per request)
    return _KEY_IN_QUERY.sub(r"\1[redacted]", text) if "=" in text else text


class RedactKeys(logging.Filter):
    """Rewrites a record's message arguments (uvicorn's access log passes the path as an argument)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def install() -> None:
    """On the root logger's handlers: every record that reaches the log passes through them."""
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactKeys())
