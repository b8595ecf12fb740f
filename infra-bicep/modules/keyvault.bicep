// Key Vault (RBAC) for the secrets the app needs: the admin key and the channels' credentials. Only
// secrets with a value are created; the app settings reference them (Key Vault references resolved
// with the app's managed identity, which is a Key Vault Secrets User).
param name string
param location string
param tags { *: string }
param principalId string

@description('Purge protection cannot be turned off once on; leave it off only for throwaway environments.')
param purgeProtection bool = true

@secure()
@description('Secret name → value; empty values are skipped.')
param secrets { *: string }

var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
var present = filter(items(secrets), s => !empty(s.value))

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    enablePurgeProtection: purgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
  }
}

resource secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = [for item in present: {
  parent: vault
  name: item.key
  properties: {
    value: item.value
  }
}]

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

output name string = vault.name

@description('Secret name → versionless secret URI, for the secrets that exist.')
output secretUris { *: string } = toObject(present, s => s.key, s => '${vault.properties.vaultUri}secrets/${s.key}')
