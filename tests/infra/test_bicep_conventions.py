"""House rules for infra/: documented parameters, deterministic role assignments with verified role ids,
identity-only hardening, small files, and azd wiring. Static checks; checkov runs in scripts/check_infra.py."""

from __future__ import annotations

import json
import re

import pytest

from tests.infra.bicep import INFRA, MAIN, ROOT, params

BICEP_FILES = sorted(INFRA.rglob("*.bicep"))
MODULES = INFRA / "modules"
# Built-in role ids, checked against the AVM built-in role tables and the Functions azd quickstart.
VERIFIED_ROLES = {
    "storageBlobDataOwner": "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
    "storageQueueDataContributor": "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
    "storageTableDataContributor": "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
    "monitoringMetricsPublisher": "3913510d-42f4-4e42-8a64-420c390055eb",
    "keyVaultSecretsUser": "4633458b-17de-408a-b874-0445c86b69e6",
}


def text(path: str) -> str:
    return (INFRA / path).read_text("utf-8")


ROLE_ASSIGNMENT = re.compile(
    r"^resource \w+ 'Microsoft\.Authorization/roleAssignments@[^']+' = \{\n(.*?)^\}", re.M | re.S
)


def role_assignments(source: str) -> list[str]:
    return ROLE_ASSIGNMENT.findall(source)


@pytest.mark.parametrize("path", BICEP_FILES, ids=lambda p: p.name)
class TestParameters:
    def test_every_param_says_required_or_optional(self, path) -> None:
        for param in params(path.read_text("utf-8")).values():
            description = [d for d in param.decorators if d.startswith("@description(")]
            assert description and re.match(r"@description\('(Required|Optional)\. ", description[0]), param.name

    def test_required_means_no_default_and_optional_means_one(self, path) -> None:
        for param in params(path.read_text("utf-8")).values():
            required = any(d.startswith("@description('Required.") for d in param.decorators)
            assert required == (param.default is None), param.name

    def test_secure_params_never_default_to_a_value(self, path) -> None:
        for param in params(path.read_text("utf-8")).values():
            if "@secure()" in param.decorators:
                assert param.default in (None, "''"), param.name


class TestParametersFile:
    def test_maps_every_required_main_param_and_only_main_params(self) -> None:
        mapped = json.loads((INFRA / "main.parameters.json").read_text("utf-8"))["parameters"]
        main = params(MAIN.read_text("utf-8"))
        assert set(mapped) <= set(main)
        assert {name for name, p in main.items() if p.default is None} <= set(mapped)

    def test_every_main_param_but_tags_can_be_set_with_azd_env_set(self) -> None:
        mapped = json.loads((INFRA / "main.parameters.json").read_text("utf-8"))["parameters"]
        assert set(mapped) == set(params(MAIN.read_text("utf-8"))) - {"tags"}
        assert all(re.fullmatch(r"\$\{[A-Z_]+(=[^}]*)?\}", entry["value"]) for entry in mapped.values())

    def test_azd_fallbacks_equal_the_bicep_defaults(self) -> None:
        mapped = json.loads((INFRA / "main.parameters.json").read_text("utf-8"))["parameters"]
        main = params(MAIN.read_text("utf-8"))
        for name, entry in mapped.items():
            fallback = re.fullmatch(r"\$\{\w+=(.*)\}", entry["value"])
            if fallback:
                assert main[name].literal_default == fallback[1], name


class TestRoleAssignments:
    def test_names_are_guid_of_scope_principal_and_the_same_role(self) -> None:
        blocks = role_assignments(text("modules/rbac.bicep"))
        assert len(blocks) == len(VERIFIED_ROLES)
        for body in blocks:
            name = re.search(r"name: guid\((\w+)\.id, principalId, roles\.(\w+)\)", body)
            assert name, body
            assert f"scope: {name[1]}\n" in body
            assert f"'Microsoft.Authorization/roleDefinitions', roles.{name[2]})" in body

    def test_role_ids_are_the_verified_built_in_roles(self) -> None:
        declared = dict(re.findall(r"^\s+(\w+): '([0-9a-f-]{36})'", text("modules/rbac.bicep"), re.M))
        assert declared == VERIFIED_ROLES

    def test_only_the_rbac_module_assigns_roles(self) -> None:
        assigning = {p.name for p in BICEP_FILES if "Microsoft.Authorization/roleAssignments@" in p.read_text()}
        assert assigning == {"rbac.bicep"}


class TestHardening:
    def test_storage_is_identity_only_tls12_and_private_to_the_public(self) -> None:
        storage = text("modules/storage.bicep")
        for setting in ("allowSharedKeyAccess: false", "allowBlobPublicAccess: false", "minimumTlsVersion: 'TLS1_2'"):
            assert setting in storage

    def test_flex_deployment_container_and_mail_container_are_declared(self) -> None:
        storage = text("modules/storage.bicep")
        assert storage.count("Microsoft.Storage/storageAccounts/blobServices/containers@") == 2
        assert "var deploymentContainerName = 'app-package'" in MAIN.read_text("utf-8")

    def test_key_vault_uses_rbac(self) -> None:
        assert "enableRbacAuthorization: true" in text("modules/keyvault.bicep")

    def test_site_runs_python_311_as_the_user_assigned_identity(self) -> None:
        site = text("modules/functionapp.bicep")
        for setting in ("type: 'UserAssigned'", "keyVaultReferenceIdentity: identityResourceId", "httpsOnly: true"):
            assert setting in site
        assert re.search(r"runtime: \{\s+name: 'python'\s+version: '3\.11'", site)
        assert "type: 'UserAssignedIdentity'" in site  # Flex deployment storage read with the identity

    def test_auth_lets_anonymous_webhook_calls_through(self) -> None:
        auth = text("modules/auth.bicep")
        assert "requireAuthentication: false" in auth
        assert "unauthenticatedClientAction: 'AllowAnonymous'" in auth

    def test_auth_signs_browsers_in_with_an_id_token_and_a_cookie_session(self) -> None:
        auth = text("modules/auth.bicep")
        assert "openIdIssuer: '${environment().authentication.loginEndpoint}${tenantId}/v2.0'" in auth
        assert "clientSecretSettingName" not in auth  # no secret: implicit flow with an ID token
        assert re.search(r"tokenStore: \{\s+enabled: false", auth)  # Flex has no file system for the store
        assert re.search(r"cookieExpiration: \{\s+convention: 'FixedTime'", auth)
        assert "'api://${clientId}'" in auth

    def test_the_redirect_uri_to_register_is_an_output(self) -> None:
        assert "/.auth/login/aad/callback'" in MAIN.read_text("utf-8")


class TestNoGraphSecretByDefault:
    def test_federation_is_the_default_and_the_secret_a_fallback(self) -> None:
        main = params(MAIN.read_text("utf-8"))
        assert main["graphAuthMode"].literal_default == "managed_identity_federation"
        assert "@secure()" in main["graphClientSecret"].decorators and main["graphClientSecret"].default == "''"

    def test_the_postprovision_hook_federates_the_identity_with_the_outputs_main_gives_it(self) -> None:
        azure_yaml = (ROOT / "azure.yaml").read_text("utf-8")
        scripts = re.findall(r"run: (scripts/\S+)", azure_yaml)
        assert scripts == ["scripts/federate-graph-app.sh", "scripts/federate-graph-app.ps1"]
        outputs = set(re.findall(r"^output (\w+) ", MAIN.read_text("utf-8"), re.M))
        for script in scripts:
            body = (ROOT / script).read_text("utf-8")
            assert "az ad app federated-credential create" in body
            used = set(re.findall(r"(?:\$\{|\$env:)(MANAGED_IDENTITY_PRINCIPAL_ID|GRAPH_FEDERATION_\w+)", body))
            assert used and used <= outputs, script

    def test_no_elastic_premium_package_url_path_remains(self) -> None:
        # Premium without Azure Files runs from a package URL, which azd's zip deploy cannot publish to.
        assert not [p.name for p in BICEP_FILES if re.search(r"WEBSITE_RUN_FROM_PACKAGE\w*:|'ElasticPremium'|'EP1'",
                                                             p.read_text())]
        assert "tier: 'FlexConsumption'" in text("modules/functionapp.bicep")


class TestShape:
    def test_files_stay_small(self) -> None:
        assert len(MAIN.read_text("utf-8").splitlines()) <= 250
        assert {
            p.name: len(p.read_text().splitlines())
            for p in MODULES.glob("*.bicep")
            if len(p.read_text().splitlines()) > 150
        } == {}

    def test_main_only_composes_modules(self) -> None:
        assert not re.search(r"^resource ", MAIN.read_text("utf-8"), re.M)

    def test_azure_yaml_deploys_the_root_as_a_python_function_service(self) -> None:
        azure_yaml = (ROOT / "azure.yaml").read_text("utf-8")
        service = re.search(r"^services:\n  api:\n((?:    .*\n)+)", azure_yaml, re.M)
        assert service and {"project: .", "language: python", "host: function"} <= {
            line.strip() for line in service[1].splitlines()
        }
