// Vigil on Azure: a Function App (Flex Consumption, .NET 10 isolated) running as a user-assigned
// managed identity, with identity-only access to its storage (Durable Functions on Azure Storage),
// Application Insights without local auth, Azure Database for PostgreSQL Flexible Server with
// Microsoft Entra authentication, and Key Vault for the secrets the channels need.
//
//   az group create -n rg-vigil-dev -l westeurope
//   az deployment group create -g rg-vigil-dev -f infra-bicep/main.bicep -p infra-bicep/main.dev.parameters.json -p vigilAdminKey=<long random value>
//
// or, with the Azure Developer CLI: azd up (reads main.parameters.json).
targetScope = 'resourceGroup'

@minLength(1)
@maxLength(20)
@description('Short name of the environment (dev, prod, ...), used in resource names.')
param environmentName string

@description('Azure region for every resource.')
param location string = resourceGroup().location

@description('Tags for every resource.')
param tags { *: string } = {}

@secure()
@minLength(16)
@description('The admin API key (VIGIL_ADMIN_KEY), stored in Key Vault. Use a long random value.')
param vigilAdminKey string

@allowed(['14', '15', '16'])
param postgresVersion string = '16'

@description('PostgreSQL compute, e.g. Standard_B1ms (Burstable) or Standard_D2ds_v5 (GeneralPurpose).')
param postgresSkuName string = 'Standard_B1ms'

@allowed(['Burstable', 'GeneralPurpose', 'MemoryOptimized'])
param postgresSkuTier string = 'Burstable'

@minValue(32)
param postgresStorageSizeGB int = 32

@minValue(7)
@maxValue(35)
param postgresBackupRetentionDays int = 7

@allowed(['Disabled', 'Enabled'])
param postgresGeoRedundantBackup string = 'Disabled'

@allowed(['Disabled', 'SameZone', 'ZoneRedundant'])
@description('High availability needs the GeneralPurpose or MemoryOptimized tier.')
param postgresHighAvailability string = 'Disabled'

param postgresDatabaseName string = 'vigil'

@minValue(40)
@maxValue(1000)
param functionMaximumInstanceCount int = 100

@allowed([512, 2048, 4096])
param functionInstanceMemoryMB int = 2048

@description('Level 2 of an unacknowledged critical alert, after it fired (hh:mm:ss).')
param escalationLevel2After string = '00:05:00'

@description('Level 3 of an unacknowledged critical alert, after it fired (hh:mm:ss).')
param escalationLevel3After string = '00:15:00'

@description('NCRONTAB (six fields, UTC) of ComputeRollups.')
param rollupSchedule string = '0 */1 * * * *'

@description('NCRONTAB of EvaluateAlerts: 10 s after the rollups.')
param alertSchedule string = '10 */1 * * * *'

@description('NCRONTAB of EvaluateBudgets.')
param budgetSchedule string = '0 */5 * * * *'

@description('NCRONTAB of ApplyRetention.')
param retentionSchedule string = '0 15 * * * *'

@description('NCRONTAB of AnalyzeConversations.')
param conversationSchedule string = '30 */1 * * * *'

@description('NCRONTAB of SendReview (the weekly review; Monday 09:00 UTC).')
param reviewSchedule string = '0 0 9 * * 1'

@description('Channels SendReview sends the weekly review to, comma-separated (email, slack, teams, webhook); empty sends none.')
param reviewChannels string = ''

@description('How long message text is kept before it is erased (scores remain), as a TimeSpan.')
param messageTextRetention string = '7.00:00:00'

@description('Key Vault purge protection: on for production (it cannot be turned off again); off lets a throwaway environment be deleted and its name reused at once.')
param keyVaultPurgeProtection bool = true

@description('Slack incoming-webhook URL; empty leaves Slack off.')
@secure()
param slackWebhookUrl string = ''

@description('Generic webhook receiver; empty leaves the webhook off.')
param webhookUrl string = ''

@description('HMAC-SHA256 key for X-Vigil-Signature.')
@secure()
param webhookSecret string = ''

@description('PagerDuty Events API v2 routing key; empty leaves PagerDuty off.')
@secure()
param pagerDutyRoutingKey string = ''

@description('Opsgenie API key; empty leaves Opsgenie off.')
@secure()
param opsgenieApiKey string = ''

@description('Key of the acknowledge links in notifications (at least 16 characters); empty derives it from the admin key.')
@secure()
param ackLinkSecret string = ''

@description('Microsoft Teams incoming-webhook or Workflows URL; empty leaves Teams off.')
@secure()
param teamsWebhookUrl string = ''

@description('SMTP server; empty leaves e-mail off.')
param smtpHost string = ''
param smtpPort int = 587
@description('How TLS starts: Auto (implicit on 465, STARTTLS elsewhere), StartTls, Implicit or None.')
@allowed(['Auto', 'StartTls', 'Implicit', 'None'])
param smtpSecurity string = 'Auto'
@description('Each SMTP step must finish within this (d.hh:mm:ss).')
param smtpTimeout string = '00:00:30'
@description('SHA-256 fingerprint of the SMTP server certificate to trust instead of public CAs; empty uses the public CAs.')
param smtpServerCertificateSha256 string = ''
param smtpFrom string = ''
@description('Recipients, separated by commas.')
param smtpTo string = ''
param smtpUser string = ''
@secure()
param smtpPassword string = ''

var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
// Names allow lowercase letters, digits and hyphens at most (PostgreSQL); storage accounts and key
// vaults (global names, strict characters and lengths) take the unique token alone.
var env = toLower(replace(replace(environmentName, '_', '-'), '.', '-'))
var allTags = union(tags, { 'azd-env-name': environmentName, application: 'vigil' })

// The user-assigned identity the app runs as: the modules below grant it access instead of handing out keys.
module identity './modules/identity.bicep' = {
  params: {
    name: 'id-vigil-${env}-${resourceToken}'
    location: location
    tags: allTags
  }
}

// Log Analytics and Application Insights (local auth off); the identity publishes telemetry.
module monitoring './modules/monitoring.bicep' = {
  params: {
    logAnalyticsName: 'log-vigil-${env}-${resourceToken}'
    applicationInsightsName: 'appi-vigil-${env}-${resourceToken}'
    location: location
    tags: allTags
    principalId: identity.outputs.principalId
  }
}

// The host's storage: Durable task hub and deployment package, reached with the identity only.
module storage './modules/storage.bicep' = {
  params: {
    name: 'stvigil${resourceToken}'
    location: location
    tags: allTags
    principalId: identity.outputs.principalId
    deploymentContainerName: 'app-package-vigil-${resourceToken}'
  }
}

// Key Vault (RBAC) with the secrets that were given; the app settings reference them.
module keyVault './modules/keyvault.bicep' = {
  params: {
    name: 'kv-vigil-${resourceToken}'
    location: location
    tags: allTags
    principalId: identity.outputs.principalId
    purgeProtection: keyVaultPurgeProtection
    secrets: {
      'vigil-admin-key': vigilAdminKey
      'slack-webhook-url': slackWebhookUrl
      'webhook-secret': webhookSecret
      'pagerduty-routing-key': pagerDutyRoutingKey
      'opsgenie-api-key': opsgenieApiKey
      'smtp-password': smtpPassword
      'teams-webhook-url': teamsWebhookUrl
      'ack-link-secret': ackLinkSecret
    }
  }
}

// PostgreSQL Flexible Server, Microsoft Entra sign-in only, with the identity as administrator.
module postgres './modules/postgres.bicep' = {
  params: {
    name: 'psql-vigil-${env}-${resourceToken}'
    location: location
    tags: allTags
    version: postgresVersion
    skuName: postgresSkuName
    skuTier: postgresSkuTier
    storageSizeGB: postgresStorageSizeGB
    backupRetentionDays: postgresBackupRetentionDays
    geoRedundantBackup: postgresGeoRedundantBackup
    highAvailability: postgresHighAvailability
    databaseName: postgresDatabaseName
    administratorPrincipalId: identity.outputs.principalId
    administratorName: identity.outputs.name
  }
}

// The Function App on Flex Consumption, running as the identity, its settings pointing at the rest.
module functionApp './modules/functionapp.bicep' = {
  params: {
    planName: 'plan-vigil-${env}-${resourceToken}'
    appName: 'func-vigil-${env}-${resourceToken}'
    location: location
    tags: allTags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    identityName: identity.outputs.name
    storageAccountName: storage.outputs.name
    deploymentContainerName: storage.outputs.deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    postgresHost: postgres.outputs.fullyQualifiedDomainName
    postgresDatabaseName: postgresDatabaseName
    secretUris: keyVault.outputs.secretUris
    maximumInstanceCount: functionMaximumInstanceCount
    instanceMemoryMB: functionInstanceMemoryMB
    escalationLevel2After: escalationLevel2After
    escalationLevel3After: escalationLevel3After
    rollupSchedule: rollupSchedule
    alertSchedule: alertSchedule
    budgetSchedule: budgetSchedule
    retentionSchedule: retentionSchedule
    conversationSchedule: conversationSchedule
    reviewSchedule: reviewSchedule
    reviewChannels: reviewChannels
    messageTextRetention: messageTextRetention
    webhookUrl: webhookUrl
    smtpHost: smtpHost
    smtpPort: smtpPort
    smtpFrom: smtpFrom
    smtpTo: smtpTo
    smtpUser: smtpUser
    smtpSecurity: smtpSecurity
    smtpTimeout: smtpTimeout
    smtpServerCertificateSha256: smtpServerCertificateSha256
  }
}

output AZURE_LOCATION string = location
output FUNCTION_APP_NAME string = functionApp.outputs.name
output FUNCTION_APP_URL string = functionApp.outputs.url
output VIGIL_API_URL string = '${functionApp.outputs.url}/api'
output POSTGRES_SERVER_NAME string = postgres.outputs.name
output POSTGRES_HOST string = postgres.outputs.fullyQualifiedDomainName
output POSTGRES_DATABASE string = postgresDatabaseName
output KEY_VAULT_NAME string = keyVault.outputs.name
output STORAGE_ACCOUNT_NAME string = storage.outputs.name
output APPLICATION_INSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
