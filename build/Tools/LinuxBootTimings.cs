using System.Globalization;
using Vmspec.Build.Framework;

namespace Vmspec.Build.Tools;

/// <summary>
/// What build/Bench/linux-boot.sh prints in the lab: <c>firmware qboot|default</c> (the BIOS QEMU booted with), then one
/// line per timed process, <c>KERNEL TOOL NANOSECONDS EXIT</c>, TOOL <c>vmspec</c> or <c>qemu</c>. vmspec must exit 0;
/// QEMU exits through isa-debug-exit, which turns /init's status 0 on port 0xEF into exit code (0 &lt;&lt; 1) | 1 = 1, so
/// any other exit (0 after a panic with -no-reboot; 2, the script's code for a console without /init's greeting) means /init
/// was never reached and fails the measurement.
/// </summary>
internal sealed record LinuxBootTimings(string Firmware, IReadOnlyDictionary<(string Kernel, string Tool), Timing> Runs)
{
    public const string Vmspec = "vmspec", Qemu = "qemu";
    public const int QemuExitOnInitDone = 1;

    public IEnumerable<string> Kernels => Runs.Keys.Select(k => k.Kernel).Distinct();

    public static LinuxBootTimings Parse(string text)
    {
        string? firmware = null;
        var samples = new Dictionary<(string, string), List<double>>();
        foreach (var (line, number) in text.Split('\n').Select((l, i) => (l.Trim(), i + 1)).Where(l => l.Item1.Length > 0))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields is ["firmware", var name])
            {
                firmware = name;
                continue;
            }
            if (fields is not [var kernel, var tool and (Vmspec or Qemu), var ns, var exit]
                || !long.TryParse(ns, NumberStyles.None, CultureInfo.InvariantCulture, out var nanoseconds)
                || !int.TryParse(exit, NumberStyles.None, CultureInfo.InvariantCulture, out var code))
                throw new BuildException($"linux-boot timings, line {number}: expected 'KERNEL vmspec|qemu NANOSECONDS EXIT', got '{line}'");
            int expected = tool == Vmspec ? 0 : QemuExitOnInitDone;
            if (code != expected)
                throw new BuildException($"linux-boot timings, line {number}: {tool} booting {kernel} exited with {code}, not {expected}"
                    + (tool == Qemu ? " (isa-debug-exit's code for /init's status 0)" : ""));
            (samples.TryGetValue((kernel, tool), out var list) ? list : samples[(kernel, tool)] = []).Add(nanoseconds / 1e6);
        }
        if (firmware is null)
            throw new BuildException("linux-boot timings: no 'firmware' line");
        return new LinuxBootTimings(firmware, samples.ToDictionary(s => s.Key, s => new Timing(s.Value)));
    }
}
