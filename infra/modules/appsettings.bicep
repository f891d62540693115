metadata description = 'Every app setting of the function app. The objects between the BEGIN/END markers are the single source that tests/infra/ parses and checks against shared/config.py: keep each value a quoted string or a bare parameter name.'

@description('Required. Hosting plan SKU: FC1 (Flex Consumption) or EP1 (Elastic Premium).')
@allowed([
  'FC1'
  'EP1'
])
param planSku string

@description('Required. Client id of the user-assigned managed identity.')
param identityClientId string

@description('Required. Resource id of the user-assigned managed identity.')
param identityResourceId string

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

@description('Required. Entra ID tenant id of the Graph app registration.')
param graphTenantId string

@description('Required. Client id of the Graph app registration.')
param graphClientId string

@description('Required. Versionless Key Vault URI of the Graph client secret.')
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

@description('Required. Blob URL of the deployment package (read by Elastic Premium only).')
param packageUrl string

// BEGIN app-settings (both plans)
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
  GRAPH_AUTH_MODE: 'client_secret'
  GRAPH_TENANT_ID: graphTenantId
  GRAPH_CLIENT_ID: graphClientId
  GRAPH_CLIENT_SECRET: '@Microsoft.KeyVault(SecretUri=${graphClientSecretUri})'
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
}
// END app-settings

// Flex Consumption rejects these (runtime and package live in functionAppConfig); Elastic Premium needs them.
// Running from a blob URL with the identity removes Premium's Azure Files content share, which needs shared keys.
// BEGIN premium-settings
var premiumSettings = {
  FUNCTIONS_EXTENSION_VERSION: '~4'
  FUNCTIONS_WORKER_RUNTIME: 'python'
  WEBSITE_RUN_FROM_PACKAGE: packageUrl
  WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID: identityResourceId
}
// END premium-settings

@description('The app settings object for Microsoft.Web/sites/config appsettings.')
output values object = planSku == 'EP1' ? union(appSettings, premiumSettings) : appSettings
