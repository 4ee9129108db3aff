using System.Text.RegularExpressions;
using Vmspec.Lab.Qemu;

namespace Vmspec.Lab.Running;

/// <summary>
/// What the lab's CPU was doing when the lab was stopped: the lines of QEMU's "info registers" and "info lapic" that tell
/// a halted CPU (HLT=1) from a busy one and a dead APIC timer (nothing counting, nothing pending) from a live one.
/// </summary>
public static partial class CpuSnapshot
{
    internal static readonly string[] MonitorCommands = ["info registers", "info lapic"];

    private static readonly string[] LapicLines = ["LVTT ", "Timer ", "ISR ", "IRR ", "APR "];

    /// <summary>"its CPU then: RIP=… HLT=1 | LVTT … | Timer … | ISR … | IRR … | APR …", or why QEMU could not say.</summary>
    public static async Task<string> TakeAsync(string monitorSocket)
    {
        var (outputs, error) = await QemuMonitor.TryHumanCommandsAsync(monitorSocket, MonitorCommands).ConfigureAwait(false);
        return outputs is null ? $"its CPU state is unknown: {error}" : $"its CPU then: {Summarize(outputs)}";
    }

    internal static string Summarize(IEnumerable<string> monitorOutputs) => string.Join(" | ", monitorOutputs
        .SelectMany(output => output.Split('\n'))
        .Select(line => Spaces().Replace(line.Trim(), " "))
        .Where(line => line.Contains("IP=", StringComparison.Ordinal) || LapicLines.Any(p => line.StartsWith(p, StringComparison.Ordinal))));

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
