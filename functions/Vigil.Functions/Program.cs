using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Vigil.Api;
using Vigil.Core;
using Vigil.Functions;
using Vigil.Notifications;
using Vigil.Postgres;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services
    .AddVigilCore(builder.Configuration)
    .AddVigilPostgres(builder.Configuration)
    .AddVigilNotifications(builder.Configuration)
    .AddVigilApi()
    .AddVigilFunctions(builder.Configuration);

builder.Build().Run();
