namespace Vmspec.Lab.Running;

public enum LabOutcome
{
    /// <summary>The command ran and its exit status came back on the status port.</summary>
    Exited,
    /// <summary>The lab itself failed: QEMU, boot, a module, a mount, a panic or oops, or no status at all.</summary>
    Failed,
    TimedOut,
    /// <summary>The lab kernel fell silent (no heartbeat for <see cref="LabRunOptions.StallAfter"/>) and QEMU was stopped.</summary>
    Stalled,
    Cancelled,
}

/// <summary>How a lab run ended. Only <see cref="LabOutcome.Exited"/> carries the command's status; nothing defaults to 0.</summary>
public sealed record LabResult(
    LabOutcome Outcome,
    int? CommandExitCode,
    string? Error,
    string? KernelRelease,
    string Accel,
    string QemuVersion,
    TimeSpan? BootTime,
    TimeSpan Elapsed,
    IReadOnlyList<string> ConsoleTail)
{
    /// <summary>Exit codes of `vmspec lab` when the command's own status is not known.</summary>
    public const int LabFailedExitCode = 125, TimedOutExitCode = 124, CancelledExitCode = 130;

    public int ExitCode => Outcome switch
    {
        LabOutcome.Exited => CommandExitCode!.Value,
        LabOutcome.TimedOut => TimedOutExitCode,
        LabOutcome.Cancelled => CancelledExitCode,
        _ => LabFailedExitCode,
    };
}
