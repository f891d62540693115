metadata description = 'One Key Vault secret. Its own module so a caller can skip it with a module condition (checkov cannot read conditional resources).'

@description('Required. Name of the existing vault.')
param vaultName string

@description('Required. Name of the secret.')
param name string

@description('Required. Secret value.')
@secure()
param value string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: vaultName
}

resource secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: name
  properties: {
    // checkov:skip=CKV_AZURE_41: Each secret expires under its own owner's policy (Entra client-secret end date, iMIS password policy, clientState rotation in docs/deploy.md); an expiry on the vault copy would only break the Key Vault reference and stop mail capture.
    value: value
    contentType: 'text/plain'
  }
}
