"""The azd postprovision hook that federates the Graph app with the function app's identity, run with a fake `az`
on PATH (records its arguments, answers `federated-credential list` from a file): it creates the credential once,
updates it when the identity changed, does nothing when it is already right or in the secret fallback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.infra.bicep import ROOT

HOOK = ROOT / "scripts" / "federate-graph-app.sh"
FAKE_AZ = """#!/bin/sh
echo "$*" >> "$AZ_LOG"
case "$*" in
  "ad app federated-credential list"*) cat "$AZ_EXISTING" ;;
esac
"""
ENV = {
    "GRAPH_CLIENT_ID": "graph-app-id",
    "MANAGED_IDENTITY_PRINCIPAL_ID": "identity-principal",
    "GRAPH_FEDERATION_ISSUER": "https://login.microsoftonline.com/deploy-tenant/v2.0",
    "AZURE_ENV_NAME": "prod",
}


def run(tmp_path: Path, existing_subject: str = "", **env: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    (tmp_path / "bin").mkdir(exist_ok=True)
    az = tmp_path / "bin" / "az"
    az.write_text(FAKE_AZ)
    az.chmod(0o755)
    (tmp_path / "existing").write_text(existing_subject + ("\n" if existing_subject else ""))
    log = tmp_path / "az.log"
    log.write_text("")
    full_env = {"PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}", "AZ_LOG": str(log),
                "AZ_EXISTING": str(tmp_path / "existing")} | {k: v for k, v in (ENV | env).items() if v}
    done = subprocess.run([shutil.which("sh") or "sh", str(HOOK)], env=full_env, capture_output=True, text=True,
                          timeout=30, check=False)
    return done, log.read_text().splitlines()


def parameters(call: str) -> dict[str, object]:
    data: dict[str, object] = json.loads(call.split("--parameters ", 1)[1].rsplit(" --output", 1)[0])
    return data


class TestFederationHook:
    def test_creates_the_credential_the_entra_docs_describe(self, tmp_path: Path) -> None:
        done, calls = run(tmp_path)
        assert done.returncode == 0, done.stderr
        assert calls[0].startswith("ad app federated-credential list --id graph-app-id")
        assert calls[1].startswith("ad app federated-credential create --id graph-app-id --parameters ")
        assert parameters(calls[1]) | {"description": ""} == {
            "name": "mail-capture-prod", "issuer": "https://login.microsoftonline.com/deploy-tenant/v2.0",
            "subject": "identity-principal", "audiences": ["api://AzureADTokenExchange"], "description": ""}

    def test_is_idempotent_when_the_credential_already_names_the_identity(self, tmp_path: Path) -> None:
        done, calls = run(tmp_path, existing_subject="identity-principal")
        assert done.returncode == 0 and len(calls) == 1 and "already trusts" in done.stdout

    def test_updates_the_credential_when_the_identity_was_recreated(self, tmp_path: Path) -> None:
        done, calls = run(tmp_path, existing_subject="old-identity")
        assert done.returncode == 0, done.stderr
        assert calls[1].startswith("ad app federated-credential update --id graph-app-id "
                                   "--federated-credential-id mail-capture-prod --parameters ")
        assert parameters(calls[1])["subject"] == "identity-principal"

    def test_does_nothing_in_the_client_secret_fallback(self, tmp_path: Path) -> None:
        done, calls = run(tmp_path, GRAPH_AUTH_MODE="client_secret")
        assert done.returncode == 0 and calls == []

    @pytest.mark.parametrize("missing", ["GRAPH_CLIENT_ID", "MANAGED_IDENTITY_PRINCIPAL_ID", "GRAPH_FEDERATION_ISSUER"])
    def test_fails_with_the_missing_value_named(self, tmp_path: Path, missing: str) -> None:
        done, calls = run(tmp_path, **{missing: ""})
        assert done.returncode != 0 and missing in done.stderr and calls == []
