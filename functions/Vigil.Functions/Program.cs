using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Vigil.Api;
using Vigil.Core;
using Vigil.Postgres;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services
    .AddVigilCore(builder.Configuration)
    .AddVigilPostgres(builder.Configuration)
    .AddVigilApi();

builder.Build().Run();
