metadata description = 'App Service Authentication (Entra ID) for the admin page and API: browser sign-in with an ID token and a session cookie, bearer tokens for scripts. Unauthenticated requests reach the app, which redirects the page to sign-in and answers API calls 401; the Graph webhooks stay anonymous.'

@description('Required. Name of the existing function app.')
param siteName string

@description('Required. Application (client) id of the admin app registration (redirect URI https://<host>/.auth/login/aad/callback, ID tokens enabled, app roles).')
param clientId string

@description('Optional. Tenant of the admin app registration; admins sign in there.')
param tenantId string = tenant().tenantId

@description('Optional. How long a sign-in session lasts (hh:mm:ss).')
param sessionLifetime string = '08:00:00'

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
      // AllowAnonymous, not RedirectToLoginPage + excludedPaths: excludedPaths could exempt the two Graph webhook
      // paths and /api/health, but RedirectToLoginPage answers every other unauthenticated request, API calls
      // included, with a 302 to the sign-in page instead of 401. So the platform validates sessions and tokens
      // (adding X-MS-CLIENT-PRINCIPAL, which it strips from client requests) and the app decides: the page
      // redirects to /.auth/login/aad, the API answers 401/403 (shared/services/access.py, sign_in.py).
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
          // No client secret: App Service then signs browsers in with the implicit flow and an ID token, which the
          // app registration must allow ("ID tokens" under Authentication).
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenantId}/v2.0'
        }
        validation: {
          // Bearer tokens for scripts are requested for api://<client id>; the client id itself is always allowed.
          allowedAudiences: [
            'api://${clientId}'
          ]
        }
      }
    }
    login: {
      // The session is App Service's own cookie. The token store is off: the app never reads provider tokens, and
      // Flex Consumption has no persistent file system for the default file-based store.
      tokenStore: {
        enabled: false
      }
      cookieExpiration: {
        convention: 'FixedTime'
        timeToExpiration: sessionLifetime
      }
      nonce: {
        validateNonce: true
      }
      preserveUrlFragmentsForLogins: false
      allowedExternalRedirectUrls: []
    }
  }
}
