using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Vigil.Core.Alerts;
using Vigil.Core.Auth;
using Vigil.Core.Events;
using Vigil.Core.Health;
using Vigil.Core.Incidents;
using Vigil.Core.Jobs;
using Vigil.Core.Pricing;
using Vigil.Core.Reviews;
using Vigil.Notifications;

namespace Vigil.Functions.Tests;

/// <summary>
/// What the Bicep compiler cannot check, read from the ARM JSON it compiled in the build: main.bicep uses
/// every module, the parameter files (JSON, for azd) set only declared parameters with valid values and no
/// secrets, every app setting is one the app reads and Flex Consumption accepts, role assignments keep
/// their names across redeployments, access is by identity only; and that the build fails on what the
/// compiler only warns about.
/// </summary>
public partial class InfrastructureTests
{
    private static readonly BicepFile Main = BicepFile.Load("main.bicep");

    /// <summary>ARM's bounds on a parameter, and whether a value must be at least (or at most) the bound.</summary>
    private static readonly (string Limit, bool AtLeast)[] Limits =
        [("minValue", true), ("maxValue", false), ("minLength", true), ("maxLength", false)];

    public static TheoryData<string> BicepFiles() => [.. BicepFile.Sources()];

    public static TheoryData<string> ParameterFiles() =>
        [.. Directory.GetFiles(BicepFile.Infra, "*.parameters.json").Select(Path.GetFileName).OfType<string>()];

    [Fact]
    public void Main_uses_one_module_per_concern_and_every_module_file_is_used()
    {
        // main.json embeds each module's template, with the hash the module has compiled on its own.
        var embedded = Main.OfType("Microsoft.Resources/deployments")
            .Select(m => BicepFile.Hash(m.Resource.GetProperty("properties").GetProperty("template")))
            .ToList();
        var modules = BicepFile.Sources().Where(f => f.StartsWith("modules/", StringComparison.Ordinal))
            .Select(BicepFile.Load)
            .ToList();
        foreach (var module in modules)
        {
            Assert.True(embedded.Contains(module.TemplateHash), $"main.bicep does not use {module.Source}");
        }
        Assert.Equal(modules.Count, embedded.Count);
        Assert.Equal(["functionapp", "identity", "keyvault", "monitoring", "postgres", "storage"],
            modules.Select(m => Path.GetFileNameWithoutExtension(m.Source)).Order(StringComparer.Ordinal).ToArray());
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void Role_assignments_are_named_with_guid_over_scope_principal_and_role(string file)
    {
        foreach (var (symbol, assignment) in BicepFile.Load(file).OfType("Microsoft.Authorization/roleAssignments"))
        {
            var name = BicepFile.Expression(assignment.GetProperty("name"));
            var properties = assignment.GetProperty("properties");
            var role = RoleDefinition().Match(BicepFile.Expression(properties.GetProperty("roleDefinitionId")));
            Assert.True(name.StartsWith("guid(", StringComparison.Ordinal), $"{file}: {symbol} is named {name}");
            Assert.True(role.Success, $"{file}: {symbol} does not name a built-in role definition");
            Assert.Contains(BicepFile.Expression(assignment.GetProperty("scope")), name, StringComparison.Ordinal);
            Assert.Contains(BicepFile.Expression(properties.GetProperty("principalId")), name, StringComparison.Ordinal);
            Assert.Contains(role.Groups[1].Value, name, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public void Parameter_files_set_only_declared_parameters_with_values_of_their_type_and_no_secrets(string file)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(BicepFile.Infra, file)));
        var values = json.RootElement.GetProperty("parameters");
        foreach (var parameter in values.EnumerateObject())
        {
            var name = parameter.Name;
            Assert.True(Main.Parameters.TryGetProperty(name, out var declared),
                $"{file} sets '{name}', which main.bicep does not declare");
            var value = parameter.Value.GetProperty("value");
            // azd substitutes ${VARIABLE} from its environment before deploying.
            if (value.ValueKind == JsonValueKind.String && value.GetString()!.StartsWith("${", StringComparison.Ordinal))
            {
                continue;
            }
            var type = Type(declared);
            Assert.False(IsSecure(declared),
                $"{file} holds a value for secure parameter '{name}'; pass it on the command line or from azd's environment");
            var expected = type switch
            {
                "int" => new[] { JsonValueKind.Number },
                "string" => new[] { JsonValueKind.String },
                "object" => new[] { JsonValueKind.Object },
                "array" => new[] { JsonValueKind.Array },
                "bool" => new[] { JsonValueKind.True, JsonValueKind.False },
                _ => throw new InvalidOperationException($"unknown type {type}"),
            };
            Assert.True(expected.Contains(value.ValueKind), $"{file}: '{name}' is a {type}, not {value.ValueKind}");
            if (declared.TryGetProperty("allowedValues", out var allowed))
            {
                Assert.Contains(value.GetRawText(), allowed.EnumerateArray().Select(a => a.GetRawText()));
            }
            foreach (var (limit, atLeast) in Limits)
            {
                if (!declared.TryGetProperty(limit, out var bound)) continue;
                var within = atLeast ? Size(value) >= bound.GetInt64() : Size(value) <= bound.GetInt64();
                Assert.True(within, $"{file}: '{name}' is {value}, past its {limit} {bound}");
            }
        }
        var required = Main.Parameters.EnumerateObject()
            .Where(p => !p.Value.TryGetProperty("defaultValue", out _) && !IsSecure(p.Value))
            .Select(p => p.Name);
        foreach (var name in required) Assert.True(values.TryGetProperty(name, out _), $"{file} does not set '{name}'");
    }

    [Fact]
    public void The_production_parameters_turn_on_high_availability_on_a_tier_that_has_it_and_keep_backups_longest()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(BicepFile.Infra, "main.prod.parameters.json")));
        var p = json.RootElement.GetProperty("parameters");
        Assert.NotEqual("Disabled", p.GetProperty("postgresHighAvailability").GetProperty("value").GetString());
        Assert.NotEqual("Burstable", p.GetProperty("postgresSkuTier").GetProperty("value").GetString());
        Assert.Equal(35, p.GetProperty("postgresBackupRetentionDays").GetProperty("value").GetInt32());
        Assert.True(p.GetProperty("keyVaultPurgeProtection").GetProperty("value").GetBoolean());
    }

    [Fact]
    public void The_app_settings_the_bicep_sets_are_the_ones_the_app_reads_and_none_flex_consumption_rejects()
    {
        var app = BicepFile.Load("modules/functionapp.bicep");
        var appSettings = app.OfType("Microsoft.Web/sites/config")
            .Single(c => c.Resource.GetProperty("name").GetString()!.Contains("'appsettings'", StringComparison.Ordinal));
        var keys = appSettings.Resource.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToList();
        var sample = FunctionsApp.SampleValues();

        // The config resource replaces every setting, so none may be set on the site as well.
        var siteConfig = app.Single("Microsoft.Web/sites").GetProperty("properties").GetProperty("siteConfig");
        Assert.False(siteConfig.TryGetProperty("appSettings", out _));
        Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", keys);
        Assert.DoesNotContain("FUNCTIONS_EXTENSION_VERSION", keys);
        Assert.DoesNotContain("AzureWebJobsStorage", keys);
        foreach (var key in keys.Where(k => !HostOnlySettings().IsMatch(k)))
        {
            Assert.True(sample.ContainsKey(key),
                $"functionapp.bicep sets '{key}', which local.settings.sample.json (every setting the app reads) lacks");
        }
        var channelSettings = sample.Keys.Where(k => k.StartsWith("Vigil__Channels__", StringComparison.Ordinal)
            && !k.EndsWith("__Url", StringComparison.Ordinal) && !k.EndsWith("UseTls", StringComparison.Ordinal));
        foreach (var key in channelSettings) Assert.Contains(key, keys);
    }

    [Fact]
    public void The_function_app_runs_dotnet_isolated_10_on_flex_consumption_and_everything_is_reached_by_identity_only()
    {
        var functions = BicepFile.Load("modules/functionapp.bicep");
        Assert.Equal("FC1", functions.Single("Microsoft.Web/serverfarms").GetProperty("sku").GetProperty("name").GetString());
        var site = functions.Single("Microsoft.Web/sites");
        Assert.Equal("UserAssigned", site.GetProperty("identity").GetProperty("type").GetString());
        var config = site.GetProperty("properties").GetProperty("functionAppConfig");
        Assert.Equal("dotnet-isolated", config.GetProperty("runtime").GetProperty("name").GetString());
        Assert.Equal("10.0", config.GetProperty("runtime").GetProperty("version").GetString());
        var deployment = config.GetProperty("deployment").GetProperty("storage").GetProperty("authentication");
        Assert.Equal("UserAssignedIdentity", deployment.GetProperty("type").GetString());

        Assert.False(Property("storage", "Microsoft.Storage/storageAccounts", "allowSharedKeyAccess").GetBoolean());
        Assert.True(Property("monitoring", "Microsoft.Insights/components", "DisableLocalAuth").GetBoolean());
        Assert.True(Property("keyvault", "Microsoft.KeyVault/vaults", "enableRbacAuthorization").GetBoolean());
        var auth = Property("postgres", "Microsoft.DBforPostgreSQL/flexibleServers", "authConfig");
        Assert.Equal("Disabled", auth.GetProperty("passwordAuth").GetString());
        Assert.Equal("Enabled", auth.GetProperty("activeDirectoryAuth").GetString());

        static JsonElement Property(string module, string type, string name) =>
            BicepFile.Load($"modules/{module}.bicep").Single(type).GetProperty("properties").GetProperty(name);
    }

    [Fact]
    public async Task An_unknown_resource_property_or_a_linter_warning_fails_the_build()
    {
        var copy = Directory.CreateTempSubdirectory("vigil-bicep-");
        try
        {
            foreach (var file in BicepFile.Files("*"))
            {
                var target = Path.Combine(copy.FullName, file);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(Path.Combine(BicepFile.Infra, file), target);
            }
            // Bicep only warns of either and still writes ARM JSON: Azure would reject the first, the second hides a mistake.
            Inject(Path.Combine(copy.FullName, "modules", "monitoring.bicep"), FirstProperties(), "$0    bogusProperty: 1\n");
            Inject(Path.Combine(copy.FullName, "modules", "identity.bicep"), FirstParam(), "param neverUsed string = ''\n$0");

            var (exitCode, output) = await BuildAsync(copy.FullName);

            Assert.True(exitCode != 0, $"the build passed:\n{output}");
            Assert.Matches(@"monitoring\.bicep\(\d+,\d+\): error BCP037: The property ""bogusProperty"" is not", output);
            Assert.Matches(@"identity\.bicep\(\d+,\d+\): error no-unused-params: Parameter ""neverUsed""", output);
            Assert.False(File.Exists(Path.Combine(copy.FullName, "arm", "main.json")), "a failed build left ARM JSON behind");
        }
        finally
        {
            copy.Delete(recursive: true);
        }
    }

    [Fact]
    public void Every_vigil_setting_in_the_sample_binds_to_an_options_property_of_that_name()
    {
        var sections = new Dictionary<string, Type>
        {
            [IngestOptions.Section] = typeof(IngestOptions),
            [PricingOptions.Section] = typeof(PricingOptions),
            [RetentionOptions.Section] = typeof(RetentionOptions),
            [AuthOptions.Section] = typeof(AuthOptions),
            [StartupOptions.Section] = typeof(StartupOptions),
            [EscalationOptions.Section] = typeof(EscalationOptions),
            [AlertingOptions.Section] = typeof(AlertingOptions),
            [ChannelOptions.Section] = typeof(ChannelOptions),
            [NotificationOptions.Section] = typeof(NotificationOptions),
            [AzureIdentityOptions.Section] = typeof(AzureIdentityOptions),
            [AzurePostgresOptions.Section] = typeof(AzurePostgresOptions),
            [IncidentOptions.Section] = typeof(IncidentOptions),
            [ReviewOptions.Section] = typeof(ReviewOptions),
        };
        var configuration = SampleConfiguration();
        var seen = configuration.GetSection("Vigil").GetChildren().Select(c => c.Path).ToList();
        Assert.NotEmpty(seen);
        foreach (var section in seen)
        {
            Assert.True(sections.TryGetValue(section, out var type), $"local.settings.sample.json has settings under {section}, which no options class reads");
            // Throws on a key with no property of that name: a misspelt setting would otherwise be ignored.
            configuration.GetSection(section).Get(type, o => o.ErrorOnUnknownConfiguration = true);
        }
    }

    [Fact]
    public void The_sample_settings_pass_every_validation_the_app_runs_at_start()
    {
        var configuration = SampleConfiguration();
        using var services = FunctionsApp.Services(configuration);
        services.GetRequiredService<IStartupValidator>().Validate();
        Assert.Equal("VigilLocal", configuration["TaskHubName"]);
        Assert.Equal("UseDevelopmentStorage=true", configuration["AzureWebJobsStorage"]);
        Assert.Equal("dotnet-isolated", configuration["FUNCTIONS_WORKER_RUNTIME"]);
    }

    /// <summary>An ARM parameter's type, in lower case (ARM does not mind case: secureString, securestring).</summary>
    private static string Type(JsonElement parameter) => parameter.GetProperty("type").GetString()!.ToLowerInvariant();

    private static bool IsSecure(JsonElement parameter) => Type(parameter) is "securestring" or "secureobject";

    /// <summary>What ARM's minValue and maxValue (numbers), minLength and maxLength (strings, arrays) bound.</summary>
    private static long Size(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.GetInt64(),
        JsonValueKind.Array => value.GetArrayLength(),
        _ => value.GetString()!.Length,
    };

    private static void Inject(string path, Regex where, string replacement)
    {
        var text = File.ReadAllText(path);
        var changed = where.Replace(text, replacement, 1);
        Assert.NotEqual(text, changed);
        File.WriteAllText(path, changed);
    }

    /// <summary>The build's own Bicep target (Vigil.Infrastructure.csproj) on the templates in <paramref name="root"/>.</summary>
    private static async Task<(int ExitCode, string Output)> BuildAsync(string root)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true };
        string[] arguments =
        [
            "msbuild", Path.Combine(BicepFile.Infra, "Vigil.Infrastructure.csproj"), "-t:CompileBicep",
            $"-p:BicepRoot={root}", $"-p:ArmOutput={Path.Combine(root, "arm")}", "-nologo", "-nodeReuse:false",
        ];
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The Bicep build was still running after 2 minutes.");
        }
        return (process.ExitCode, await output + await error);
    }

    /// <summary>The sample as the Functions host hands it to the worker: environment variables, '__' for ':'.</summary>
    private static IConfigurationRoot SampleConfiguration() =>
        new ConfigurationBuilder().AddInMemoryCollection(FunctionsApp.SampleValues().Select(kv => KeyValuePair.Create(kv.Key.Replace("__", ":", StringComparison.Ordinal), kv.Value))).Build();

    /// <summary>The role of <c>subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)</c>.</summary>
    [GeneratedRegex(@"^subscriptionResourceId\('Microsoft\.Authorization/roleDefinitions', (.+)\)$")]
    private static partial Regex RoleDefinition();

    [GeneratedRegex(@"^  properties: \{\n", RegexOptions.Multiline)]
    private static partial Regex FirstProperties();

    [GeneratedRegex("^param ", RegexOptions.Multiline)]
    private static partial Regex FirstParam();

    [GeneratedRegex("^(AzureWebJobsStorage__|APPLICATIONINSIGHTS_AUTHENTICATION_STRING$)")]
    private static partial Regex HostOnlySettings();
}
