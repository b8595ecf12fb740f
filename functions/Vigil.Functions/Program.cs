using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Vigil.Functions;
using Vigil.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddVigil(builder.Configuration).AddVigilFunctions(builder.Configuration);
var app = builder.Build();
if (!StartupCheck.Passes(app.Services, Console.Error)) return StartupCheck.ExitCode;
app.Run();
return 0;
