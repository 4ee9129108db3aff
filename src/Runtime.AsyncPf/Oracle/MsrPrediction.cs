using System.Globalization;

namespace Vmspec.Runtime.AsyncPf.Oracle;

/// <summary>What KVM must answer to one access, and the rules that say so.</summary>
public sealed record MsrPrediction(bool GeneralProtection, ulong? ReadValue, bool QueuesWakeupAll, IReadOnlyList<HostRule> Because)
{
    public static MsrPrediction Fault(params HostRule[] because) => new(true, null, false, because);

    public static MsrPrediction Accepted(params HostRule[] because) => new(false, null, false, because);

    public static MsrPrediction Reads(ulong value, params HostRule[] because) => new(false, value, false, because);

    /// <summary>The outcome as the guest reports it: <c>#GP</c>, <c>accepted</c> or <c>0x...</c> for a read.</summary>
    public string Outcome => GeneralProtection ? "#GP"
        : ReadValue is { } value ? $"0x{value.ToString("x", CultureInfo.InvariantCulture)}"
        : "accepted";
}
