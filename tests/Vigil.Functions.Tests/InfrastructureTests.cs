using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Vigil.Core.Alerts;
using Vigil.Core.Auth;
using Vigil.Core.Events;
using Vigil.Core.Health;
using Vigil.Core.Jobs;
using Vigil.Core.Pricing;
using Vigil.Notifications;

namespace Vigil.Functions.Tests;

/// <summary>
/// What the Bicep compiler and the Functions host would reject, checked here where neither runs:
/// modules, parameters and outputs line up across files, parameter files only set declared
/// parameters with values of their type, and every setting is one the app reads and accepts.
/// </summary>
public partial class InfrastructureTests
{
    private static readonly string Infra = Path.Combine(FunctionsApp.Root, "infra-bicep");
    private static readonly BicepFile Main = new(Path.Combine(Infra, "main.bicep"));

    public static TheoryData<string> BicepFiles() => [.. Directory.GetFiles(Infra, "*.bicep", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Infra, f))];

    public static TheoryData<string> ParameterFiles() => [.. Directory.GetFiles(Infra, "*.parameters.json").Select(Path.GetFileName).OfType<string>()];

    [Fact]
    public void Main_uses_one_module_per_concern_and_every_module_file_is_used()
    {
        var used = Main.Modules.Select(m => Path.GetFullPath(Path.Combine(Infra, m.Path))).ToHashSet();
        Assert.All(used, path => Assert.True(File.Exists(path), $"{path} does not exist"));
        foreach (var file in Directory.GetFiles(Path.Combine(Infra, "modules"), "*.bicep")) Assert.Contains(Path.GetFullPath(file), used);
        Assert.Equal(["functionapp", "identity", "keyvault", "monitoring", "postgres", "storage"],
            used.Select(p => Path.GetFileNameWithoutExtension(p)!).Order().ToArray());
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void Every_module_gets_all_its_required_parameters_and_only_declared_ones(string file)
    {
        var bicep = new BicepFile(Path.Combine(Infra, file));
        foreach (var module in bicep.Modules)
        {
            var target = new BicepFile(Path.Combine(Path.GetDirectoryName(bicep.Path)!, module.Path));
            foreach (var passed in module.PassedParams) Assert.True(target.Params.ContainsKey(passed), $"{module.Symbol} passes '{passed}', which {module.Path} does not declare");
            foreach (var required in target.Params.Values.Where(p => !p.HasDefault))
            {
                Assert.True(module.PassedParams.Contains(required.Name), $"{module.Symbol} does not pass required parameter '{required.Name}' of {module.Path}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void Every_module_output_read_is_declared_by_that_module(string file)
    {
        var bicep = new BicepFile(Path.Combine(Infra, file));
        var modules = bicep.Modules.ToDictionary(m => m.Symbol, m => new BicepFile(Path.Combine(Path.GetDirectoryName(bicep.Path)!, m.Path)));
        foreach (Match read in OutputRead().Matches(bicep.Text))
        {
            if (!modules.TryGetValue(read.Groups[1].Value, out var module)) continue;
            Assert.True(module.Outputs.Contains(read.Groups[2].Value), $"{file} reads {read.Value}, which {Path.GetFileName(module.Path)} does not output");
        }
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void Every_parameter_a_file_declares_is_used_in_it(string file)
    {
        var bicep = new BicepFile(Path.Combine(Infra, file));
        foreach (var name in bicep.Params.Keys)
        {
            var uses = Regex.Matches(bicep.Text, $@"\b{name}\b").Count;
            Assert.True(uses > 1, $"{file} declares '{name}' but never uses it");
        }
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void Role_assignments_are_named_with_guid_over_scope_principal_and_role(string file)
    {
        var bicep = new BicepFile(Path.Combine(Infra, file));
        foreach (var (symbol, type, index) in bicep.Resources.Where(r => r.Type.StartsWith("Microsoft.Authorization/roleAssignments@", StringComparison.Ordinal)))
        {
            var body = bicep.Text[index..];
            var name = NameProperty().Match(body);
            Assert.True(name.Success && name.Groups[1].Value.StartsWith("guid(", StringComparison.Ordinal), $"{file}: role assignment {symbol} is not named with guid()");
            Assert.Contains("principalId", name.Groups[1].Value, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(ParameterFiles))]
    public void Parameter_files_set_only_declared_parameters_with_values_of_their_type_and_no_secrets(string file)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Infra, file)));
        var values = json.RootElement.GetProperty("parameters");
        foreach (var parameter in values.EnumerateObject())
        {
            Assert.True(Main.Params.TryGetValue(parameter.Name, out var declared), $"{file} sets '{parameter.Name}', which main.bicep does not declare");
            var value = parameter.Value.GetProperty("value");
            // azd substitutes ${VARIABLE} from its environment before deploying.
            if (value.ValueKind == JsonValueKind.String && value.GetString()!.StartsWith("${", StringComparison.Ordinal)) continue;
            Assert.False(declared.Secure, $"{file} holds a value for secure parameter '{parameter.Name}'; pass secrets on the command line or from azd's environment");
            var expected = declared.Type switch
            {
                "int" => JsonValueKind.Number,
                "string" => JsonValueKind.String,
                "object" => JsonValueKind.Object,
                "array" => JsonValueKind.Array,
                "bool" => value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.ValueKind : JsonValueKind.True,
                _ => throw new InvalidOperationException($"unknown type {declared.Type}"),
            };
            Assert.True(expected == value.ValueKind, $"{file}: '{parameter.Name}' is a {declared.Type}, not {value.ValueKind}");
            if (declared.Allowed is { } allowed) Assert.Contains(value.ToString(), allowed);
        }
        foreach (var required in Main.Params.Values.Where(p => !p.HasDefault && !p.Secure))
        {
            Assert.True(values.TryGetProperty(required.Name, out _), $"{file} does not set required parameter '{required.Name}'");
        }
    }

    [Fact]
    public void The_production_parameters_turn_on_high_availability_on_a_tier_that_has_it_and_keep_backups_longest()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Infra, "main.prod.parameters.json")));
        var p = json.RootElement.GetProperty("parameters");
        Assert.NotEqual("Disabled", p.GetProperty("postgresHighAvailability").GetProperty("value").GetString());
        Assert.NotEqual("Burstable", p.GetProperty("postgresSkuTier").GetProperty("value").GetString());
        Assert.Equal(35, p.GetProperty("postgresBackupRetentionDays").GetProperty("value").GetInt32());
        Assert.True(p.GetProperty("keyVaultPurgeProtection").GetProperty("value").GetBoolean());
    }

    [Fact]
    public void The_app_settings_the_bicep_sets_are_the_ones_the_app_reads_and_none_flex_consumption_rejects()
    {
        var app = new BicepFile(Path.Combine(Infra, "modules", "functionapp.bicep"));
        var appSettings = app.Resources.Single(r => r.Type.StartsWith("Microsoft.Web/sites/config@", StringComparison.Ordinal));
        var keys = BicepFile.BlockKeys(app.Text, "properties", appSettings.Index);
        var sample = FunctionsApp.SampleValues();

        Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", keys);
        Assert.DoesNotContain("FUNCTIONS_EXTENSION_VERSION", keys);
        Assert.DoesNotContain("AzureWebJobsStorage", keys);
        foreach (var key in keys.Where(k => !HostOnlySettings().IsMatch(k)))
        {
            Assert.True(sample.ContainsKey(key), $"functionapp.bicep sets '{key}', which local.settings.sample.json (every setting the app reads) does not list");
        }
        foreach (var key in sample.Keys.Where(k => k.StartsWith("Vigil__Channels__", StringComparison.Ordinal) && !k.EndsWith("__Url", StringComparison.Ordinal) && !k.EndsWith("UseTls", StringComparison.Ordinal)))
        {
            Assert.Contains(key, keys);
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

    /// <summary>The sample as the Functions host hands it to the worker: environment variables, '__' for ':'.</summary>
    private static IConfigurationRoot SampleConfiguration() =>
        new ConfigurationBuilder().AddInMemoryCollection(FunctionsApp.SampleValues().Select(kv => KeyValuePair.Create(kv.Key.Replace("__", ":", StringComparison.Ordinal), kv.Value))).Build();

    [GeneratedRegex(@"\b(\w+)\.outputs\.(\w+)")]
    private static partial Regex OutputRead();

    [GeneratedRegex(@"^\s*name:\s*(.+)$", RegexOptions.Multiline)]
    private static partial Regex NameProperty();

    [GeneratedRegex("^(AzureWebJobsStorage__|APPLICATIONINSIGHTS_AUTHENTICATION_STRING$)")]
    private static partial Regex HostOnlySettings();
}
