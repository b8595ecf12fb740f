using System.Text;
using Vigil.Core.Events;
using Vigil.Core.Pricing;
using Vigil.Core.Tests.Fakes;

namespace Vigil.Core.Tests;

/// <summary>POST /api/events' outcome for a body: what is stored, what is refused, and the counts the caller is told.</summary>
public class EventIngestorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    private static (EventIngestor Ingestor, FakeEventStore Store) Create(int maxBatchItems = 1000)
    {
        var store = new FakeEventStore();
        var options = new StaticOptions<IngestOptions>(new IngestOptions { MaxBatchItems = maxBatchItems });
        return (new EventIngestor(store, new PriceTable(DefaultPrices.Table), options, new ManualClock(Now)), store);
    }

    private static string Event(string id, string tenant = "", string extra = "") =>
        $$"""{"event_id":"{{id}}","type":"llm_call","timestamp":"2026-11-21T11:59:00Z","bot":"lead_bot","model":"gpt-4o","duration_ms":12.5{{(tenant.Length > 0 ? $",\"tenant_id\":\"{tenant}\"" : "")}}{{extra}}}""";

    private static Task<IngestOutcome> IngestAsync(EventIngestor ingestor, string body, string? bound = null) =>
        ingestor.IngestAsync(Encoding.UTF8.GetBytes(body), new IngestCaller(bound), CancellationToken.None);

    [Fact]
    public async Task A_batch_of_valid_events_is_stored_and_counted()
    {
        var (ingestor, store) = Create();

        var outcome = await IngestAsync(ingestor, $"[{Event("e1")},{Event("e2", extra: ",\"input_tokens\":1000,\"output_tokens\":100")}]");

        Assert.Equal(IngestStatus.Stored, outcome.Status);
        Assert.Null(outcome.Detail);
        Assert.Equal(new IngestResult(2, 2, 0, 0, []), outcome.Result! with { Errors = [] });
        Assert.Empty(outcome.Result!.Errors);
        Assert.Equal(["e1", "e2"], store.Events.Select(e => e.EventId));
        Assert.Equal(TelemetryEvent.DefaultTenant, store.Events[0].TenantId);
        Assert.True(store.Events[1].CostUsd > 0);
    }

    [Fact]
    public async Task One_event_object_is_a_batch_of_one()
    {
        var (ingestor, store) = Create();

        var outcome = await IngestAsync(ingestor, Event("e1"));

        Assert.Equal((IngestStatus.Stored, 1, 1), (outcome.Status, outcome.Result!.Received, outcome.Result.Accepted));
        Assert.Single(store.Events);
    }

    [Fact]
    public async Task Duplicates_in_the_batch_and_already_stored_events_are_counted_as_duplicates()
    {
        var (ingestor, store) = Create();
        await IngestAsync(ingestor, Event("e1"));

        var outcome = await IngestAsync(ingestor, $"[{Event("e1")},{Event("e2")},{Event("e2")},{Event("e2", tenant: "acme")}]");

        Assert.Equal(IngestStatus.Stored, outcome.Status);
        Assert.Equal((4, 2, 2, 0), (outcome.Result!.Received, outcome.Result.Accepted, outcome.Result.Duplicates, outcome.Result.Rejected));
        Assert.Equal(3, store.Events.Count);
    }

    [Fact]
    public async Task Some_invalid_items_are_refused_and_the_rest_stored()
    {
        var (ingestor, store) = Create();

        var outcome = await IngestAsync(ingestor, $$"""[{{Event("e1")}},{"event_id":"bad"},{{Event("e3")}}]""");

        Assert.Equal(IngestStatus.PartiallyStored, outcome.Status);
        Assert.Null(outcome.Detail);
        Assert.Equal((3, 2, 0, 1), (outcome.Result!.Received, outcome.Result.Accepted, outcome.Result.Duplicates, outcome.Result.Rejected));
        Assert.Equal(1, Assert.Single(outcome.Result.Errors).Index);
        Assert.Equal(2, store.Events.Count);
    }

    [Fact]
    public async Task A_batch_of_only_invalid_items_stores_nothing_and_says_so()
    {
        var (ingestor, store) = Create();

        var outcome = await IngestAsync(ingestor, """[{"event_id":"a"},{"event_id":"b"}]""");

        Assert.Equal(IngestStatus.AllRejected, outcome.Status);
        Assert.Equal("All 2 events were rejected; see errors.", outcome.Detail);
        Assert.Equal((2, 0, 0, 2), (outcome.Result!.Received, outcome.Result.Accepted, outcome.Result.Duplicates, outcome.Result.Rejected));
        Assert.Equal(0, store.Inserts);
    }

    [Fact]
    public async Task An_empty_batch_is_refused()
    {
        var (ingestor, store) = Create();

        var outcome = await IngestAsync(ingestor, "[]");

        Assert.Equal(IngestStatus.AllRejected, outcome.Status);
        Assert.Equal("The batch is empty.", outcome.Detail);
        Assert.Equal(new IngestResult(0, 0, 0, 0, []), outcome.Result! with { Errors = [] });
        Assert.Equal(0, store.Inserts);
    }

    [Fact]
    public async Task A_body_that_is_not_json_or_not_events_is_refused_with_why()
    {
        var (ingestor, _) = Create();

        var notJson = await IngestAsync(ingestor, "{not json");
        Assert.Equal(IngestStatus.NotJson, notJson.Status);
        Assert.StartsWith("The body is not valid JSON: ", notJson.Detail);
        Assert.Null(notJson.Result);

        var wrong = await IngestAsync(ingestor, "\"text\"");
        Assert.Equal(IngestStatus.WrongShape, wrong.Status);
        Assert.Equal("The body must be one event object or an array of events, not a JSON string.", wrong.Detail);

        var deep = await IngestAsync(ingestor, new string('[', 17) + new string(']', 17));
        Assert.Equal(IngestStatus.NotJson, deep.Status);
        var deepEnough = await IngestAsync(ingestor, "[" + new string('[', 15) + new string(']', 15) + "]");
        Assert.NotEqual(IngestStatus.NotJson, deepEnough.Status);
    }

    [Fact]
    public async Task A_batch_over_the_limit_is_refused_whole()
    {
        var (ingestor, store) = Create(maxBatchItems: 2);

        var over = await IngestAsync(ingestor, $"[{Event("e1")},{Event("e2")},{Event("e3")}]");
        Assert.Equal(IngestStatus.TooManyItems, over.Status);
        Assert.Equal("The batch holds 3 events; at most 2 are accepted per request. Split it.", over.Detail);
        Assert.Empty(store.Events);

        var at = await IngestAsync(ingestor, $"[{Event("e1")},{Event("e2")}]");
        Assert.Equal(IngestStatus.Stored, at.Status);
    }

    [Fact]
    public async Task A_tenant_bound_key_writes_its_tenant_by_default_and_no_other()
    {
        var (ingestor, store) = Create();

        var own = await IngestAsync(ingestor, $"[{Event("e1")},{Event("e2", tenant: "acme")}]", bound: "acme");
        Assert.Equal(IngestStatus.Stored, own.Status);
        Assert.All(store.Events, e => Assert.Equal("acme", e.TenantId));

        var foreign = await IngestAsync(ingestor, $"[{Event("e3", tenant: "acme")},{Event("e4", tenant: "globex")}]", bound: "acme");
        Assert.Equal(IngestStatus.ForbiddenTenant, foreign.Status);
        Assert.Equal("This key may only write tenant 'acme', but the item at index 1 is for tenant 'globex'. Nothing was stored.", foreign.Detail);
        Assert.Null(foreign.Result);
        Assert.Equal(2, store.Events.Count);
    }
}
