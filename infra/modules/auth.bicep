metadata description = 'App Service Authentication (Entra ID) for the admin endpoints. Unauthenticated requests pass through: the Graph webhook must stay anonymous, and the admin functions check the principal themselves.'

@description('Required. Name of the existing function app.')
param siteName string

@description('Required. Application (client) id of the Entra ID app registration that protects the admin endpoints.')
param clientId string

@description('Optional. Tenant id that issues the admin tokens.')
param tenantId string = tenant().tenantId

resource site 'Microsoft.Web/sites@2024-04-01' existing = {
  name: siteName
}

resource authSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'authsettingsV2'
  properties: {
    // checkov applies its site 'web'-config checks to every Microsoft.Web/sites/config resource; this one is authsettingsV2.
    // checkov:skip=CKV_AZURE_13: False positive: the check reads the V1 shape (properties.enabled); in authsettingsV2 authentication is on via platform.enabled below.
    // checkov:skip=CKV_AZURE_63: Not applicable to authsettingsV2 (HTTP logging is a 'web' config property); Functions logs go to Application Insights.
    // checkov:skip=CKV_AZURE_65: Not applicable to authsettingsV2 (detailed error pages are a 'web' config property of App Service web apps).
    // checkov:skip=CKV_AZURE_66: Not applicable to authsettingsV2 (failed request tracing is an IIS/'web' config feature); requests are traced in Application Insights.
    // checkov:skip=CKV_AZURE_80: Not applicable: a Python app has no .NET Framework version, and authsettingsV2 has no such property.
    // checkov:skip=CKV_AZURE_88: Not applicable to authsettingsV2; the app deliberately avoids Azure Files (it needs shared keys) and runs from blob deployment storage.
    // checkov:skip=CKV_AZURE_222: Not applicable to authsettingsV2; public access on the site itself is justified in functionapp.bicep (Graph must reach the webhook).
    platform: {
      enabled: true
    }
    globalValidation: {
      // Anonymous requests reach the app with no principal; only validated tokens produce X-MS-CLIENT-PRINCIPAL.
      requireAuthentication: false
      unauthenticatedClientAction: 'AllowAnonymous'
    }
    httpSettings: {
      requireHttps: true
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: clientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenantId}/v2.0'
        }
        validation: {
          allowedAudiences: [
            'api://${clientId}'
            clientId
          ]
        }
      }
    }
    login: {
      tokenStore: {
        enabled: false
      }
    }
  }
}
