using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Vigil.Api;

/// <summary>One route of the contract and the Azure Functions function that serves it.</summary>
public sealed record ApiRoute(string Method, string Template, string FunctionName);

/// <summary>
/// The contract's routes. The local host maps them here; the Functions app declares one function per
/// route with the same template (a test checks the two agree).
/// </summary>
public static class ApiRoutes
{
    public static readonly IReadOnlyList<ApiRoute> All =
    [
        new("POST", "/api/events", "PostEvents"),
        new("GET", "/api/health", "GetHealth"),
        new("GET", "/api/health/detailed", "GetHealthDetailed"),
        new("POST", "/api/keys", "CreateKey"),
        new("GET", "/api/keys", "ListKeys"),
        new("DELETE", "/api/keys/{id}", "RevokeKey"),
    ];

    /// <summary>Maps every contract route to its shared handler (local host).</summary>
    public static IEndpointRouteBuilder MapVigilApi(this IEndpointRouteBuilder app)
    {
        Map(app, "PostEvents", (HttpContext c, EventsApi api) => api.PostAsync(c));
        Map(app, "GetHealth", (HttpContext c, HealthApi api) => api.GetAsync(c));
        Map(app, "GetHealthDetailed", (HttpContext c, HealthApi api) => api.GetDetailedAsync(c));
        Map(app, "CreateKey", (HttpContext c, KeysApi api) => api.CreateAsync(c));
        Map(app, "ListKeys", (HttpContext c, KeysApi api) => api.ListAsync(c));
        Map(app, "RevokeKey", (HttpContext c, string id, KeysApi api) => api.RevokeAsync(c, id));
        return app;
    }

    private static void Map(IEndpointRouteBuilder app, string functionName, Delegate handler)
    {
        var route = All.Single(r => r.FunctionName == functionName);
        app.MapMethods(route.Template, [route.Method], handler).WithName(functionName);
    }
}
