using Vigil.Api;
using Vigil.Hosting;
using Vigil.LocalHost;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddVigil(builder.Configuration).AddVigilLocalHost(builder.Configuration).AddVigilTelemetry(builder.Configuration);

var app = builder.Build();
if (!StartupCheck.Passes(app.Services, Console.Error)) return StartupCheck.ExitCode;
app.UseProblemResponses();
app.MapVigilApi();
app.MapLocalAdmin();
app.Run();
return 0;

/// <summary>Entry point, visible to WebApplicationFactory in the integration tests.</summary>
public partial class Program;
