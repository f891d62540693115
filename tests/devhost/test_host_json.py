"""host.json is checked like the Functions host checks it at start-up, with the host's messages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from devhost import hostjson
from devhost.hostconfig import HostConfig, HostConfigError
from devhost.stack import REPO

V2: dict[str, Any] = {"version": "2.0"}


def refusal(raw: Any, environ: dict[str, str] | None = None) -> str:
    with pytest.raises(hostjson.HostJsonError) as refused:
        hostjson.validate(raw, environ or {})
    return str(refused.value)


def test_the_products_host_json_passes_on_both_plans() -> None:
    raw = json.loads((REPO / "host.json").read_text(encoding="utf-8"))
    for sku in ("FlexConsumption", "ElasticPremium", ""):
        hostjson.validate(raw, {"WEBSITE_SKU": sku})


class TestVersion:
    def test_missing_version(self) -> None:
        assert refusal({"logging": {}}) == (
            "The host.json file is missing the required 'version' property. See https://aka.ms/functions-hostjson "
            "for steps to migrate the configuration file.")

    @pytest.mark.parametrize(("version", "hint"), [("1.0", False), ("3.0", True), ("2", False)])
    def test_only_2_0_is_accepted(self, version: str, hint: bool) -> None:
        message = refusal({"version": version})
        assert message.startswith(f"'{version}' is an invalid value for host.json 'version' property. We recommend "
                                  "you set the 'version' property to '2.0'. ")
        assert ("only to the schema version of the host.json file" in message) is hint

    def test_an_empty_file_is_the_default_configuration(self) -> None:
        hostjson.validate({}, {})


def test_unknown_top_level_sections_are_refused() -> None:
    assert "extension" in refusal(V2 | {"extension": {"queues": {}}})
    hostjson.validate(V2 | {"logging": {}, "extensions": {}, "functionTimeout": "00:05:00", "concurrency": {}}, {})


class TestFunctionTimeout:
    @pytest.mark.parametrize("value", ["00:10:01", "01:00:00", "-1", "00:00:00.5"])
    def test_consumption_allows_1_second_to_10_minutes(self, value: str) -> None:
        assert refusal(V2 | {"functionTimeout": value}, {"WEBSITE_SKU": "Dynamic"}) == (
            "FunctionTimeout must be greater than 00:00:01 and less than 00:10:00.")

    @pytest.mark.parametrize("sku", ["FlexConsumption", "ElasticPremium"])
    @pytest.mark.parametrize("value", ["02:00:00", "-1", "1.00:00:00"])
    def test_flex_and_premium_are_unbounded(self, sku: str, value: str) -> None:
        hostjson.validate(V2 | {"functionTimeout": value}, {"WEBSITE_SKU": sku})

    def test_flex_still_needs_at_least_a_second(self) -> None:
        assert refusal(V2 | {"functionTimeout": "00:00:00"}, {"WEBSITE_SKU": "FlexConsumption"}) == (
            "FunctionTimeout must be greater than 00:00:01 and less than 10675199.02:48:05.4775807.")


class TestExtensionBundle:
    BUNDLE = "Microsoft.Azure.Functions.ExtensionBundle"

    @pytest.mark.parametrize("version", ["[4.*, 5.0.0)", "[4.0.0, 5.0.0)", "4.*", "4.0.0", "[4.26.0]", "(4.0,)"])
    def test_nuget_version_ranges_pass(self, version: str) -> None:
        hostjson.validate(V2 | {"extensionBundle": {"id": self.BUNDLE, "version": version}}, {})

    @pytest.mark.parametrize("version", ["", "4.x", "[4.0, 5.0", "latest", "(4.0)"])
    def test_a_bad_version_range_is_refused(self, version: str) -> None:
        assert refusal(V2 | {"extensionBundle": {"id": self.BUNDLE, "version": version}}) == (
            "The value of version property in extensionBundle section of host.json file is invalid or missing. "
            "See https://aka.ms/functions-hostjson for more information")

    @pytest.mark.parametrize("bundle_id", ["", "Bad Id", "x" * 101, ".Leading"])
    def test_a_bad_bundle_id_is_refused(self, bundle_id: str) -> None:
        assert refusal(V2 | {"extensionBundle": {"id": bundle_id, "version": "[4.*, 5.0.0)"}}) == (
            "The value of id property in extensionBundle section of host.json file is invalid or missing. "
            "See https://aka.ms/functions-hostjson for more information")


class TestQueues:
    @pytest.mark.parametrize(("queues", "message"), [
        ({"batchSize": 0}, "batchSize = 0: Specified argument was out of the range of valid values."),
        ({"batchSize": 33}, "batchSize = 33: Specified argument was out of the range of valid values."),
        ({"newBatchThreshold": -1}, "newBatchThreshold = -1: Specified argument was out of the range"),
        ({"maxDequeueCount": 0}, "maxDequeueCount = 0: MaxDequeueCount must not be less than 1."),
        ({"maxPollingInterval": "00:00:00.050"}, "MaxPollingInterval must not be less than 00:00:00.1000000."),
        ({"maxPollingInterval": 2000}, "maxPollingInterval must be a TimeSpan string"),
        ({"visibilityTimeout": "30s"}, "visibilityTimeout must be a TimeSpan string"),
        ({"visibilityTimeout": "24:00:00"}, "visibilityTimeout must be a TimeSpan string"),  # .NET: hours 0-23
        ({"visibilityTimeout": "00:60:00"}, "visibilityTimeout must be a TimeSpan string"),
        ({"messageEncoding": "utf8"}, "messageEncoding must be 'base64' or 'none'"),
        ({"batchsize": 8}, "extensions.queues has properties the schema does not allow: batchsize"),
        ({"batchSize": "8"}, "batchSize must be an integer"),
    ])
    def test_values_the_queue_extension_refuses(self, queues: dict[str, Any], message: str) -> None:
        assert message in refusal(V2 | {"extensions": {"queues": queues}})

    def test_limits_themselves_pass(self) -> None:
        hostjson.validate(V2 | {"extensions": {"queues": {
            "batchSize": 32, "newBatchThreshold": 0, "maxDequeueCount": 1, "maxPollingInterval": "00:00:00.100",
            "visibilityTimeout": "23:59:59.5", "messageEncoding": "none"}}}, {})


def test_http_section_follows_the_schema() -> None:
    assert "routeprefix" in refusal(V2 | {"extensions": {"http": {"routeprefix": "x"}}})
    assert "routePrefix must be a string" in refusal(V2 | {"extensions": {"http": {"routePrefix": 1}}})


def test_host_config_load_refuses_with_the_hosts_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "host.json"
    path.write_text(json.dumps(V2 | {"functionTimeout": "00:30:00"}))
    with pytest.raises(HostConfigError, match="FunctionTimeout must be greater than 00:00:01 and less than 00:10:00"):
        HostConfig.load(path, {"WEBSITE_SKU": "Dynamic"})
    path.write_text("{ not json")
    with pytest.raises(HostConfigError, match="Unable to parse host configuration file"):
        HostConfig.load(path)
