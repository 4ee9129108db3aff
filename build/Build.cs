using Vmspec.Build.Framework;
using Vmspec.Build.Tools;

namespace Vmspec.Build;

/// <summary>vmspec's build targets. Run <c>./build.sh --help</c> for the list.</summary>
internal sealed partial class Build
{
    public static Task<int> Main(string[] args) =>
        BuildRunner.RunAsync(new Build(), args, nameof(Compile), Console.Out, Environment.GetEnvironmentVariable);

    [Parameter("Build configuration")]
    public string Configuration { get; set; } = "Release";

    private static string Root { get; } = RepositoryRoot.Find();
    private static string Artifacts => Path.Combine(Root, "artifacts");
    private static string Solution => Path.Combine(Root, "vmspec.slnx");

    private Target Restore => _ => _
        .Description("Restore NuGet packages")
        .Executes(() => Dotnet("restore", Solution));

    private Target Compile => _ => _
        .Description("Build every project")
        .DependsOn(Restore)
        .Executes(() => Dotnet("build", Solution, "-c", Configuration, "--no-restore"));

    private Target Test => _ => _
        .Description("Run all tests; ends with 'N passed, M failed, K skipped' (the image tests use the published vmspec)")
        .DependsOn(Compile, FetchKernels, Publish)
        .Executes(RunTestsAsync);

    private Target Publish => _ => _
        .Description("NativeAOT vmspec into artifacts/bin/vmspec")
        .DependsOn(Restore)
        .Executes(() => Dotnet("publish", Path.Combine(Root, "src", "Cli", "Cli.csproj"), "-c", "Release",
            "-r", "linux-x64", "-o", Path.Combine(Artifacts, "bin")));

    private async Task RunTestsAsync()
    {
        var results = Path.Combine(Artifacts, "test-results");
        if (Directory.Exists(results))
            Directory.Delete(results, recursive: true);
        var exitCode = await ProcessRunner.RunForExitCodeAsync("dotnet",
            ["test", "--solution", Solution, "-c", Configuration, "--no-build", "--report-xunit-trx",
             "--results-directory", results], Root);
        var trx = Directory.Exists(results) ? Directory.GetFiles(results, "*.trx", SearchOption.AllDirectories) : [];
        var summary = TrxSummary.Read(trx);
        Console.WriteLine();
        foreach (var group in summary.SkippedTests.GroupBy(s => s.Reason).OrderBy(g => g.Key, StringComparer.Ordinal))
            Console.WriteLine($"skipped {group.Count(),3}: {group.Key}");
        foreach (var (test, message) in summary.FailedTests)
            Console.WriteLine($"FAILED: {test}: {message}");
        Console.WriteLine(summary.CountsLine);
        if (summary.Failed > 0 || exitCode != 0 || trx.Length == 0)
            throw new BuildException($"tests failed ({summary.CountsLine}; dotnet test exit code {exitCode})");
    }

    private static Task Dotnet(params string[] arguments) => ProcessRunner.RunAsync("dotnet", arguments, Root);
}
