"""Entity-group transactions without azure-core's two thread pools per request.

azure-core 1.41.0 applies a multipart request's per-part policies (azure-data-tables passes one,
``StorageHeadersPolicy``: the part's x-ms-date / Date headers) in a new ``concurrent.futures.ThreadPoolExecutor``
per nesting level (``Pipeline._prepare_multipart_mixed_request``, azure/core/pipeline/_base.py), and the response's
``on_response`` hooks (none of them does anything for Tables) in another one (``_parts_helper``,
azure/core/utils/_pipeline_transport_rest_shared.py). Each pool starts and joins its own threads, so every
``submit_transaction`` started 2–7 threads: in the worker that was ~16 % of a batch's wall time waiting for thread
start and join under the GIL (py-spy ``--idle``, docs/benchmarks.md "Fourth round").

``install()`` swaps in the same steps run in the calling thread, in order (the policies are sans-I/O and pure:
order among parts never mattered, the pool's ``map`` already returned in order). It also builds the body and
reads the answer as bytes instead of through the ``email`` package and ``http.client`` (shared/adapters/
multipart_wire.py, multipart_answer.py: the same bytes and parts, the library's code for anything unusual). It is
applied only to the azure-core version whose code these mirror; any other version keeps the library's own code
(slower, never wrong).
"""

from __future__ import annotations

import logging
from typing import Any

import azure.core
from azure.core.pipeline import Pipeline, PipelineContext, PipelineRequest, PipelineResponse
from azure.core.pipeline._tools import await_result
from azure.core.pipeline.transport import _base as transport_base
from azure.core.rest import _helpers as rest_helpers
from azure.core.rest import _http_response_impl
from azure.core.utils import _pipeline_transport_rest_shared as library

from shared.adapters import multipart_answer, multipart_wire

logger = logging.getLogger(__name__)
VERIFIED_VERSION = "1.41.0"  # the azure-core whose _prepare_multipart_mixed_request / _parts_helper these mirror


def prepare_parts(request: Any) -> None:
    """``Pipeline._prepare_multipart_mixed_request``, sequential: each part (and each changeset's parts) through
    the multipart policies' ``on_request``."""
    info = request.multipart_mixed_info
    if not info:
        return
    parts, policies, options = info[0], info[1], info[3]
    for part in parts:
        if part.multipart_mixed_info:
            prepare_parts(part)
        pipeline_request = PipelineRequest(part, PipelineContext(None, **options))
        for policy in policies:
            await_result(policy.on_request, pipeline_request)


def response_parts(response: Any) -> Any:
    """``_parts_helper``, sequential: the raw parts, each through the multipart policies' ``on_response``."""
    if not response.content_type or not response.content_type.startswith("multipart/mixed"):
        raise ValueError("You can't get parts if the response is not multipart/mixed")
    parts = response._get_raw_parts()  # noqa: SLF001 - as azure-core's own helper does
    if response.request.multipart_mixed_info:
        policies = response.request.multipart_mixed_info[1]
        for part in parts:
            context = PipelineContext(None)
            pipeline_request = PipelineRequest(part.request, context)
            pipeline_response = PipelineResponse(part.request, part, context=context)
            for policy in policies:
                await_result(policy.on_response, pipeline_request, pipeline_response)
    return parts


def prepare_body(request: Any, content_index: int = 0) -> int:
    """``_prepare_multipart_body_helper``: the body as bytes (multipart_wire), else the library's own code."""
    if not request.multipart_mixed_info:
        return 0
    built = multipart_wire.multipart_body(request, content_index, library._serialize_request)  # noqa: SLF001
    if built is None:
        return int(library._prepare_multipart_body_helper(request, content_index))  # noqa: SLF001
    body, boundary, content_index = built
    request.set_bytes_body(body)
    request.headers["Content-Type"] = "multipart/mixed; boundary=" + boundary
    return content_index


def raw_parts(response: Any, http_response_type: Any) -> Any:
    """``_get_raw_parts_helper`` of azure.core.rest responses: the parts read as bytes (multipart_answer), else the
    library's own parser."""
    if http_response_type is _http_response_impl.RestHttpClientTransportResponse:
        parts = multipart_answer.decode(response.content_type, response.body(),
                                        response.request.multipart_mixed_info[0], response.request, http_response_type)
        if parts is not None:
            return parts
    return library._get_raw_parts_helper(response, http_response_type)  # noqa: SLF001


def install(version: str = azure.core.__version__) -> bool:
    """Use the sequential steps when azure-core is the verified version; True when installed."""
    if version != VERIFIED_VERSION:
        logger.info("azure-core %s: its own multipart thread pools are kept (verified: %s)", version, VERIFIED_VERSION)
        return False
    Pipeline._prepare_multipart_mixed_request = staticmethod(prepare_parts)  # type: ignore[method-assign]
    # parts() of both response families looks the helper up in its own module
    _http_response_impl._parts_helper = response_parts
    transport_base._parts_helper = response_parts
    # the body and the answer as bytes, for azure.core.rest requests (azure-data-tables' send_request): each module
    # looks its helper up in its own globals
    rest_helpers._prepare_multipart_body_helper = prepare_body  # type: ignore[assignment]
    _http_response_impl._get_raw_parts_helper = raw_parts
    return True
