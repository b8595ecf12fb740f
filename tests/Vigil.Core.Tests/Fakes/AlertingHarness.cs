using Vigil.Core.Alerts;
using Vigil.Core.Auth;
using Vigil.Core.OnCall;

namespace Vigil.Core.Tests.Fakes;

/// <summary>
/// The alerting services wired on in-memory ports, as the composition wires them on PostgreSQL:
/// one evaluator, one escalation service, a clock the test moves. Built per test.
/// </summary>
internal sealed class AlertingHarness
{
    public const string PublicBase = "https://vigil.example.com";

    public AlertingHarness(DateTimeOffset start)
    {
        Clock = new ManualClock(start);
        Log = new FakeNotificationLog(Alerts);
        Alerting = new StaticOptions<AlertingOptions>(new AlertingOptions { PublicUrl = PublicBase + "/", LinkSecret = "a link secret of some length" });
        Auth = new StaticOptions<AuthOptions>(new AuthOptions());
        Escalation = new StaticOptions<EscalationOptions>(new EscalationOptions { Level2After = TimeSpan.FromMinutes(7), Level3After = TimeSpan.FromMinutes(19) });
        var publicUrl = new DefaultPublicUrl(Alerting);
        AckLinks = new AckLinks(Alerts, publicUrl, Alerting, Auth);
        Service = new EscalationService(Alerts, Log, Sender, Silences, new RecipientResolver(OnCall), Policies, AckLinks, publicUrl, Escalation, Clock,
            ServiceLog);
        Evaluator = new AlertEvaluator(Rules, Alerts, Rollups, SlaTargets, Policies, Conversations, BatchJobs, Service, Escalation, Driver, Clock, EvaluatorLog);
    }

    public ManualClock Clock { get; }
    public RecordingLogger<EscalationService> ServiceLog { get; } = new();
    public RecordingLogger<AlertEvaluator> EvaluatorLog { get; } = new();
    public FakeAlertRuleStore Rules { get; } = new();
    public FakeAlertStore Alerts { get; } = new();
    public FakeNotificationLog Log { get; }
    public FakeRollupStore Rollups { get; } = new();
    public FakeBatchJobStore BatchJobs { get; } = new();
    public FakeSlaTargetStore SlaTargets { get; } = new();
    public FakeEscalationPolicyStore Policies { get; } = new();
    public FakeConversationStore Conversations { get; } = new();
    public FakeNotificationSender Sender { get; } = new();
    public FakeSilenceStore Silences { get; } = new();
    public FakeOnCallStore OnCall { get; } = new();
    public FakeEscalationDriver Driver { get; } = new();
    public StaticOptions<AlertingOptions> Alerting { get; }
    public StaticOptions<AuthOptions> Auth { get; }
    public StaticOptions<EscalationOptions> Escalation { get; }
    public AckLinks AckLinks { get; }
    public EscalationService Service { get; }
    public AlertEvaluator Evaluator { get; }

    public Task<EvaluationReport> EvaluateAsync() => Evaluator.EvaluateAsync(CancellationToken.None);

    public Alert Only(AlertState? state = null) => Assert.Single(Alerts.Alerts.Values, a => state is null || a.State == state);
}
