using Vmspec.Lab.Kernels;
using Vmspec.Lab.Qemu;

namespace Vmspec.Lab.Running;

/// <summary>One command to run in the lab.</summary>
public sealed record LabRunOptions
{
    public required LabKernel Kernel { get; init; }
    public required IReadOnlyList<string> Command { get; init; }
    /// <summary>Where the command starts, as an absolute host path (the same path inside the lab).</summary>
    public required string WorkingDirectory { get; init; }
    public required IReadOnlyDictionary<string, string> Environment { get; init; }
    /// <summary>Host folders the command may write (created if missing); everything else is read-only.</summary>
    public IReadOnlyList<string> OutputFolders { get; init; } = [];
    public LabAccel Accel { get; init; } = LabAccel.Auto;
    /// <summary>Wall-clock limit for the whole run, boot included; null for none.</summary>
    public TimeSpan? Timeout { get; init; }
    /// <summary>
    /// How long the lab kernel may go without a status line (it beats every few seconds) before the run is stopped as
    /// stalled; null never (and no nudge either: see <see cref="LabRunner.NudgeAfter"/>). A lab whose kernel has
    /// stopped would otherwise only waste the timeout.
    /// </summary>
    public TimeSpan? StallAfter { get; init; } = TimeSpan.FromSeconds(60);
    public int MemoryMiB { get; init; } = 4096;
    /// <summary>Where the command's stdout and stderr are streamed, as they arrive.</summary>
    public Stream? StandardOutput { get; init; }
    public Stream? StandardError { get; init; }
    /// <summary>Appended to the lab kernel's command line (e.g. loglevel=7, kvm.ignore_msrs=1): later arguments win.</summary>
    public string KernelArguments { get; init; } = "";
    /// <summary>Where to keep a copy of the lab kernel's console log; null to keep none.</summary>
    public string? ConsoleLogCopy { get; init; }
    /// <summary>Phases of the run, for progress lines.</summary>
    public Action<string>? Progress { get; init; }
}
