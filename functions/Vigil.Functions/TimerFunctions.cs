using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Vigil.Core.Alerts;
using Vigil.Core.Jobs;

namespace Vigil.Functions;

/// <summary>
/// The timer functions, on the schedules in the app settings named like the local host's. Each runs
/// the same Core job as the local host; the Functions host makes a timer a singleton across instances
/// (UseMonitor), and the jobs are safe to overlap anyway.
/// </summary>
public sealed class TimerFunctions(TimerJobRunner runner, AlertEvaluator evaluator, EscalationService escalation, IEscalationSchedule schedule)
{
    [Function(TimerJobNames.ComputeRollups)]
    public Task ComputeRollups([TimerTrigger("%RollupSchedule%", UseMonitor = true)] TimerInfo timer, CancellationToken cancellationToken) =>
        RunAsync(TimerJobNames.ComputeRollups, cancellationToken);

    /// <summary>Evaluates, then starts an escalation orchestration for each alert that fired (now or in a run that died before starting it) and stops those resolved.</summary>
    [Function(TimerJobNames.EvaluateAlerts)]
    public async Task EvaluateAlerts([TimerTrigger("%AlertSchedule%", UseMonitor = true)] TimerInfo timer, [DurableClient] DurableTaskClient durable, CancellationToken cancellationToken)
    {
        var (_, report) = await runner.RunAsync(evaluator, evaluator.EvaluateAsync, AlertEvaluator.Describe, cancellationToken);
        await escalation.StartDueEscalationsAsync(schedule, (plan, token) => EscalationOrchestration.StartAsync(durable, plan, token), cancellationToken);
        foreach (var alertId in report.StoppedAlerts) await EscalationOrchestration.StopAsync(durable, alertId, cancellationToken);
    }

    [Function(TimerJobNames.EvaluateBudgets)]
    public Task EvaluateBudgets([TimerTrigger("%BudgetSchedule%", UseMonitor = true)] TimerInfo timer, CancellationToken cancellationToken) =>
        RunAsync(TimerJobNames.EvaluateBudgets, cancellationToken);

    [Function(TimerJobNames.ApplyRetention)]
    public Task ApplyRetention([TimerTrigger("%RetentionSchedule%", UseMonitor = true)] TimerInfo timer, CancellationToken cancellationToken) =>
        RunAsync(TimerJobNames.ApplyRetention, cancellationToken);

    [Function(TimerJobNames.AnalyzeConversations)]
    public Task AnalyzeConversations([TimerTrigger("%ConversationSchedule%", UseMonitor = true)] TimerInfo timer, CancellationToken cancellationToken) =>
        RunAsync(TimerJobNames.AnalyzeConversations, cancellationToken);

    [Function(TimerJobNames.SendReview)]
    public Task SendReview([TimerTrigger("%ReviewSchedule%", UseMonitor = true)] TimerInfo timer, CancellationToken cancellationToken) =>
        RunAsync(TimerJobNames.SendReview, cancellationToken);

    private Task RunAsync(string name, CancellationToken cancellationToken) => runner.RunAsync(runner.Find(name)!, cancellationToken);
}
