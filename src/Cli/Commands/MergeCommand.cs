using Vmspec.Cli.Verification;

namespace Vmspec.Cli.Commands;

/// <summary>
/// <c>vmspec merge RESULTS.json... [-o DIR] [--expect N]</c>: joins the results.json of <c>verify --shard I/N</c> runs into the
/// results.json, junit.xml and report.html that one unsharded verify of the same matrix writes (<see cref="ResultsMerger"/>),
/// prints the table, and exits as verify does; 2 when the inputs are refused.
/// </summary>
internal static class MergeCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("results") { Description = "the shards' results.json files", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string?>("--output", "-o") { HelpName = "DIR", Description = "directory to write the merged results.json, junit.xml and report.html into" };
        var expect = new Option<int?>("--expect")
        {
            HelpName = "N",
            Description = "the shards' N: a shard whose results are missing or unreadable then fails its (case, host) "
                + "pairs with the reason instead of refusing the merge",
        };
        var fault = new Option<string[]>("--fault")
        {
            HelpName = "I=WHY",
            Description = "with --expect: what happened to shard I (e.g. 'its container was killed after the 20 min timeout'), "
                + "said in the failure of its pairs when its results are missing or unreadable; repeatable",
        };
        var json = new Option<bool>("--json") { Description = "print the merged results.json to standard output instead of the table" };
        var allowNothingRan = new Option<bool>(ExitCodes.AllowNothingRanOption) { Description = "exit 0, not 4, when every case was skipped on every host" };
        var command = new Command("merge", "Join the results of verify --shard I/N runs into one results.json, junit.xml and report.html" + MergeHelpText + ExitCodes.HelpText)
        {
            inputs, output, expect, fault, json, allowNothingRan,
        };
        command.SetAction(parse => Run(parse.GetValue(inputs)!, parse.GetValue(output), parse.GetValue(expect), parse.GetValue(fault) ?? [],
            parse.GetValue(json), parse.GetValue(allowNothingRan)));
        return command;
    }

    private static (int Index, string Why)? ParseFault(string option) =>
        option.Split('=', 2) is [var index, { Length: > 0 } why] && int.TryParse(index, System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var i) && i >= 1
            ? (i, why)
            : null;

    private const string MergeHelpText = """


        The shards must come from one matrix (the same specs, plans and hosts), one vmspec build and one N, each shard once.
        Without --expect, a missing or unreadable shard is refused (exit 2); with --expect N, its pairs fail with the reason
        (exit 1), and --fault I=WHY adds what happened to shard I. Re-run a shard and merge again with its new results.json to
        replace its part.
        """;

    private static int Run(string[] paths, string? outputDirectory, int? expect, string[] faultOptions, bool json, bool allowNothingRan)
    {
        if (expect is < 1)
        {
            Console.Error.WriteLine($"error: --expect {expect}: the number of shards must be at least 1");
            return ExitCodes.Usage;
        }
        var faults = new Dictionary<int, string>();
        foreach (var option in faultOptions)
        {
            if (expect is null || ParseFault(option) is not var (index, why) || !faults.TryAdd(index, why))
            {
                Console.Error.WriteLine(expect is null
                    ? $"error: --fault {option}: only a merge with --expect N reports faults"
                    : $"error: --fault {option}: expected I=WHY, I a shard from 1 given once, WHY not empty");
                return ExitCodes.Usage;
            }
        }
        var resultsPath = outputDirectory is null ? null : Path.GetFullPath(Path.Combine(outputDirectory, ResultsDirectory.ResultsFile));
        if (resultsPath is not null && paths.Any(p => Path.GetFullPath(p) == resultsPath))
        {
            Console.Error.WriteLine($"error: -o {outputDirectory} would overwrite the input {resultsPath}");
            return ExitCodes.Usage;
        }
        VerifyReport report;
        try
        {
            report = ResultsMerger.Merge(paths.Select(ShardFile.Read).ToList(), expect, faults);
        }
        catch (MergeRefusedException e)
        {
            Console.Error.WriteLine($"error: vmspec merge: {e.Message}");
            return ExitCodes.Usage;
        }

        if (outputDirectory is not null)
            ResultsDirectory.Write(outputDirectory, report);
        if (json)
        {
            JsonOutput.Print(ResultsJsonWriter.Write(report));
        }
        else
        {
            ResultTable.Write(report, Console.Out);
            Console.WriteLine(report.CountsLine);
        }
        return ExitCodes.Of(report, allowNothingRan, Console.Error);
    }
}
