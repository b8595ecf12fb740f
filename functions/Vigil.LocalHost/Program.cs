using Vigil.Api;
using Vigil.Hosting;
using Vigil.LocalHost;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddVigil(builder.Configuration).AddVigilLocalHost(builder.Configuration);

var app = builder.Build();
app.UseProblemResponses();
app.MapVigilApi();
app.MapLocalAdmin();
app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in the integration tests.</summary>
public partial class Program;
