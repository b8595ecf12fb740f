using Vigil.Api;

namespace Vigil.IntegrationTests.Tenancy;

/// <summary>
/// The tenant matrix (<see cref="TenancyMatrix"/>) against the local host, one row per case. Four
/// hundred requests in a few seconds are a load spike; run alone, they cannot push the timing of the
/// escalation tests (seconds between levels) past their bounds on a busy machine.
/// </summary>
[Collection(nameof(TenancyMatrixTests))]
public sealed class TenancyMatrixTests(TenancyWorld world) : IClassFixture<TenancyWorld>
{
    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var c in TenancyMatrix.Cases.Values) data.Add(c.Route, c.Key, c.Subject);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Each_route_answers_each_key_binding_about_each_scope_exactly_as_the_contract_allows(string route, string key, string subject) =>
        TenancyMatrix.Cases[TenancyMatrix.NameOf(route, key, subject)].Run(world);

    [Fact]
    public void The_matrix_covers_every_route_of_the_route_table_and_the_admin_functions_route()
    {
        var covered = TenancyMatrix.Cases.Values.Select(c => c.Route).ToHashSet(StringComparer.Ordinal);
        var routes = ApiRoutes.All.Select(r => $"{r.Method} {r.Template}").Append("POST /admin/functions/{name}");
        Assert.Equal([], routes.Where(r => !covered.Contains(r)).ToArray());
    }
}
