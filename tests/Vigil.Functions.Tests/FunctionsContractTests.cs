using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Api;
using Vigil.Core.Jobs;

namespace Vigil.Functions.Tests;

/// <summary>The Functions app declares exactly the contract's routes and the timers, as the local host serves them.</summary>
public partial class FunctionsContractTests
{
    private static readonly MethodInfo[] Functions = [.. typeof(HttpFunctions).Assembly.GetTypes()
        .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
        .Where(m => m.GetCustomAttribute<FunctionAttribute>() is not null)];

    private static T? Trigger<T>(MethodInfo method) where T : Attribute =>
        method.GetParameters().Select(p => p.GetCustomAttribute<T>()).FirstOrDefault(a => a is not null);

    /// <summary>Route parameters are matched by position, not by name ({run_id} and {runId} are the same route).</summary>
    private static string Shape(string template) => RouteParameter().Replace(template, "{}");

    [Fact]
    public void Every_contract_route_has_one_anonymous_http_function_with_the_same_method_and_route()
    {
        var http = Functions.Where(f => Trigger<HttpTriggerAttribute>(f) is not null).ToList();
        foreach (var route in ApiRoutes.All)
        {
            var function = Assert.Single(http, f => f.GetCustomAttribute<FunctionAttribute>()!.Name == route.FunctionName);
            var trigger = Trigger<HttpTriggerAttribute>(function)!;
            Assert.Equal(AuthorizationLevel.Anonymous, trigger.AuthLevel);
            Assert.Equal([route.Method.ToLowerInvariant()], trigger.Methods!);
            Assert.Equal(Shape(route.Template), Shape("/api/" + trigger.Route));
            Assert.Equal(typeof(Task<Microsoft.AspNetCore.Http.IResult>), function.ReturnType);
        }
        Assert.Equal(ApiRoutes.All.Count, http.Count);
    }

    [Fact]
    public void Route_parameters_bind_to_parameters_of_the_same_name()
    {
        foreach (var function in Functions.Where(f => Trigger<HttpTriggerAttribute>(f) is not null))
        {
            var names = RouteParameter().Matches(Trigger<HttpTriggerAttribute>(function)!.Route!).Select(m => m.Groups[1].Value);
            foreach (var name in names) Assert.Contains(function.GetParameters(), p => p.Name == name && p.ParameterType == typeof(string));
        }
    }

    [Fact]
    public void Every_timer_job_of_the_local_host_is_a_timer_function_on_the_same_schedule_setting()
    {
        using var services = FunctionsApp.Services(FunctionsApp.MinimalConfiguration());
        var jobs = services.GetServices<ITimerJob>().ToDictionary(j => j.Name);
        var timers = Functions.Where(f => Trigger<TimerTriggerAttribute>(f) is not null).ToDictionary(f => f.GetCustomAttribute<FunctionAttribute>()!.Name);

        Assert.Equal(jobs.Keys.Order(), timers.Keys.Order());
        foreach (var (name, function) in timers)
        {
            var trigger = Trigger<TimerTriggerAttribute>(function)!;
            Assert.Equal($"%{jobs[name].ScheduleSetting}%", trigger.Schedule);
            Assert.True(trigger.UseMonitor);
            Assert.False(trigger.RunOnStartup);
            Assert.Contains(function.GetParameters(), p => p.ParameterType == typeof(CancellationToken));
        }
    }

    [Fact]
    public void Every_function_class_is_created_from_the_apps_services_as_the_worker_does()
    {
        using var services = FunctionsApp.Services(FunctionsApp.MinimalConfiguration(), options: new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        var classes = Functions.Where(f => !f.IsStatic).Select(f => f.DeclaringType!).Distinct().ToList();
        Assert.Equal(3, classes.Count);
        // The worker activates a function's class per invocation with ActivatorUtilities.
        foreach (var type in classes) Assert.NotNull(ActivatorUtilities.CreateInstance(services, type));
    }

    [Fact]
    public void The_escalation_is_an_orchestration_with_one_activity_and_the_ack_function_can_signal_it()
    {
        var orchestrator = Assert.Single(Functions, f => Trigger<OrchestrationTriggerAttribute>(f) is not null);
        Assert.Equal(nameof(EscalationOrchestration.AlertEscalation), orchestrator.GetCustomAttribute<FunctionAttribute>()!.Name);
        Assert.True(orchestrator.IsStatic);
        var activity = Assert.Single(Functions, f => Trigger<ActivityTriggerAttribute>(f) is not null);
        Assert.Equal(nameof(EscalationOrchestration.SendEscalationLevel), activity.GetCustomAttribute<FunctionAttribute>()!.Name);
        var ack = Functions.Single(f => f.GetCustomAttribute<FunctionAttribute>()!.Name == "AcknowledgeAlert");
        Assert.Contains(ack.GetParameters(), p => p.GetCustomAttribute<DurableClientAttribute>() is not null);
        var evaluate = Functions.Single(f => f.GetCustomAttribute<FunctionAttribute>()!.Name == TimerJobNames.EvaluateAlerts);
        Assert.Contains(evaluate.GetParameters(), p => p.GetCustomAttribute<DurableClientAttribute>() is not null);
    }

    [Fact]
    public void Every_setting_the_timers_and_durable_read_is_in_the_local_settings_sample_and_the_bicep_app_settings()
    {
        var sample = FunctionsApp.SampleValues();
        var bicep = File.ReadAllText(Path.Combine(FunctionsApp.Root, "infra-bicep", "modules", "functionapp.bicep"));
        var hostJson = File.ReadAllText(Path.Combine(FunctionsApp.Root, "host.json"));
        var settings = Functions.Select(Trigger<TimerTriggerAttribute>).OfType<TimerTriggerAttribute>().Select(t => t.Schedule.Trim('%'))
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
    public void Host_json_prefixes_routes_with_api_and_names_the_task_hub_from_a_setting()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(FunctionsApp.Root, "host.json")));
        var extensions = host.RootElement.GetProperty("extensions");
        Assert.Equal("api", extensions.GetProperty("http").GetProperty("routePrefix").GetString());
        Assert.Equal("%TaskHubName%", extensions.GetProperty("durableTask").GetProperty("hubName").GetString());
    }

    [GeneratedRegex(@"\{([^}]+)\}")]
    private static partial Regex RouteParameter();

    [GeneratedRegex("\"%([A-Za-z0-9_]+)%\"")]
    private static partial Regex SettingReference();
}
