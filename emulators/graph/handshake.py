"""The notification URL validation handshake Graph performs before creating a subscription.

Per concepts/includes/change-notifications-delivery-notificationurl-validation.md: POST
``{url}?validationToken={opaque}`` with ``Content-Type: text/plain; charset=utf-8``; the endpoint must
answer 200 with the URL-decoded token as plain text within 10 seconds, else no subscription is made.
The token is the phrase Graph sends today (it contains spaces and a colon, so endpoints that forget to
URL-decode it fail here too). Failure bodies are the ones Graph returns in practice.
"""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from emulators.graph.errors import GraphError
from emulators.graph.ids import new_guid

NOT_200 = ("Subscription validation request failed. Notification endpoint must respond with 200 OK to validation "
           "request.")
MISMATCH = "Subscription validation request failed. Response must exactly match validationToken query parameter."
TIMED_OUT = "Subscription validation request timed out."


def with_query(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


async def validate_endpoint(client: httpx.AsyncClient, url: str, timeout_s: float) -> None:
    token = f"Validation: Testing client application reachability for subscription Request-Id: {new_guid()}"
    headers = {"Content-Type": "text/plain; charset=utf-8"}
    try:
        response = await asyncio.wait_for(client.post(with_query(url, validationToken=token), content=b"",
                                                      headers=headers, timeout=timeout_s), timeout_s)
    except (TimeoutError, httpx.TimeoutException) as exc:
        raise GraphError(400, "InvalidRequest", TIMED_OUT) from exc
    except httpx.HTTPError as exc:
        raise GraphError(400, "ValidationError", NOT_200) from exc
    if response.status_code != 200:
        raise GraphError(400, "ValidationError", NOT_200)
    if response.text != token:
        raise GraphError(400, "ValidationError", MISMATCH)
