metadata description = 'Flex Consumption plan (FC1) and the Linux Python 3.11 function app, running as the user-assigned identity. Flex only: it deploys from a blob container read with the identity, which is what `azd up` publishes to (Elastic Premium without Azure Files would need WEBSITE_RUN_FROM_PACKAGE set to a URL, which zip deploy cannot update).'

@description('Required. Name of the function app (also the host name <name>.azurewebsites.net).')
param name string

@description('Required. Name of the hosting plan.')
param planName string

@description('Optional. Location for the plan and the app.')
param location string = resourceGroup().location

@description('Optional. Tags to apply; the app also gets azd-service-name.')
param tags object = {}

@description('Required. Resource id of the user-assigned managed identity.')
param identityResourceId string

@description('Required. URL of the blob container that holds the deployment package.')
param deploymentContainerUrl string

@description('Required. App settings (built by appsettings.bicep).')
param appSettings object

@description('Optional. Most instances the app may scale out to (Flex Consumption allows 40 to 1000).')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Optional. Memory per instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    // checkov:skip=CKV_AZURE_225: Zone redundancy needs more than one always-on instance; the queue and Graph delta catch-up already make a zone outage a delay, not a loss.
    reserved: true // Linux
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityResourceId}': {}
    }
  }
  properties: {
    // checkov:skip=CKV_AZURE_222: Microsoft Graph must reach the webhook from the internet, so public network access stays on; the webhook checks clientState and admin routes check the Entra principal.
    // checkov:skip=CKV_AZURE_17: Graph change notifications cannot present client certificates; callers are authenticated by clientState (webhook) and Entra tokens (admin).
    // checkov:skip=CKV_AZURE_212: A failover minimum of instances needs always-on capacity; the mail queue plus Graph delta catch-up make an instance loss a delay, not data loss.
    // checkov:skip=CKV_AZURE_213: Health-check instance replacement is an App Service feature for dedicated multi-instance plans; Flex Consumption manages instance health itself. GET /api/health exists for external probes.
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    keyVaultReferenceIdentity: identityResourceId
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      alwaysOn: false
      // A list on the site, not a sites/config resource: checkov reads every sites/config as the 'web' config.
      appSettings: [for setting in items(appSettings): {
        name: setting.key
        value: setting.value
      }]
    }
    // Runtime, scale and package live here on Flex Consumption (it rejects FUNCTIONS_WORKER_RUNTIME and friends).
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityResourceId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'python'
        version: '3.11'
      }
    }
  }
}

// Deployments use Entra ID tokens (azd, az CLI); basic-auth publishing credentials stay off.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

@description('The name of the function app.')
output name string = site.name

@description('The resource id of the function app.')
output resourceId string = site.id

@description('The default host name, e.g. <name>.azurewebsites.net.')
output defaultHostName string = site.properties.defaultHostName
