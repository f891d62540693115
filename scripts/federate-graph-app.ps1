# azd postprovision hook (Windows): same steps as federate-graph-app.sh. The Graph app registration trusts the
# function app's user-assigned managed identity as a federated identity credential; idempotent.
$ErrorActionPreference = 'Stop'
$mode = if ($env:GRAPH_AUTH_MODE) { $env:GRAPH_AUTH_MODE } else { 'managed_identity_federation' }
if ($mode -ne 'managed_identity_federation') { Write-Host "GRAPH_AUTH_MODE=${mode}: no federated credential needed"; exit 0 }
foreach ($n in 'GRAPH_CLIENT_ID', 'MANAGED_IDENTITY_PRINCIPAL_ID', 'GRAPH_FEDERATION_ISSUER') {
  if (-not [Environment]::GetEnvironmentVariable($n)) { throw "$n is missing: set it with azd env set, or run azd provision first" }
}
$envName = if ($env:AZURE_ENV_NAME) { $env:AZURE_ENV_NAME } else { 'default' }
$name = "mail-capture-$envName"
$audience = if ($env:GRAPH_FEDERATION_AUDIENCE) { $env:GRAPH_FEDERATION_AUDIENCE } else { 'api://AzureADTokenExchange' }
$body = @{ name = $name; issuer = $env:GRAPH_FEDERATION_ISSUER; subject = $env:MANAGED_IDENTITY_PRINCIPAL_ID;
           audiences = @($audience); description = "Mail capture function app identity (azd env $envName)" } |
        ConvertTo-Json -Compress
$file = New-TemporaryFile
Set-Content -Path $file -Value $body -Encoding utf8
try {
  $existing = az ad app federated-credential list --id $env:GRAPH_CLIENT_ID --query "[?name=='$name'].subject" -o tsv
  if (-not $existing) {
    az ad app federated-credential create --id $env:GRAPH_CLIENT_ID --parameters "@$file" --output none
  } elseif ($existing -ne $env:MANAGED_IDENTITY_PRINCIPAL_ID) {
    az ad app federated-credential update --id $env:GRAPH_CLIENT_ID --federated-credential-id $name --parameters "@$file" --output none
  }
  if ($LASTEXITCODE -ne 0) { throw "az ad app federated-credential failed ($LASTEXITCODE)" }
  Write-Host "Federated credential $name trusts managed identity $($env:MANAGED_IDENTITY_PRINCIPAL_ID)"
} finally { Remove-Item $file }
