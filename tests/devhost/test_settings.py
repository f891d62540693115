"""host.json / local.settings.json parsing, function keys and message encoding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from devhost.hostconfig import HostConfig, HostConfigError, QueueOptions, apply_local_settings, parse_timespan
from devhost.keys import ADMIN, ANONYMOUS, FUNCTION, Keys
from devhost.storage import decode_message, encode_message


class TestHostJson:
    def test_reads_queue_options_and_route_prefix(self, tmp_path: Path) -> None:
        path = tmp_path / "host.json"
        path.write_text(json.dumps({"version": "2.0", "functionTimeout": "00:05:00", "extensions": {
            "http": {"routePrefix": "/x/"},
            "queues": {"batchSize": 4, "newBatchThreshold": 1, "maxDequeueCount": 2, "visibilityTimeout": "00:00:03",
                       "maxPollingInterval": "00:00:00.500", "messageEncoding": "none"}}}))
        config = HostConfig.load(path)
        assert config.queues == QueueOptions(4, 1, 0.5, 3.0, 2, "none")
        assert (config.route_prefix, config.function_timeout) == ("x", 300.0)

    def test_missing_file_gives_the_extension_defaults(self, tmp_path: Path) -> None:
        config = HostConfig.load(tmp_path / "absent.json")
        assert config.queues == QueueOptions(16, 8, 60.0, 0.0, 5, "base64")
        assert config.route_prefix == "api"

    @pytest.mark.parametrize("queues", [{"batchSize": 33}, {"messageEncoding": "utf8"}, {"visibilityTimeout": "30s"}])
    def test_rejects_values_the_host_would_reject(self, tmp_path: Path, queues: dict[str, object]) -> None:
        path = tmp_path / "host.json"
        path.write_text(json.dumps({"version": "2.0", "extensions": {"queues": queues}}))
        with pytest.raises(HostConfigError):
            HostConfig.load(path)

    @pytest.mark.parametrize(("timeout", "seconds"), [("-1", None), ("00:30", 1800.0), ("1.00:00:00", 86400.0)])
    def test_reads_every_function_timeout_the_host_accepts(self, tmp_path: Path, timeout: str,
                                                            seconds: float | None) -> None:
        path = tmp_path / "host.json"
        path.write_text(json.dumps({"version": "2.0", "functionTimeout": timeout}))
        assert HostConfig.load(path, {"WEBSITE_SKU": "FlexConsumption"}).function_timeout == seconds

    @pytest.mark.parametrize(("text", "seconds"), [("00:00:30", 30), ("01:02:03", 3723), ("1.00:00:00", 86400)])
    def test_timespans(self, text: str, seconds: float) -> None:
        assert parse_timespan(text) == seconds


class TestLocalSettings:
    def test_values_fill_the_environment_without_overriding_it(self, tmp_path: Path) -> None:
        path = tmp_path / "local.settings.json"
        path.write_text(json.dumps({"IsEncrypted": False, "Values": {"A": "from-file", "B": "from-file"}}))
        environ = {"A": "from-env"}
        assert apply_local_settings(path, environ) == ["B"]
        assert environ == {"A": "from-env", "B": "from-file"}


class TestKeys:
    keys = Keys(function_key="fk", master_key="mk")

    @pytest.mark.parametrize(("level", "given", "allowed"), [
        (ANONYMOUS, None, True), (FUNCTION, None, False), (FUNCTION, "nope", False), (FUNCTION, "fk", True),
        (FUNCTION, "mk", True), (ADMIN, "fk", False), (ADMIN, "mk", True),
        ("system", "fk", False), ("system", "mk", True), ("user", "fk", False), ("user", "mk", True),
    ])
    def test_levels(self, level: str, given: str | None, allowed: bool) -> None:
        by_header = {"x-functions-key": given} if given else {}
        by_query = {"code": given} if given else {}
        assert self.keys.allows(level, by_header, {}) is allowed
        assert self.keys.allows(level, {}, by_query) is allowed

    def test_without_any_key_configured_nothing_is_checked(self) -> None:
        assert Keys().allows(ADMIN, {}, {}) is True

    def test_an_unset_function_key_does_not_match_an_empty_key(self) -> None:
        assert Keys(master_key="mk").allows(FUNCTION, {"x-functions-key": ""}, {}) is False


class TestEncoding:
    def test_base64_round_trip(self) -> None:
        assert encode_message("héllo", "base64") == "aMOpbGxv"
        assert decode_message("aMOpbGxv", "base64") == "héllo".encode()

    def test_none_sends_text_as_is(self) -> None:
        assert encode_message(b"{}", "none") == "{}"
        assert decode_message("{}", "none") == b"{}"

    def test_invalid_base64_is_an_error(self) -> None:
        with pytest.raises(ValueError):
            decode_message("not base64!", "base64")
