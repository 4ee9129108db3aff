using System.Collections.Concurrent;
using Vmspec.Build.Framework;
using Vmspec.Build.Tools;

namespace Vmspec.Build;

internal sealed partial class Build
{
    /// <summary>The skip reason of every test that needs /dev/kvm (tests/TestSupport/KvmRequirement.cs).</summary>
    private const string KvmSkipPrefix = "KVM unavailable";

    [Parameter("Host kernel the KVM tests run on when this machine has no usable /dev/kvm (Test; default: specs/hosts' default)")]
    public string LabHost { get; set; } = "";

    [Parameter("Where the KVM tests run (Test): auto (this machine's /dev/kvm when usable, else the lab) or lab")]
    public string Kvm { get; set; } = "auto";

    /// <summary>Set for the host test run by --kvm lab: a KVM device that does not exist, so the KVM tests skip there.</summary>
    private const string KvmDeviceVariable = "VMSPEC_KVM_DEVICE", HiddenKvmDevice = "/nonexistent/kvm-left-to-the-lab";

    private Target Test => _ => _
        .Description("Run all tests; those that need KVM run again in the lab when /dev/kvm is missing; ends with 'N passed, M failed, K skipped'")
        .DependsOn(Compile, FetchKernels, Publish)
        .Executes(RunTestsAsync);

    private static string TestResults => Path.Combine(Artifacts, "test-results");

    private async Task RunTestsAsync()
    {
        if (Kvm is not ("auto" or "lab"))
            throw new BuildException($"--kvm {Kvm}: expected auto or lab");
        if (Directory.Exists(TestResults))
            Directory.Delete(TestResults, recursive: true);
        await DebianPackages.EnsureReportBrowserAsync(); // without it those tests skip, naming the package
        var exitCode = await ProcessRunner.RunForExitCodeAsync("dotnet",
            ["test", "--solution", Solution, "-c", Configuration, "--no-build", "--report-xunit-trx",
             "--results-directory", Path.Combine(TestResults, "host")], Root,
            Kvm == "lab" ? new Dictionary<string, string> { [KvmDeviceVariable] = HiddenKvmDevice } : null);
        var tests = TrxTest.Read(TrxFiles(Path.Combine(TestResults, "host")));
        if (tests.Count == 0)
            throw new BuildException($"dotnet test reported no test (exit code {exitCode})");

        var needKvm = tests.Where(t => t.Outcome == TestOutcome.Skipped && t.Text.StartsWith(KvmSkipPrefix, StringComparison.Ordinal)).ToList();
        if (needKvm.Count > 0 && await DebianPackages.EnsureLabAsync())
        {
            Console.WriteLine($"\n{needKvm.Count} test(s) need KVM, which this machine lacks: running them in the lab");
            var fromLab = await RunInLabAsync(needKvm);
            var rerun = fromLab.Select(t => (t.Assembly, t.TestName)).ToHashSet();
            tests = [.. tests.Where(t => !rerun.Contains((t.Assembly, t.TestName))), .. fromLab];
        }

        var summary = TrxSummary.Of(tests);
        Console.WriteLine();
        foreach (var group in summary.SkippedTests.GroupBy(s => s.Reason).OrderBy(g => g.Key, StringComparer.Ordinal))
            Console.WriteLine($"skipped {group.Count(),3}: {group.Key}");
        foreach (var (test, message) in summary.FailedTests)
            Console.WriteLine($"FAILED: {test}: {message}");
        Console.WriteLine(summary.CountsLine);
        if (summary.Failed > 0)
            throw new BuildException($"tests failed ({summary.CountsLine}; dotnet test exit code {exitCode})");
    }

    /// <summary>
    /// Runs the given tests in the lab, one lab VM per test app, at most one per core, each test app as it is with a
    /// method filter. A test app whose lab run brings back no report yields a failed result per test, never a skip.
    /// </summary>
    private async Task<IReadOnlyList<TrxTest>> RunInLabAsync(IReadOnlyList<TrxTest> tests)
    {
        var results = new ConcurrentBag<TrxTest>();
        var apps = tests.GroupBy(t => t.Assembly).OrderBy(g => g.Key, StringComparer.Ordinal);
        await Parallel.ForEachAsync(apps, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, async (app, _) =>
        {
            string name = Path.GetFileNameWithoutExtension(app.Key);
            string output = Path.Combine(TestResults, "lab", name);
            List<string> arguments = ["lab", "--output", output, "--timeout", "20m"];
            if (LabHost.Length > 0)
                arguments.AddRange(["--host", LabHost]);
            // The test app's own in-process runner (no dotnet test, no SDK: the JIT is slow under TCG).
            arguments.AddRange(["--", Path.ChangeExtension(app.Key, null), "-noColor", "-result-trx", Path.Combine(output, $"{name}.trx")]);
            foreach (string method in app.Select(t => $"{t.ClassName}.{t.Method}").Distinct().Order(StringComparer.Ordinal))
                arguments.AddRange(["-method", method]);
            int exitCode = await ProcessRunner.RunPrefixedAsync(Vmspec, arguments, Root, $"[lab {name}] ");
            var reported = TrxTest.Read(TrxFiles(output));
            var missing = app.Where(t => !reported.Any(r => r.TestName == t.TestName));
            foreach (var test in reported)
                results.Add(test with { Assembly = app.Key });
            foreach (var test in missing)
                results.Add(test with { Outcome = TestOutcome.Failed, Text = $"did not run in the lab (vmspec lab exit code {exitCode}; see the [lab {name}] lines)" });
        });
        return [.. results.OrderBy(t => t.TestName, StringComparer.Ordinal)];
    }

    private static string[] TrxFiles(string directory) =>
        Directory.Exists(directory) ? Directory.GetFiles(directory, "*.trx", SearchOption.AllDirectories) : [];
}
