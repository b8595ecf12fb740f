// The Function App: Flex Consumption (FC1), .NET 10 isolated worker, running as the user-assigned
// identity for everything: its storage (AzureWebJobsStorage and the Durable task hub, no keys), the
// deployment package container, Key Vault references, Application Insights (local auth off) and
// PostgreSQL (Microsoft Entra tokens, no password).
//
// Flex Consumption sets the runtime in functionAppConfig and rejects FUNCTIONS_WORKER_RUNTIME and
// FUNCTIONS_EXTENSION_VERSION as app settings, so neither is set here.
param planName string
param appName string
param location string
param tags { *: string }
param identityId string
param identityClientId string
@description('Name of the identity: its PostgreSQL user name (it is the server\'s Entra administrator).')
param identityName string
param storageAccountName string
param deploymentContainerName string
param applicationInsightsConnectionString string
param postgresHost string
param postgresDatabaseName string
@description('Key Vault secret name → versionless secret URI, for the secrets that exist.')
param secretUris { *: string }
param maximumInstanceCount int
param instanceMemoryMB int
param escalationLevel2After string
param escalationLevel3After string
param rollupSchedule string
param alertSchedule string
param budgetSchedule string
param retentionSchedule string
param conversationSchedule string
param reviewSchedule string
param reviewChannels string
param messageTextRetention string
param webhookUrl string
param smtpHost string
param smtpPort int
param smtpFrom string
param smtpTo string
param smtpUser string
param smtpSecurity string
param smtpTimeout string
param smtpServerCertificateSha256 string

resource storage 'Microsoft.Storage/storageAccounts@2023-01-01' existing = {
  name: storageAccountName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  // azd deploys the 'api' service of azure.yaml to the resource carrying this tag.
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

// Deployments authenticate with Microsoft Entra (azd, az functionapp deployment), never with
// publishing user names and passwords.
resource ftp 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scm 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'scm'
  properties: {
    allow: false
  }
}

// A setting whose secret was not given stays empty (its channel stays off): a Key Vault reference
// to a missing secret would be an error instead.
var adminKey = contains(secretUris, 'vigil-admin-key') ? '@Microsoft.KeyVault(SecretUri=${secretUris['vigil-admin-key']})' : ''
var slackWebhookUrl = contains(secretUris, 'slack-webhook-url') ? '@Microsoft.KeyVault(SecretUri=${secretUris['slack-webhook-url']})' : ''
var webhookSecret = contains(secretUris, 'webhook-secret') ? '@Microsoft.KeyVault(SecretUri=${secretUris['webhook-secret']})' : ''
var pagerDutyRoutingKey = contains(secretUris, 'pagerduty-routing-key') ? '@Microsoft.KeyVault(SecretUri=${secretUris['pagerduty-routing-key']})' : ''
var opsgenieApiKey = contains(secretUris, 'opsgenie-api-key') ? '@Microsoft.KeyVault(SecretUri=${secretUris['opsgenie-api-key']})' : ''
var smtpPassword = contains(secretUris, 'smtp-password') ? '@Microsoft.KeyVault(SecretUri=${secretUris['smtp-password']})' : ''
var teamsWebhookUrl = contains(secretUris, 'teams-webhook-url') ? '@Microsoft.KeyVault(SecretUri=${secretUris['teams-webhook-url']})' : ''
var ackLinkSecret = contains(secretUris, 'ack-link-secret') ? '@Microsoft.KeyVault(SecretUri=${secretUris['ack-link-secret']})' : ''

resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'appsettings'
  properties: {
    // Host storage and the Durable Functions task hub (blobs, queues, tables) with the identity.
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
    AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
    AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table
    TaskHubName: 'Vigil'

    // The host's own telemetry, and the worker's (Vigil:Azure:ManagedIdentityClientId signs the exporter in).
    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
    Vigil__Azure__ManagedIdentityClientId: identityClientId

    // PostgreSQL with an Entra token of the identity as the password; TLS required.
    ConnectionStrings__Postgres: 'Host=${postgresHost};Database=${postgresDatabaseName};Username=${identityName};Ssl Mode=Require'
    Vigil__Postgres__UseEntraAuthentication: 'true'

    VIGIL_ADMIN_KEY: adminKey

    RollupSchedule: rollupSchedule
    AlertSchedule: alertSchedule
    BudgetSchedule: budgetSchedule
    RetentionSchedule: retentionSchedule
    ConversationSchedule: conversationSchedule
    ReviewSchedule: reviewSchedule
    Vigil__Review__Channels: reviewChannels
    Vigil__Retention__MessageText: messageTextRetention

    Vigil__Alerting__PublicUrl: 'https://${app.properties.defaultHostName}'
    Vigil__Alerting__LinkSecret: ackLinkSecret
    Vigil__Alerting__AckLinkRequestsPerMinute: '30'
    Vigil__Escalation__Level2After: escalationLevel2After
    Vigil__Escalation__Level3After: escalationLevel3After
    // Acknowledge targets of the priorities (docs/incidents.md): the runbooks' response times.
    Vigil__Incidents__AckTarget__P0: '5m'
    Vigil__Incidents__AckTarget__P1: '1h'
    Vigil__Incidents__AckTarget__P2: '4h'
    Vigil__Incidents__AckTarget__P3: '24h'

    Vigil__Channels__Slack__WebhookUrl: slackWebhookUrl
    Vigil__Channels__Webhook__Url: webhookUrl
    Vigil__Channels__Webhook__Secret: webhookSecret
    Vigil__Channels__PagerDuty__RoutingKey: pagerDutyRoutingKey
    Vigil__Channels__Opsgenie__ApiKey: opsgenieApiKey
    Vigil__Channels__Email__Host: smtpHost
    Vigil__Channels__Email__Port: string(smtpPort)
    Vigil__Channels__Email__From: smtpFrom
    Vigil__Channels__Email__To: smtpTo
    Vigil__Channels__Email__User: smtpUser
    Vigil__Channels__Email__Password: smtpPassword
    Vigil__Channels__Email__Security: smtpSecurity
    Vigil__Channels__Email__Timeout: smtpTimeout
    Vigil__Channels__Email__ServerCertificateSha256: smtpServerCertificateSha256
    Vigil__Channels__Teams__WebhookUrl: teamsWebhookUrl
  }
  dependsOn: [
    ftp
    scm
  ]
}

output name string = app.name
output url string = 'https://${app.properties.defaultHostName}'
