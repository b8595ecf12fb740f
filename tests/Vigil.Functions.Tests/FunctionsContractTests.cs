using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Api;
using Vigil.Core.Jobs;

namespace Vigil.Functions.Tests;

/// <summary>
/// The functions the worker SDK generated metadata for are exactly the contract's routes and the
/// timers the local host runs, with the triggers and bindings the Functions host needs.
/// </summary>
public partial class FunctionsContractTests
{
    private static readonly IReadOnlyList<MetadataFunction> Metadata = GeneratedMetadata.Functions;

    /// <summary>Route parameters are matched by position ({run_id} and {runId} are the same route).</summary>
    private static string Shape(string template) => RouteParameter().Replace(template, "{}");

    [Fact]
    public void Every_contract_route_is_one_anonymous_http_function_with_its_method_and_route_and_nothing_else_is()
    {
        var http = Metadata.Where(f => f.Trigger?.Type == "httpTrigger").ToDictionary(f => f.Name);
        foreach (var route in ApiRoutes.All)
        {
            Assert.True(http.TryGetValue(route.FunctionName, out var function), $"no HTTP function {route.FunctionName} for {route.Method} {route.Template}");
            var trigger = function.Trigger!;
            Assert.Equal("Anonymous", trigger.Text("authLevel"));
            Assert.Equal(route.Methods.Select(m => m.ToLowerInvariant()), trigger.List("methods"));
            // host.json's routePrefix puts every function route under /api.
            Assert.Equal(Shape(route.Template), Shape("/api/" + trigger.Text("route")));
            Assert.Contains(function.Bindings, b => b is { Type: "http", Direction: "Out", Name: "$return" });
        }
        Assert.Equal(ApiRoutes.All.Select(r => r.FunctionName).Order(), http.Keys.Order());
    }

    [Fact]
    public void Load_balancers_can_probe_the_health_function_with_head()
    {
        var health = Assert.Single(Metadata, f => f.Name == "GetHealth");
        Assert.Equal(["get", "head"], health.Trigger!.List("methods"));
    }

    [Fact]
    public void Route_parameters_of_every_http_function_bind_to_parameters_of_the_same_name()
    {
        foreach (var function in Metadata.Where(f => f.Trigger?.Type == "httpTrigger"))
        {
            var method = Method(function);
            foreach (Match parameter in RouteParameter().Matches(function.Trigger!.Text("route")!))
            {
                Assert.Contains(method.GetParameters(), p => p.Name == parameter.Groups[1].Value && p.ParameterType == typeof(string));
            }
        }
    }

    [Fact]
    public void Every_timer_job_is_a_timer_function_on_its_schedule_setting_with_the_singleton_monitor()
    {
        using var services = FunctionsApp.Services(FunctionsApp.MinimalConfiguration());
        var jobs = services.GetServices<ITimerJob>().ToDictionary(j => j.Name);
        var timers = Metadata.Where(f => f.Trigger?.Type == "timerTrigger").ToDictionary(f => f.Name);

        Assert.Equal(jobs.Keys.Order(), timers.Keys.Order());
        foreach (var (name, function) in timers)
        {
            var trigger = function.Trigger!;
            Assert.Equal($"%{jobs[name].ScheduleSetting}%", trigger.Text("schedule"));
            Assert.True(trigger.Flag("useMonitor"));
            Assert.NotEqual(true, trigger.Flag("runOnStartup"));
            Assert.Contains(Method(function).GetParameters(), p => p.ParameterType == typeof(CancellationToken));
        }
    }

    [Fact]
    public void The_escalation_is_an_orchestration_with_one_activity_and_the_functions_that_start_and_stop_it_bind_a_durable_client()
    {
        var orchestrator = Assert.Single(Metadata, f => f.Trigger?.Type == "orchestrationTrigger");
        Assert.Equal(nameof(EscalationOrchestration.AlertEscalation), orchestrator.Name);
        Assert.True(Method(orchestrator).IsStatic, "an orchestrator keeps no state between replays");
        var activity = Assert.Single(Metadata, f => f.Trigger?.Type == "activityTrigger");
        Assert.Equal(nameof(EscalationOrchestration.SendEscalationLevel), activity.Name);

        var withClient = Metadata.Where(f => f.Bindings.Any(b => b is { Type: "durableClient", Direction: "In" })).Select(f => f.Name).Order();
        // Those that stop an escalation (acknowledge, by key or by link; resolve), release a held one
        // (a silence ended early), or start them (the evaluation).
        Assert.Equal(["AcknowledgeAlert", "AcknowledgeByLink", "DeleteSilence", TimerJobNames.EvaluateAlerts, "ResolveAlert"], withClient);
    }

    [Fact]
    public void The_metadata_lists_every_function_of_the_app_and_only_those()
    {
        var attributed = typeof(HttpFunctions).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Select(m => m.GetCustomAttribute<FunctionAttribute>()?.Name).OfType<string>();
        Assert.Equal(attributed.Order(), Metadata.Select(f => f.Name).Order());
        // Six timers (ComputeRollups, EvaluateAlerts, EvaluateBudgets, ApplyRetention, AnalyzeConversations, SendReview), orchestrator + activity.
        Assert.Equal(ApiRoutes.All.Count + 6 + 2, Metadata.Count);
    }

    [Fact]
    public void Every_function_class_is_created_from_the_apps_services_as_the_worker_does()
    {
        using var services = FunctionsApp.Services(FunctionsApp.MinimalConfiguration(), options: new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        var classes = Metadata.Select(Method).Where(m => !m.IsStatic).Select(m => m.DeclaringType!).Distinct().ToList();
        Assert.Equal(4, classes.Count);
        // The worker activates a function's class per invocation with ActivatorUtilities.
        foreach (var type in classes) Assert.NotNull(ActivatorUtilities.CreateInstance(services, type));
    }

    [Fact]
    public void Every_setting_the_timers_and_durable_read_is_in_the_local_settings_sample_and_the_bicep_app_settings()
    {
        var sample = FunctionsApp.SampleValues();
        var bicep = File.ReadAllText(Path.Combine(FunctionsApp.Root, "infra-bicep", "modules", "functionapp.bicep"));
        var hostJson = File.ReadAllText(Path.Combine(FunctionsApp.Root, "host.json"));
        var settings = Metadata.Select(f => f.Trigger?.Text("schedule")).OfType<string>().Select(s => s.Trim('%'))
            .Concat(SettingReference().Matches(hostJson).Select(m => m.Groups[1].Value))
            .Distinct().ToList();
        Assert.Contains("TaskHubName", settings);
        foreach (var setting in settings)
        {
            Assert.True(sample.ContainsKey(setting), $"{setting} missing from local.settings.sample.json");
            Assert.Contains($"{setting}:", bicep, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Host_json_prefixes_routes_with_api_names_the_task_hub_from_a_setting_and_refuses_a_second_running_instance()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(FunctionsApp.Root, "host.json")));
        var extensions = host.RootElement.GetProperty("extensions");
        Assert.Equal("api", extensions.GetProperty("http").GetProperty("routePrefix").GetString());
        var durable = extensions.GetProperty("durableTask");
        Assert.Equal("%TaskHubName%", durable.GetProperty("hubName").GetString());
        Assert.Equal("NonRunningStates", durable.GetProperty("overridableExistingInstanceStates").GetString());
    }

    /// <summary>The method the metadata's entry point names, in the app's assembly.</summary>
    private static MethodInfo Method(MetadataFunction function)
    {
        var dot = function.EntryPoint.LastIndexOf('.');
        var type = typeof(HttpFunctions).Assembly.GetType(function.EntryPoint[..dot], throwOnError: true)!;
        return type.GetMethod(function.EntryPoint[(dot + 1)..])!;
    }

    [GeneratedRegex(@"\{([^}]+)\}")]
    private static partial Regex RouteParameter();

    [GeneratedRegex("\"%([A-Za-z0-9_]+)%\"")]
    private static partial Regex SettingReference();
}
