using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Vigil.Api;

namespace Vigil.Functions;

/// <summary>
/// The on-call routes (escalation policies, people, schedules, silences, resolve, acknowledge links),
/// each calling the same handler as the local host. Those that stop or release an escalation signal
/// its orchestration afterwards.
/// </summary>
public sealed class OnCallFunctions(AlertsApi alerts, EscalationPoliciesApi policies, PeopleApi people, SchedulesApi schedules, SilencesApi silences, AckLinkApi ackLinks)
{
    [Function("ResolveAlert")]
    public async Task<IResult> ResolveAlert([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "alerts/{id}/resolve")] HttpRequest req, string id, [DurableClient] DurableTaskClient durable) =>
        await EscalationOrchestration.SignalAsync(durable, req.HttpContext, await alerts.ResolveAsync(req.HttpContext, id));

    [Function("ListEscalationPolicies")]
    public Task<IResult> ListEscalationPolicies([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "escalation-policies")] HttpRequest req) =>
        policies.ListAsync(req.HttpContext);

    [Function("GetEscalationPolicy")]
    public Task<IResult> GetEscalationPolicy([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "escalation-policies/{name}")] HttpRequest req, string name) =>
        policies.GetAsync(req.HttpContext, name);

    [Function("PutEscalationPolicy")]
    public Task<IResult> PutEscalationPolicy([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "escalation-policies/{name}")] HttpRequest req, string name) =>
        policies.PutAsync(req.HttpContext, name);

    [Function("DeleteEscalationPolicy")]
    public Task<IResult> DeleteEscalationPolicy([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "escalation-policies/{name}")] HttpRequest req, string name) =>
        policies.DeleteAsync(req.HttpContext, name);

    [Function("ListPeople")]
    public Task<IResult> ListPeople([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "people")] HttpRequest req) =>
        people.ListAsync(req.HttpContext);

    [Function("GetPerson")]
    public Task<IResult> GetPerson([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "people/{id}")] HttpRequest req, string id) =>
        people.GetAsync(req.HttpContext, id);

    [Function("PutPerson")]
    public Task<IResult> PutPerson([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "people/{id}")] HttpRequest req, string id) =>
        people.PutAsync(req.HttpContext, id);

    [Function("DeletePerson")]
    public Task<IResult> DeletePerson([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "people/{id}")] HttpRequest req, string id) =>
        people.DeleteAsync(req.HttpContext, id);

    [Function("ListSchedules")]
    public Task<IResult> ListSchedules([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "schedules")] HttpRequest req) =>
        schedules.ListAsync(req.HttpContext);

    [Function("GetSchedule")]
    public Task<IResult> GetSchedule([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "schedules/{name}")] HttpRequest req, string name) =>
        schedules.GetAsync(req.HttpContext, name);

    [Function("PutSchedule")]
    public Task<IResult> PutSchedule([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "schedules/{name}")] HttpRequest req, string name) =>
        schedules.PutAsync(req.HttpContext, name);

    [Function("DeleteSchedule")]
    public Task<IResult> DeleteSchedule([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "schedules/{name}")] HttpRequest req, string name) =>
        schedules.DeleteAsync(req.HttpContext, name);

    [Function("GetOnCall")]
    public Task<IResult> GetOnCall([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "schedules/{name}/on-call")] HttpRequest req, string name) =>
        schedules.OnCallAsync(req.HttpContext, name);

    [Function("CreateSilence")]
    public Task<IResult> CreateSilence([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "silences")] HttpRequest req) =>
        silences.CreateAsync(req.HttpContext);

    [Function("ListSilences")]
    public Task<IResult> ListSilences([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "silences")] HttpRequest req) =>
        silences.ListAsync(req.HttpContext);

    [Function("GetSilence")]
    public Task<IResult> GetSilence([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "silences/{id}")] HttpRequest req, string id) =>
        silences.GetAsync(req.HttpContext, id);

    /// <summary>Ending a silence early releases the steps it held: their orchestrations try them again now.</summary>
    [Function("DeleteSilence")]
    public async Task<IResult> DeleteSilence([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "silences/{id}")] HttpRequest req, string id, [DurableClient] DurableTaskClient durable) =>
        await EscalationOrchestration.SignalAsync(durable, req.HttpContext, await silences.DeleteAsync(req.HttpContext, id));

    [Function("ShowAckLink")]
    public Task<IResult> ShowAckLink([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "ack/{token}")] HttpRequest req, string token) =>
        ackLinks.ShowAsync(req.HttpContext, token);

    [Function("AcknowledgeByLink")]
    public async Task<IResult> AcknowledgeByLink([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "ack/{token}")] HttpRequest req, string token, [DurableClient] DurableTaskClient durable) =>
        await EscalationOrchestration.SignalAsync(durable, req.HttpContext, await ackLinks.AcknowledgeAsync(req.HttpContext, token));
}
