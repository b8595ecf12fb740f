namespace Vigil.Functions.Tests;

/// <summary>The real clock, moved forward when a test needs a lease to lapse or a new evaluation minute.</summary>
internal sealed class ShiftedTime : TimeProvider
{
    private TimeSpan _offset;

    public void Advance(TimeSpan by) => _offset += by;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + _offset;
}
