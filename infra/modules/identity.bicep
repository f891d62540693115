metadata description = 'The one user-assigned managed identity the function app uses for storage, Key Vault and App Insights.'

@description('Required. Name of the user-assigned managed identity.')
param name string

@description('Optional. Location for the identity.')
param location string = resourceGroup().location

@description('Optional. Tags to apply.')
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

@description('The name of the identity.')
output name string = identity.name

@description('The resource id of the identity.')
output resourceId string = identity.id

@description('The principal (object) id, for role assignments.')
output principalId string = identity.properties.principalId

@description('The client (application) id, for AzureWebJobsStorage__clientId and token requests.')
output clientId string = identity.properties.clientId
