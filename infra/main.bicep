metadata description = 'Mail capture for CRMs: Graph webhook + queue worker on Azure Functions (Python 3.11), copying Microsoft 365 mail into iMIS. Composition only: every resource lives in ./modules.'

targetScope = 'resourceGroup'

// ---------- Deployment ----------

@description('Required. azd environment name; seeds the unique resource names.')
@minLength(1)
@maxLength(64)
param environmentName string

@description('Optional. Location for all resources; it must offer Flex Consumption (az functionapp list-flexconsumption-locations).')
param location string = resourceGroup().location

@description('Optional. Tags for every resource.')
param tags object = {}

@description('Optional. Function app name; empty = func-<unique token>.')
param functionAppName string = ''

// The two sizes are strings so that `azd env set` (which substitutes text) can supply them; the module checks the range.
@description('Optional. Most instances the app may scale out to, a whole number from 40 to 1000.')
param maximumInstanceCount string = '100'

@description('Optional. Memory per instance in MB.')
@allowed([
  '512'
  '2048'
  '4096'
])
param instanceMemoryMB string = '2048'

// ---------- Microsoft Graph ----------

@description('Optional. Tenant of the Microsoft 365 mailboxes, where the Graph app is consented; empty = the deployment tenant.')
param graphTenantId string = ''

@description('Required. Application (client) id of the Graph app registration (Mail.Read application permission).')
param graphClientId string

@description('Optional. How the app gets Graph tokens: managed_identity_federation (no secret: the Graph app trusts the app identity) or client_secret (fallback).')
@allowed([
  'managed_identity_federation'
  'client_secret'
])
param graphAuthMode string = 'managed_identity_federation'

@description('Optional. Audience of the identity token the federated credential trusts; differs only in sovereign clouds.')
param graphFederationAudience string = 'api://AzureADTokenExchange'

@description('Optional. client_secret mode only: Graph client secret, written to Key Vault. Empty = leave the vault secret as it is.')
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

@description('Required. Client id of the Entra ID app registration admins sign in with (App Service Authentication); its app roles are checked by the admin API.')
param adminAuthClientId string

@description('Optional. Tenant of the admin app registration and of the admins who sign in; empty = the deployment tenant.')
param adminAuthTenantId string = ''

// ---------- Names ----------

var token = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName, location))
var appName = empty(functionAppName) ? 'func-${token}' : functionAppName
var deploymentContainerName = 'app-package'
// Fixed in the code (shared.config.QUEUE_NAME / POISON_QUEUE_NAME, BULK_*): trigger decorators need literal queue
// names. Two lanes: live mail (MailWorker) and the import and backstop (BulkWorker), each scaling on its own.
var queueName = 'mail-messages'
var poisonQueueName = 'mail-messages-poison'
var bulkQueueName = 'mail-bulk'
var bulkPoisonQueueName = 'mail-bulk-poison'
var allTags = union(tags, { 'azd-env-name': environmentName })
var publicBaseUrl = empty(webhookBaseUrl) ? 'https://${appName}.azurewebsites.net/api' : webhookBaseUrl
var graphTenant = empty(graphTenantId) ? tenant().tenantId : graphTenantId
var adminTenant = empty(adminAuthTenantId) ? tenant().tenantId : adminAuthTenantId
// Issuer of the identity's tokens: the federated credential on the Graph app must name it (Entra ID: configure an
// application to trust a managed identity). The app registration lives in this, the identity's, tenant.
var federationIssuer = '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'

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
    bulkQueueName: bulkQueueName
    bulkPoisonQueueName: bulkPoisonQueueName
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
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    blobEndpoint: storage.outputs.blobEndpoint
    queueEndpoint: storage.outputs.queueEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    appInsightsConnectionString: monitoring.outputs.connectionString
    graphBaseUrl: graphBaseUrl
    graphAuthMode: graphAuthMode
    graphFederationAudience: graphFederationAudience
    graphTenantId: graphTenant
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
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    name: appName
    planName: 'plan-${token}'
    location: location
    tags: allTags
    identityResourceId: identity.outputs.resourceId
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    appSettings: settings.outputs.values
    maximumInstanceCount: int(maximumInstanceCount)
    instanceMemoryMB: int(instanceMemoryMB)
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
    tenantId: adminTenant
  }
}

// ---------- Outputs (azd stores these in the environment) ----------

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output SERVICE_API_NAME string = functionApp.outputs.name
output APP_API_BASE_URL string = publicBaseUrl
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
// Read by the postprovision hook (scripts/federate-graph-app.sh) to add the federated credential to the Graph app.
output MANAGED_IDENTITY_PRINCIPAL_ID string = identity.outputs.principalId
output GRAPH_FEDERATION_ISSUER string = federationIssuer
output GRAPH_FEDERATION_AUDIENCE string = graphFederationAudience
// Register this as the admin app's Web redirect URI (docs/deploy.md, step 3).
output ADMIN_SIGN_IN_REDIRECT_URI string = 'https://${functionApp.outputs.defaultHostName}/.auth/login/aad/callback'
output ADMIN_PAGE_URL string = '${publicBaseUrl}/manage/ui'
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.name
