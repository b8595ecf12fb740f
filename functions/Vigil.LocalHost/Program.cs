using Vigil.Api;
using Vigil.Core;
using Vigil.LocalHost;
using Vigil.Notifications;
using Vigil.Postgres;

var builder = WebApplication.CreateBuilder(args);
builder.Services
    .AddVigilCore(builder.Configuration)
    .AddVigilPostgres(builder.Configuration)
    .AddVigilNotifications(builder.Configuration)
    .AddVigilApi()
    .AddVigilLocalHost(builder.Configuration);

var app = builder.Build();
app.MapVigilApi();
app.MapLocalAdmin();
app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in the integration tests.</summary>
public partial class Program;
