metadata description = 'Every app setting of the function app. The objects between the BEGIN/END markers are the single source that tests/infra/ parses and checks against shared/config.py: keep each value a quoted string or a bare parameter name.'

@description('Required. Client id of the user-assigned managed identity.')
param identityClientId string

@description('Required. Name of the storage account.')
param storageAccountName string

@description('Required. Blob endpoint of the storage account.')
param blobEndpoint string

@description('Required. Queue endpoint of the storage account.')
param queueEndpoint string

@description('Required. Table endpoint of the storage account.')
param tableEndpoint string

@description('Required. Application Insights connection string.')
param appInsightsConnectionString string

@description('Required. Microsoft Graph base URL.')
param graphBaseUrl string

@description('Required. managed_identity_federation (default: no Graph secret) or client_secret (fallback).')
@allowed([
  'managed_identity_federation'
  'client_secret'
])
param graphAuthMode string

@description('Required. Audience of the identity token the Graph app\'s federated credential trusts.')
param graphFederationAudience string

@description('Required. Entra ID tenant id where the Graph app is consented (the mailboxes\' tenant).')
param graphTenantId string

@description('Required. Client id of the Graph app registration.')
param graphClientId string

@description('Required. Versionless Key Vault URI of the Graph client secret (set as a setting in client_secret mode only).')
param graphClientSecretUri string

@description('Required. Versionless Key Vault URI of the webhook clientState secret.')
param graphClientStateUri string

@description('Required. Public https base URL of the function app, ending in /api.')
param webhookBaseUrl string

@description('Required. iMIS site URL.')
param imisBaseUrl string

@description('Required. iMIS service user name.')
param imisUsername string

@description('Required. Versionless Key Vault URI of the iMIS password secret.')
param imisPasswordUri string

@description('Required. IANA time zone iMIS stores dates in.')
param imisTimezone string

@description('Required. Prefix of the app\'s Table storage tables.')
param tablePrefix string

@description('Required. Blob container for .eml copies and large payloads.')
param blobContainer string

@description('Required. Claim carrying Entra ID app roles in the App Service auth principal.')
param adminRolesClaim string

// IMIS_ALLOW_DELETE stays false: iMIS DELETE is UNCONFIRMED (docs/wire-fidelity.md I14).
// BEGIN app-settings
var appSettings = {
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__blobServiceUri: blobEndpoint
  AzureWebJobsStorage__queueServiceUri: queueEndpoint
  AzureWebJobsStorage__tableServiceUri: tableEndpoint
  MANAGED_IDENTITY_CLIENT_ID: identityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  GRAPH_BASE_URL: graphBaseUrl
  GRAPH_AUTH_MODE: graphAuthMode
  GRAPH_FEDERATION_AUDIENCE: graphFederationAudience
  GRAPH_TENANT_ID: graphTenantId
  GRAPH_CLIENT_ID: graphClientId
  GRAPH_MAILBOX_BUDGET: '9500/600'
  GRAPH_CLIENT_STATE: '@Microsoft.KeyVault(SecretUri=${graphClientStateUri})'
  WEBHOOK_BASE_URL: webhookBaseUrl
  IMIS_BASE_URL: imisBaseUrl
  IMIS_USERNAME: imisUsername
  IMIS_PASSWORD: '@Microsoft.KeyVault(SecretUri=${imisPasswordUri})'
  IMIS_TIMEZONE: imisTimezone
  IMIS_MAX_CONCURRENCY: '4'
  MAIL_TABLE_PREFIX: tablePrefix
  MAIL_BLOB_CONTAINER: blobContainer
  ADMIN_REQUIRE_PRINCIPAL: 'true'
  ADMIN_ROLES_CLAIM: adminRolesClaim
  IMIS_ALLOW_DELETE: 'false'
}
// END app-settings

// The fallback only: in the default mode no Graph secret exists, and a reference to an absent vault secret would
// reach the app as its literal text and stop it at start-up.
// BEGIN graph-secret-settings
var graphSecretSettings = {
  GRAPH_CLIENT_SECRET: '@Microsoft.KeyVault(SecretUri=${graphClientSecretUri})'
}
// END graph-secret-settings

@description('The app settings object for the function app.')
output values object = graphAuthMode == 'client_secret' ? union(appSettings, graphSecretSettings) : appSettings
