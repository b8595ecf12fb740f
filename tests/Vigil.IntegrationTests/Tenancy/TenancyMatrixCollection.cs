namespace Vigil.IntegrationTests.Tenancy;

/// <summary>The matrix runs after the parallel collections, on its own (see <see cref="TenancyMatrixTests"/>).</summary>
[CollectionDefinition(nameof(TenancyMatrixTests), DisableParallelization = true)]
public sealed class TenancyMatrixCollection;
