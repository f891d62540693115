#!/bin/sh
# azd postprovision hook: the Graph app registration trusts the function app's user-assigned managed identity as a
# federated identity credential, so the app reads mail without a Graph client secret (Entra ID: "Configure an
# application to trust a managed identity"; issuer = the identity's tenant, subject = its principal id, audience =
# api://AzureADTokenExchange). Idempotent: creates the credential, or updates it if the identity changed.
# Needs the Azure CLI signed in to the deployment tenant as an owner of the Graph app registration (or Application
# Administrator / Cloud Application Administrator / Application Developer). azd passes the environment's values.
set -eu

if [ "${GRAPH_AUTH_MODE:-managed_identity_federation}" != "managed_identity_federation" ]; then
  echo "GRAPH_AUTH_MODE=${GRAPH_AUTH_MODE}: no federated credential needed"
  exit 0
fi
: "${GRAPH_CLIENT_ID:?set with azd env set GRAPH_CLIENT_ID}"
: "${MANAGED_IDENTITY_PRINCIPAL_ID:?missing: run azd provision first}"
: "${GRAPH_FEDERATION_ISSUER:?missing: run azd provision first}"
name="mail-capture-${AZURE_ENV_NAME:-default}"
audience="${GRAPH_FEDERATION_AUDIENCE:-api://AzureADTokenExchange}"
body=$(printf '{"name":"%s","issuer":"%s","subject":"%s","audiences":["%s"],"description":"%s"}' \
  "$name" "$GRAPH_FEDERATION_ISSUER" "$MANAGED_IDENTITY_PRINCIPAL_ID" "$audience" \
  "Mail capture function app identity (azd env ${AZURE_ENV_NAME:-default})")

existing=$(az ad app federated-credential list --id "$GRAPH_CLIENT_ID" --query "[?name=='$name'].subject" -o tsv)
if [ -z "$existing" ]; then
  az ad app federated-credential create --id "$GRAPH_CLIENT_ID" --parameters "$body" --output none
  echo "Graph app $GRAPH_CLIENT_ID now trusts managed identity $MANAGED_IDENTITY_PRINCIPAL_ID ($name)"
elif [ "$existing" != "$MANAGED_IDENTITY_PRINCIPAL_ID" ]; then
  az ad app federated-credential update --id "$GRAPH_CLIENT_ID" --federated-credential-id "$name" \
    --parameters "$body" --output none
  echo "Federated credential $name now names managed identity $MANAGED_IDENTITY_PRINCIPAL_ID"
else
  echo "Federated credential $name already trusts managed identity $MANAGED_IDENTITY_PRINCIPAL_ID"
fi
