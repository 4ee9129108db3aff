using System.Text.Json;
using System.Text.Json.Nodes;
using Vmspec.Shared.Io;

namespace Vmspec.Build.Tools;

/// <summary>
/// One artifacts/bench/AREA.json: named figures (value, unit), ratios against a baseline measured in
/// the same run with the issue's goal, and skipped figures with their reason. Printed as a table too.
/// </summary>
internal sealed class BenchReport(string area)
{
    private readonly JsonObject _figures = [];
    private readonly JsonObject _ratios = [];
    private readonly JsonObject _skipped = [];
    private readonly List<string> _lines = [];

    public void Figure(string name, double value, string unit)
    {
        _figures[name] = new JsonObject { ["value"] = Math.Round(value, 3), ["unit"] = unit };
        _lines.Add($"  {name,-48} {value,12:0.###} {unit}");
    }

    public void Figure(string name, Timing timing)
    {
        _figures[name] = new JsonObject
        {
            ["median"] = Math.Round(timing.Median, 3),
            ["p99"] = Math.Round(timing.Percentile(99), 3),
            ["min"] = Math.Round(timing.Min, 3),
            ["runs"] = timing.Milliseconds.Count,
            ["unit"] = "ms",
        };
        _lines.Add($"  {name,-48} {timing.Median,12:0.###} ms median ({timing.Milliseconds.Count} runs, p99 {timing.Percentile(99):0.###})");
    }

    /// <summary>Records ours / baseline with the goal it is held to and whether it was met.</summary>
    public void Ratio(string name, double ours, double baseline, string goal, bool met)
    {
        var ratio = ours / baseline;
        _ratios[name] = new JsonObject
        {
            ["ours"] = Math.Round(ours, 3),
            ["baseline"] = Math.Round(baseline, 3),
            ["ratio"] = Math.Round(ratio, 3),
            ["goal"] = goal,
            ["met"] = met,
        };
        _lines.Add($"  {name,-48} {ratio,12:0.###}x  goal {goal}: {(met ? "met" : "NOT met")}");
    }

    /// <summary>Records an absolute figure held to a goal (e.g. "under 100 ms").</summary>
    public void Goal(string name, double value, string unit, string goal, bool met)
    {
        _ratios[name] = new JsonObject { ["value"] = Math.Round(value, 3), ["unit"] = unit, ["goal"] = goal, ["met"] = met };
        _lines.Add($"  {name,-48} {value,12:0.###} {unit}  goal {goal}: {(met ? "met" : "NOT met")}");
    }

    public void Skip(string name, string reason)
    {
        _skipped[name] = reason;
        _lines.Add($"  {name,-48} skipped: {reason}");
    }

    public void Write(string directory)
    {
        var document = new JsonObject
        {
            ["area"] = area,
            ["host"] = new JsonObject
            {
                ["kernel"] = Environment.OSVersion.VersionString,
                ["processors"] = Environment.ProcessorCount,
                ["kvm"] = File.Exists("/dev/kvm"),
            },
            ["figures"] = _figures,
            ["ratios"] = _ratios,
            ["skipped"] = _skipped,
        };
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{area}.json");
        AtomicFile.Write(path, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        Console.WriteLine($"{area} ({Path.GetRelativePath(Environment.CurrentDirectory, path)}):");
        foreach (var line in _lines)
            Console.WriteLine(line);
    }
}
