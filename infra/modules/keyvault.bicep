metadata description = 'Key Vault in RBAC mode holding the app\'s three secrets; the app reads them through Key Vault references.'

@description('Required. Name of the vault (3-24 characters).')
@minLength(3)
@maxLength(24)
param name string

@description('Optional. Location for the vault.')
param location string = resourceGroup().location

@description('Optional. Tags to apply.')
param tags object = {}

@description('Optional. Graph app registration client secret. Empty = leave the secret as it is (set or rotated out of band).')
@secure()
param graphClientSecret string = ''

@description('Optional. Webhook clientState secret (16-128 characters). Empty = leave the secret as it is.')
@secure()
param graphClientState string = ''

@description('Optional. Password of the iMIS service user. Empty = leave the secret as it is.')
@secure()
param imisPassword string = ''

// Secret names are part of the app settings (Key Vault references), so they live here and nowhere else.
var secretNames = {
  graphClientSecret: 'graph-client-secret'
  graphClientState: 'graph-client-state'
  imisPassword: 'imis-password'
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    // checkov:skip=CKV_AZURE_109: No VNet: App Service resolves Key Vault references over the public endpoint, which a deny-by-default firewall would block. Access is RBAC-only (Key Vault Secrets User for the app identity).
    // checkov:skip=CKV_AZURE_189: Same reason as CKV_AZURE_109: public network access is required for Key Vault references without VNet integration.
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

// Each secret is written only when a value is given, so re-provisioning never overwrites a rotated secret with an old one.
module graphClientSecretValue 'secret.bicep' = if (!empty(graphClientSecret)) {
  name: 'secret-${secretNames.graphClientSecret}'
  params: {
    vaultName: vault.name
    name: secretNames.graphClientSecret
    value: graphClientSecret
  }
}

module graphClientStateValue 'secret.bicep' = if (!empty(graphClientState)) {
  name: 'secret-${secretNames.graphClientState}'
  params: {
    vaultName: vault.name
    name: secretNames.graphClientState
    value: graphClientState
  }
}

module imisPasswordValue 'secret.bicep' = if (!empty(imisPassword)) {
  name: 'secret-${secretNames.imisPassword}'
  params: {
    vaultName: vault.name
    name: secretNames.imisPassword
    value: imisPassword
  }
}

@description('The name of the vault.')
output name string = vault.name

@description('The resource id of the vault.')
output resourceId string = vault.id

@description('Versionless URI of the Graph client secret (Key Vault references follow the latest version).')
output graphClientSecretUri string = '${vault.properties.vaultUri}secrets/${secretNames.graphClientSecret}'

@description('Versionless URI of the webhook clientState secret.')
output graphClientStateUri string = '${vault.properties.vaultUri}secrets/${secretNames.graphClientState}'

@description('Versionless URI of the iMIS password secret.')
output imisPasswordUri string = '${vault.properties.vaultUri}secrets/${secretNames.imisPassword}'
