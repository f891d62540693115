metadata description = 'Storage account for the Functions host, the mail queues (live and bulk lanes), the app\'s tables and blobs, and the Flex deployment package. Identity access only.'

@description('Required. Name of the storage account (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Optional. Location for the account.')
param location string = resourceGroup().location

@description('Optional. Tags to apply.')
param tags object = {}

@description('Required. Live lane: the queue the webhook fills and MailWorker drains.')
param queueName string

@description('Required. Queue the host moves a live message to after maxDequeueCount failures.')
param poisonQueueName string

@description('Required. Bulk lane: the historical import and the delta backstop, drained by BulkWorker.')
param bulkQueueName string

@description('Required. Queue the host moves a bulk message to after maxDequeueCount failures.')
param bulkPoisonQueueName string

@description('Required. Blob container for .eml copies and large payloads (MAIL_BLOB_CONTAINER).')
param blobContainerName string

@description('Required. Blob container holding the deployment package (Flex Consumption deployment storage).')
param deploymentContainerName string

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    // checkov:skip=CKV_AZURE_35: No VNet in this design: the Flex/Premium workers reach storage over its public endpoint. Shared keys are off, so every request needs an Entra token with a data role.
    // checkov:skip=CKV_AZURE_59: Same reason as CKV_AZURE_35: public network access is needed without VNet integration; access is identity-only (allowSharedKeyAccess false).
    // checkov:skip=CKV_AZURE_206: LRS is deliberate: the queue and tables hold transient work and dedupe state that Graph delta queries can rebuild; the CRM is the system of record.
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource mailContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: blobContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource mailQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: queueName
}

// The host would create the poison queue on first failure; declaring it lets alerts and tools rely on it from day one.
resource poisonQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: poisonQueueName
}

resource bulkQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: bulkQueueName
}

resource bulkPoisonQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: bulkPoisonQueueName
}

@description('The name of the storage account.')
output name string = account.name

@description('The resource id of the storage account.')
output resourceId string = account.id

@description('Blob endpoint, e.g. https://<account>.blob.core.windows.net/.')
output blobEndpoint string = account.properties.primaryEndpoints.blob

@description('Queue endpoint.')
output queueEndpoint string = account.properties.primaryEndpoints.queue

@description('Table endpoint.')
output tableEndpoint string = account.properties.primaryEndpoints.table

@description('URL of the deployment container (Flex deployment storage / Premium package location).')
output deploymentContainerUrl string = '${account.properties.primaryEndpoints.blob}${deploymentContainerName}'
