using Vmspec.Cli.Lab;
using Vmspec.Lab.Qemu;
using Vmspec.Lab.Running;
using Vmspec.Shared.Io;

namespace Vmspec.Cli.Commands;

/// <summary>
/// <c>vmspec lab [--host H] [--accel A] [--timeout T] [--output DIR]... -- COMMAND [ARGS...]</c>: boots a host kernel
/// under QEMU with its KVM loaded, runs COMMAND there in this working directory over a read-only view of this
/// machine's files, streams its output and exits with its exit status (124 timed out, 125 the lab failed, 130 stopped).
/// </summary>
internal static class LabCommand
{
    public static Command Create()
    {
        var host = new Option<string?>("--host") { Description = $"host kernel: a name from {HostKernelsDirectoryHint} or a .yaml file (default: the one marked default)" };
        var accel = new Option<string>("--accel") { Description = "auto (KVM when /dev/kvm offers nested virtualization, else TCG), kvm or tcg", DefaultValueFactory = _ => "auto" };
        var timeout = new Option<string>("--timeout") { Description = "wall-clock limit for boot and command, e.g. 90s, 10m (0: none)", DefaultValueFactory = _ => "30m" };
        var outputs = new Option<string[]>("--output", "-o") { Description = "a folder the command may write (repeatable); everything else is read-only", AllowMultipleArgumentsPerToken = false };
        var memory = new Option<int>("--memory") { Description = "lab VM memory in MiB", DefaultValueFactory = _ => 4096 };
        var append = new Option<string>("--append") { Description = "more lab kernel arguments, e.g. 'loglevel=7 kvm.ignore_msrs=1'", DefaultValueFactory = _ => "" };
        var console = new Option<string?>("--console") { Description = "keep the lab kernel's console log in this file" };
        var command = new Argument<string[]>("command") { Description = "the command and its arguments, after --", Arity = ArgumentArity.OneOrMore };
        var lab = new Command("lab", "Run a command on a host kernel's real KVM, booted under QEMU") { host, accel, timeout, outputs, memory, append, console, command };
        lab.SetAction(async (parse, cancellation) =>
        {
            try
            {
                using var booting = new ProgressLine(Console.Error, Terminal.StandardErrorIsTerminal);
                var options = new LabRunOptions
                {
                    Kernel = await PrepareAsync(parse.GetValue(host), cancellation),
                    Command = parse.GetValue(command)!,
                    WorkingDirectory = Environment.CurrentDirectory,
                    Environment = LabEnvironment.Current(),
                    OutputFolders = parse.GetValue(outputs) ?? [],
                    Accel = LabAccelChoice.Parse(parse.GetValue(accel)!),
                    Timeout = Durations.Parse(parse.GetValue(timeout)!, "--timeout"),
                    MemoryMiB = parse.GetValue(memory),
                    ConsoleLogCopy = parse.GetValue(console),
                    KernelArguments = parse.GetValue(append)!,
                    StandardOutput = Console.OpenStandardOutput(),
                    StandardError = Console.OpenStandardError(),
                    Progress = message =>
                    {
                        booting.Line($"vmspec lab: {message}");
                        // Until the lab is ready, a ticking "booting…" line on a terminal; then the command's own output.
                        booting.Status("lab", message.StartsWith("booting", StringComparison.Ordinal) ? "booting…" : null);
                    },
                };
                var result = await LabRunner.RunAsync(options, cancellation);
                booting.Dispose();
                Report(result);
                return result.ExitCode;
            }
            catch (Exception e) when (e is LabException or FormatException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return LabResult.LabFailedExitCode;
            }
        });
        return lab;
    }

    private const string HostKernelsDirectoryHint = "specs/hosts";

    private static async Task<Vmspec.Lab.Kernels.LabKernel> PrepareAsync(string? host, CancellationToken cancellation) =>
        await HostKernels.PrepareAsync(HostKernels.Find(host), message => Console.Error.WriteLine($"vmspec lab: {message}"), cancellation);

    private static void Report(LabResult result)
    {
        if (result.Outcome == LabOutcome.Exited)
        {
            Console.Error.WriteLine($"vmspec lab: {result.KernelRelease} ({result.Accel}): exit {result.ExitCode} after {result.Elapsed.TotalSeconds:F1} s"
                + (result.BootTime is { } boot ? $" (boot {boot.TotalSeconds:F1} s)" : ""));
            return;
        }
        Console.Error.WriteLine($"error: {result.Error}");
        if (result.ConsoleTail.Count > 0)
        {
            Console.Error.WriteLine("vmspec lab: the lab kernel's console ended with:");
            foreach (string line in result.ConsoleTail)
                Console.Error.WriteLine($"  | {line}");
        }
    }
}
