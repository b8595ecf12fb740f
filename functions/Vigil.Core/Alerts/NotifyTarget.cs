namespace Vigil.Core.Alerts;

/// <summary>
/// Someone an escalation level notifies: <c>person:alice</c>, <c>schedule:primary-oncall</c> (its
/// primary at the moment the level is sent) or <c>schedule:primary-oncall:secondary</c>.
/// </summary>
public readonly record struct NotifyTarget(bool IsSchedule, string Name, bool Secondary)
{
    public static bool TryParse(string? text, out NotifyTarget target, out string error)
    {
        target = default;
        error = "";
        var parts = (text ?? "").Split(':');
        var valid = parts switch
        {
            ["person", var name] when Names.IsValid(name) => (target = new NotifyTarget(false, name, false)) == target,
            ["schedule", var name] when Names.IsValid(name) => (target = new NotifyTarget(true, name, false)) == target,
            ["schedule", var name, "secondary"] when Names.IsValid(name) => (target = new NotifyTarget(true, name, true)) == target,
            _ => false,
        };
        if (!valid) error = $"'{text}' is not person:<id>, schedule:<name> or schedule:<name>:secondary.";
        return valid;
    }

    public override string ToString() => IsSchedule ? $"schedule:{Name}{(Secondary ? ":secondary" : "")}" : $"person:{Name}";
}
