namespace Vmspec.Lab.Running;

/// <summary>What the lab kernel's console (ttyS0) says about the run: a panic or oops, and the init's own errors.</summary>
public static class ConsoleLog
{
    private static readonly string[] CrashMarkers =
        ["Kernel panic - not syncing", "Oops:", "BUG:", "kernel BUG at", "general protection fault", "Unable to handle kernel"];

    public static IReadOnlyList<string> ReadLines(string path)
    {
        if (!File.Exists(path))
            return [];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Replace("\r", "", StringComparison.Ordinal).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>The first line that shows the kernel crashed, or null.</summary>
    public static string? FindCrash(IEnumerable<string> lines) =>
        lines.FirstOrDefault(line => CrashMarkers.Any(marker => line.Contains(marker, StringComparison.Ordinal)));

    /// <summary>What to show of the console: from the crash on when there is one, else its last lines.</summary>
    public static IReadOnlyList<string> Excerpt(IReadOnlyList<string> lines, int count)
    {
        int crash = lines.ToList().FindIndex(line => FindCrash([line]) is not null);
        int start = crash >= 0 ? crash : Math.Max(0, lines.Count - count);
        return lines.Skip(start).Take(count).ToArray();
    }
}
