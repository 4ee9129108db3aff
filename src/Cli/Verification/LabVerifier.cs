using System.Globalization;
using System.Text.RegularExpressions;
using Vmspec.Cli.Lab;
using Vmspec.Cli.Sharding;
using Vmspec.Lab.Kernels;
using Vmspec.Lab.Qemu;
using Vmspec.Lab.Running;
using Vmspec.SpecCompiler.Model;

namespace Vmspec.Cli.Verification;

/// <summary>What the lab runs on each host: this same vmspec, <c>verify --host native</c> over the same specs.</summary>
internal sealed record LabVerifyRequest
{
    /// <summary>The spec files and folders, absolute: the lab sees this machine's files at the same paths.</summary>
    public required IReadOnlyList<string> SpecPaths { get; init; }
    public string? Glob { get; init; }
    public required int Jobs { get; init; }
    /// <summary>The cases selected here: each is reported on every host, whatever the lab brings back.</summary>
    public required IReadOnlyList<CompiledCase> Cases { get; init; }
    /// <summary>A shard's part, by host name: each host runs only these (named to the inner verify); null: every host runs <see cref="Cases"/>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<CompiledCase>>? ShardCases { get; init; }
    public LabAccel Accel { get; init; } = LabAccel.Auto;
    public TimeSpan? Timeout { get; init; }
    public string WorkingDirectory { get; init; } = Environment.CurrentDirectory;

    /// <summary>Hidden option of verify: only the cases of these exact names (a shard's part on one host).</summary>
    public const string CaseOption = "--case";

    public IReadOnlyList<CompiledCase> CasesOn(string host) => ShardCases is null ? Cases : ShardCases[host];

    /// <summary>The command that runs inside the lab on <paramref name="host"/>, writing its results into <paramref name="resultsFolder"/>.</summary>
    public IReadOnlyList<string> InnerCommand(IReadOnlyList<string> vmspec, string resultsFolder, string host)
    {
        var command = new List<string>(vmspec) { "verify" };
        command.AddRange(SpecPaths);
        command.AddRange(["--host", HostInfo.NativeName]);
        if (ShardCases is not null)
            command.AddRange(CasesOn(host).SelectMany(c => (string[])[CaseOption, c.Name]));
        else if (!string.IsNullOrEmpty(Glob))
            command.AddRange(["--spec", Glob]);
        command.AddRange(["--jobs", Jobs.ToString(CultureInfo.InvariantCulture), "--results", resultsFolder]);
        return command;
    }
}

/// <summary>
/// Verifies on host kernels in the lab: each host's kernel is prepared, then the lab boots it and runs the inner
/// verify, at most <see cref="MaxLabs"/> lab VMs at once (one per core: each has one vCPU). The inner run's progress
/// lines are streamed prefixed with the host name; its results.json comes back through a private output folder, which
/// is removed on every path. Runs come back in host name order.
/// </summary>
internal sealed partial class LabVerifier(TextWriter progress)
{
    private readonly Lock _progressLock = new();

    public int MaxLabs { get; init; } = Environment.ProcessorCount;
    /// <summary>
    /// A lab that stalls (its kernel fell silent: an emulator fault, not a verdict) is booted again this many times; the
    /// results count the stalls. The inner verify writes results.json only at its end, so a stalled run leaves none behind.
    /// </summary>
    public int MaxStallRetries { get; init; } = 1;
    public IReadOnlyList<string> Vmspec { get; init; } = VmspecExecutable.Command();
    public Func<IReadOnlyDictionary<string, string>> CommandEnvironment { get; init; } = LabEnvironment.Current;
    public Func<HostKernelSpec, Action<string>, CancellationToken, Task<LabKernel>> PrepareKernel { get; init; } = HostKernels.PrepareAsync;
    public Func<LabRunOptions, CancellationToken, Task<LabResult>> RunLab { get; init; } = LabRunner.RunAsync;
    /// <summary>Told what each host's lab is doing (booting, N/M cases; null when done): the updating line on a terminal.</summary>
    public Action<string, string?>? Status { get; init; }

    public async Task<IReadOnlyList<HostRun>> RunAsync(IReadOnlyList<HostKernelSpec> hosts, LabVerifyRequest request, CancellationToken cancellationToken)
    {
        using var slots = new SemaphoreSlim(Math.Max(1, MaxLabs));
        var runs = await Task.WhenAll(hosts.Select(host => Task.Run(() => RunHostAsync(host, request, slots, cancellationToken), CancellationToken.None)));
        return runs.OrderBy(r => r.Host.Name, StringComparer.Ordinal).ToList();
    }

    private async Task<HostRun> RunHostAsync(HostKernelSpec host, LabVerifyRequest request, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        void Say(string line)
        {
            lock (_progressLock)
                progress.WriteLine($"[{host.Name}] {line}");
        }
        void SayInner(string line)
        {
            Say(line);
            // The inner verify's "[ N/M] passed NAME" lines tell how far the lab has got.
            if (InnerCaseProgress().Match(line) is { Success: true } done)
                Status?.Invoke(host.Name, $"verify: {done.Groups[1].Value}/{done.Groups[2].Value} cases…");
        }
        void SayLab(string message)
        {
            Say($"lab: {message}");
            Status?.Invoke(host.Name, message.StartsWith("booting", StringComparison.Ordinal) ? "booting…" : "running…");
        }

        LabKernel kernel;
        try
        {
            kernel = await PrepareKernel(host, Say, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return LabHostResults.NotRun(host.Name, "cancelled before the lab started", request.CasesOn(host.Name));
        }
        catch (Exception e) when (e is LabException or IOException or UnauthorizedAccessException)
        {
            Say($"error: {e.Message}");
            return LabHostResults.NotRun(host.Name, $"cannot prepare host kernel {host.Name}: {e.Message}", request.CasesOn(host.Name));
        }

        try
        {
            await slots.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return LabHostResults.NotRun(host.Name, "cancelled before the lab started", request.CasesOn(host.Name));
        }
        DirectoryInfo? folder = null;
        try
        {
            folder = Directory.CreateTempSubdirectory("vmspec-verify-");
            LabResult lab;
            int stalls = 0;
            while (true)
            {
                using (var stderr = new LineStream(SayInner))
                {
                    lab = await RunLab(new LabRunOptions
                    {
                        Kernel = kernel,
                        Command = request.InnerCommand(Vmspec, folder.FullName, host.Name),
                        WorkingDirectory = request.WorkingDirectory,
                        Environment = WithoutShard(CommandEnvironment()),
                        OutputFolders = [folder.FullName],
                        Accel = request.Accel,
                        Timeout = request.Timeout,
                        StandardOutput = null, // the inner table: everything in it is in results.json
                        StandardError = stderr,
                        Progress = SayLab,
                    }, cancellationToken);
                }
                if (lab.Outcome != LabOutcome.Stalled || stalls == MaxStallRetries)
                    break;
                stalls++;
                Say($"lab stalled: {lab.Error}; booting it again ({stalls} of {MaxStallRetries})");
            }
            var resultsPath = Path.Combine(folder.FullName, "results.json");
            var resultsJson = lab.Outcome == LabOutcome.Exited && File.Exists(resultsPath) ? await File.ReadAllBytesAsync(resultsPath, CancellationToken.None) : null;
            var run = LabHostResults.Create(host.Name, lab, resultsJson, request.CasesOn(host.Name), stalls);
            Say(run.Host.LabFailure is { } failure
                ? $"lab {failure.Kind}: {failure.Error}"
                : $"lab: {run.Host.KernelRelease} ({run.Host.Accel}): {run.CountsLine} in {lab.Elapsed.TotalSeconds:F1} s"
                  + (lab.BootTime is { } boot ? $" (boot {boot.TotalSeconds:F1} s)" : ""));
            return run;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return LabHostResults.NotRun(host.Name, "cancelled before the lab started", request.CasesOn(host.Name));
        }
        catch (Exception e) when (e is LabException or IOException or UnauthorizedAccessException)
        {
            Say($"error: {e.Message}");
            return LabHostResults.NotRun(host.Name, e.Message, request.CasesOn(host.Name));
        }
        finally
        {
            Status?.Invoke(host.Name, null);
            slots.Release();
            if (folder is not null)
                Delete(folder);
        }
    }

    /// <summary>The outer verify's environment less VMSPEC_SHARD: the inner verify runs the cases it is named, unsharded.</summary>
    private static IReadOnlyDictionary<string, string> WithoutShard(IReadOnlyDictionary<string, string> environment) =>
        environment.Where(e => e.Key != ShardSpec.EnvironmentVariable).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);

    [GeneratedRegex(@"^\[\s*(\d+)/(\d+)\] ")]
    private static partial Regex InnerCaseProgress();

    private static void Delete(DirectoryInfo folder)
    {
        try
        {
            folder.Delete(recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
