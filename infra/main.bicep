metadata description = 'Mail capture for CRMs: Graph webhook + queue worker on Azure Functions (Python 3.11), copying Microsoft 365 mail into iMIS. Composition only: every resource lives in ./modules.'

targetScope = 'resourceGroup'

// ---------- Deployment ----------

@description('Required. azd environment name; seeds the unique resource names.')
@minLength(1)
@maxLength(64)
param environmentName string

@description('Optional. Location for all resources (must offer Flex Consumption when planSku is FC1).')
param location string = resourceGroup().location

@description('Optional. Tags for every resource.')
param tags object = {}

@description('Optional. Hosting plan: FC1 (Flex Consumption, default) or EP1 (Elastic Premium).')
@allowed([
  'FC1'
  'EP1'
])
param planSku string = 'FC1'

@description('Optional. Function app name; empty = func-<unique token>.')
param functionAppName string = ''

@description('Optional. Flex Consumption: most instances the app may scale out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Optional. Flex Consumption: memory per instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Optional. Elastic Premium only: name of the package blob in the deployment container (WEBSITE_RUN_FROM_PACKAGE).')
param premiumPackageBlobName string = 'mail-capture.zip'

// ---------- Microsoft Graph ----------

@description('Optional. Entra ID tenant of the Graph app registration; defaults to the deployment tenant.')
param graphTenantId string = tenant().tenantId

@description('Required. Application (client) id of the Graph app registration (Mail.Read application permission).')
param graphClientId string

@description('Optional. Graph client secret, written to Key Vault. Empty = leave the vault secret as it is (managed out of band).')
@secure()
param graphClientSecret string = ''

@description('Optional. Webhook clientState (16-128 characters), written to Key Vault. Empty = leave the vault secret as it is.')
@secure()
param graphClientState string = ''

@description('Optional. Microsoft Graph base URL.')
param graphBaseUrl string = 'https://graph.microsoft.com/v1.0'

@description('Optional. Public https base URL Graph posts to; empty = https://<app>.azurewebsites.net/api.')
param webhookBaseUrl string = ''

// ---------- iMIS ----------

@description('Required. iMIS site URL (the folder holding /token and /api).')
param imisBaseUrl string

@description('Required. iMIS service user for the password grant.')
param imisUsername string

@description('Optional. iMIS service user password, written to Key Vault. Empty = leave the vault secret as it is.')
@secure()
param imisPassword string = ''

@description('Optional. IANA time zone iMIS stores dates in.')
param imisTimezone string = 'UTC'

// ---------- App ----------

@description('Optional. Prefix of the Table storage tables the app creates.')
param tablePrefix string = 'MailCapture'

@description('Optional. Blob container for .eml copies and large payloads.')
param blobContainer string = 'mail-capture'

@description('Optional. Claim carrying Entra ID app roles in the App Service auth principal.')
param adminRolesClaim string = 'roles'

@description('Required. Client id of the Entra ID app registration that App Service Authentication validates admin tokens for (the admin endpoints require its principal and app role).')
param adminAuthClientId string

// ---------- Names ----------

var token = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName, location))
var appName = empty(functionAppName) ? 'func-${token}' : functionAppName
var deploymentContainerName = 'app-package'
// Fixed in the code (shared.config.QUEUE_NAME / POISON_QUEUE_NAME): trigger decorators need literal queue names.
var queueName = 'mail-messages'
var poisonQueueName = 'mail-messages-poison'
var allTags = union(tags, { 'azd-env-name': environmentName })
var publicBaseUrl = empty(webhookBaseUrl) ? 'https://${appName}.azurewebsites.net/api' : webhookBaseUrl

// ---------- Resources ----------

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: 'id-${token}'
    location: location
    tags: allTags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: 'log-${token}'
    appInsightsName: 'appi-${token}'
    location: location
    tags: allTags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: 'st${token}'
    location: location
    tags: allTags
    queueName: queueName
    poisonQueueName: poisonQueueName
    blobContainerName: blobContainer
    deploymentContainerName: deploymentContainerName
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: 'kv-${token}'
    location: location
    tags: allTags
    graphClientSecret: graphClientSecret
    graphClientState: graphClientState
    imisPassword: imisPassword
  }
}

module rbac 'modules/rbac.bicep' = {
  name: 'rbac'
  params: {
    principalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    appInsightsName: monitoring.outputs.name
    keyVaultName: keyVault.outputs.name
  }
}

module settings 'modules/appsettings.bicep' = {
  name: 'appsettings'
  params: {
    planSku: planSku
    identityClientId: identity.outputs.clientId
    identityResourceId: identity.outputs.resourceId
    storageAccountName: storage.outputs.name
    blobEndpoint: storage.outputs.blobEndpoint
    queueEndpoint: storage.outputs.queueEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    appInsightsConnectionString: monitoring.outputs.connectionString
    graphBaseUrl: graphBaseUrl
    graphTenantId: graphTenantId
    graphClientId: graphClientId
    graphClientSecretUri: keyVault.outputs.graphClientSecretUri
    graphClientStateUri: keyVault.outputs.graphClientStateUri
    webhookBaseUrl: publicBaseUrl
    imisBaseUrl: imisBaseUrl
    imisUsername: imisUsername
    imisPasswordUri: keyVault.outputs.imisPasswordUri
    imisTimezone: imisTimezone
    tablePrefix: tablePrefix
    blobContainer: blobContainer
    adminRolesClaim: adminRolesClaim
    packageUrl: '${storage.outputs.deploymentContainerUrl}/${premiumPackageBlobName}'
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    name: appName
    planName: 'plan-${token}'
    location: location
    tags: allTags
    planSku: planSku
    identityResourceId: identity.outputs.resourceId
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    appSettings: settings.outputs.values
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
  }
  // Roles first, so the host's first start can reach storage and resolve the Key Vault references.
  dependsOn: [
    rbac
  ]
}

module auth 'modules/auth.bicep' = {
  name: 'auth'
  params: {
    siteName: functionApp.outputs.name
    clientId: adminAuthClientId
  }
}

// ---------- Outputs (azd stores these in the environment) ----------

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output SERVICE_API_NAME string = functionApp.outputs.name
output WEBHOOK_BASE_URL string = publicBaseUrl
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.name
