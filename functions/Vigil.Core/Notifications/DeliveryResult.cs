using Vigil.Core.Alerts;

namespace Vigil.Core.Notifications;

/// <summary>How one send to one channel ended, after its retries.</summary>
public sealed record DeliveryResult(DeliveryStatus Status, int Attempts, string? Error);
