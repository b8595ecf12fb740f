using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Vigil.Functions;
using Vigil.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddVigil(builder.Configuration).AddVigilFunctions(builder.Configuration);
builder.Build().Run();
