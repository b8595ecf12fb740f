using Vigil.Core.Jobs;

namespace Vigil.Core.Tests.Fakes;

internal sealed class FakeRetentionStore : IRetentionStore
{
    public RetentionReport Report { get; set; } = new(0, 0, 0, 0, 0);

    public List<RetentionCutoffs> Applied { get; } = [];

    public Task<RetentionReport> ApplyAsync(RetentionCutoffs cutoffs, CancellationToken cancellationToken)
    {
        Applied.Add(cutoffs);
        return Task.FromResult(Report);
    }
}
