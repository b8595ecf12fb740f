// The user-assigned identity the Function App runs as: it reads storage, Key Vault secrets and
// signs in to PostgreSQL (as its Microsoft Entra administrator).
param name string
param location string
param tags { *: string }

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
