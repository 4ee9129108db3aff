using System.Diagnostics;
using Vmspec.TestSupport;

namespace Vmspec.Cli.Tests.Support;

/// <summary>Runs the built <c>vmspec</c> as a user would, from the repository root.</summary>
internal static class CliProcess
{
    public sealed record Output(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
    }

    /// <summary>Runs <c>vmspec ARGS</c>; <paramref name="environment"/> entries override the test's own.</summary>
    public static async Task<Output> RunAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = TestRepository.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "vmspec.dll"));
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return new Output(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Hides this machine's /dev/kvm from the run, so every KVM case is skipped.</summary>
    public static readonly IReadOnlyDictionary<string, string> WithoutKvm =
        new Dictionary<string, string> { ["VMSPEC_KVM_DEVICE"] = "/nonexistent/kvm" };
}
