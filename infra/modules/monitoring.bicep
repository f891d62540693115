metadata description = 'Log Analytics workspace plus a workspace-based Application Insights that only accepts Entra ID (identity) ingestion.'

@description('Required. Name of the Log Analytics workspace.')
param logAnalyticsName string

@description('Required. Name of the Application Insights component.')
param appInsightsName string

@description('Optional. Location for both resources.')
param location string = resourceGroup().location

@description('Optional. Tags to apply.')
param tags object = {}

@description('Optional. Days of log retention in the workspace.')
@minValue(30)
@maxValue(730)
param retentionInDays int = 30

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    // Instrumentation-key ingestion off: the app authenticates with its managed identity
    // (APPLICATIONINSIGHTS_AUTHENTICATION_STRING + Monitoring Metrics Publisher).
    DisableLocalAuth: true
  }
}

@description('The name of the Application Insights component.')
output name string = appInsights.name

@description('The resource id of the Application Insights component.')
output resourceId string = appInsights.id

@description('The connection string (not a secret once local auth is disabled).')
output connectionString string = appInsights.properties.ConnectionString

@description('The resource id of the Log Analytics workspace.')
output workspaceResourceId string = workspace.id
