using System.Diagnostics;
using System.Text.Json;
using Vmspec.Abi.Kvm;
using Vmspec.Plans;
using Vmspec.Runtime.AsyncPf.Bench;
using Vmspec.Runtime.AsyncPf.Programs;
using Vmspec.Runtime.Boot;
using Vmspec.Runtime.Building;
using Vmspec.Runtime.Host;
using Vmspec.Runtime.Kvm;
using Vmspec.Runtime.Selftesting;
using Vmspec.Runtime.X86;

namespace Vmspec.Cli.Commands;

/// <summary>
/// <c>vmspec bench AREA</c> (hidden; called by <c>./build.sh Bench</c>): in-process measurements that
/// a process timer cannot make, printed as one JSON object of millisecond samples.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "In-process measurements for ./build.sh Bench") { Hidden = true };
        var runs = new Option<int>("--runs") { DefaultValueFactory = _ => 50 };
        var specs = new Argument<string>("specs") { DefaultValueFactory = _ => "specs" };
        var compile = new Command("compile", "Compile every spec under a directory, repeatedly") { specs, runs };
        compile.SetAction(parse => Measure(() => Print(CompileSamples(parse.GetValue(specs)!, parse.GetValue(runs)))));
        command.Subcommands.Add(compile);
        var runtime = new Command("runtime", "Create-VM-to-verdict time of the minimal guest") { runs };
        runtime.SetAction(parse => Measure(() => Print(RuntimeSamples(parse.GetValue(runs)))));
        command.Subcommands.Add(runtime);
        var faultCount = new Option<int>("--faults") { DefaultValueFactory = _ => 1000 };
        var faults = new Command("faults", "Per-fault cost and 'page not present' to 'page ready' latency of async #PFs resolved at once") { faultCount };
        faults.SetAction(parse => Measure(() => PrintFaults(FaultReport(parse.GetValue(faultCount)))));
        command.Subcommands.Add(faults);
        command.Subcommands.Add(LinuxBootCommand());
        return command;
    }

    private static Command LinuxBootCommand()
    {
        var kernel = new Option<string>("--kernel") { Required = true, Description = "The bzImage to boot" };
        var initramfsOut = new Option<string?>("--initramfs-out") { Description = "Where to write the initramfs booted, so QEMU can boot the same bytes" };
        var consoleOut = new Option<string?>("--console-out") { Description = "Where to write the last boot's console, with its KVM_RUN exit count last" };
        var entry = new Option<string>("--entry")
        {
            DefaultValueFactory = _ => LinuxEntries.Name(LinuxEntry.BootProtocol64),
            Description = "How the kernel is entered, as guest.linux.entry says",
        };
        entry.AcceptOnlyFromAmong([.. LinuxEntries.Names.Select(n => n.Key)]);
        var runs = new Option<int>("--runs") { DefaultValueFactory = _ => 3 };
        var command = new Command("linux-boot", $"Wall time of booting a kernel to the generated /init's Done ({LinuxBootBench.CommandLine}, 512 MiB)")
        {
            kernel, entry, initramfsOut, consoleOut, runs,
        };
        command.SetAction(parse => Measure(() =>
        {
            var report = BootLinux(parse.GetValue(kernel)!, LinuxEntries.Names.Single(n => n.Key == parse.GetValue(entry)).Value, parse.GetValue(runs));
            if (parse.GetValue(initramfsOut) is { } path)
                File.WriteAllBytes(path, report.Initramfs);
            if (parse.GetValue(consoleOut) is { } console)
                File.WriteAllText(console, $"{report.LastConsole}\nKVM_RUN exits: {report.LastExits}\n");
            return Print(("linux-boot", [.. report.SamplesMs], 1));
        }));
        return command;
    }

    private static LinuxBootReport BootLinux(string kernel, LinuxEntry entry, int runs)
    {
        var host = HostProbe.Probe();
        if (!host.Available)
            throw new InvalidOperationException($"KVM unavailable: {host.Reason}");
        if (KvmFlavours.EmulatesCpl0(host.Flavour))
            throw new InvalidOperationException(LinuxProgram.PvmCannotBoot);
        try
        {
            return LinuxBootBench.Run(kernel, entry, runs);
        }
        catch (Exception e) when (e is BootLoaderException or KvmException or IOException)
        {
            throw new InvalidOperationException(e.Message, e);
        }
    }

    private static (string Name, List<double> Samples, int Cases) CompileSamples(string directory, int runs)
    {
        var samples = new List<double>();
        var cases = 0;
        for (var i = 0; i <= runs; i++)
        {
            var watch = Stopwatch.StartNew();
            var result = SpecInputs.Compile([directory]);
            var elapsed = watch.Elapsed.TotalMilliseconds;
            if (!result.Succeeded)
                throw new InvalidOperationException($"specs do not compile: {result.Diagnostics[0]}");
            cases = result.Cases.Count;
            if (i > 0)
                samples.Add(elapsed); // the first run pays for the file cache and one-time initialisation
        }
        return ("compile", samples, cases);
    }

    /// <summary>Each sample: build the VM (fds, memory, vCPU, CPUID, registers), run the minimal guest to its verdict, release everything.</summary>
    private static (string Name, List<double> Samples, int Cases) RuntimeSamples(int runs)
    {
        var host = HostProbe.Probe();
        if (!host.Available)
            throw new InvalidOperationException($"KVM unavailable: {host.Reason}");
        var program = MinimalGuest.Build(GuestLayout.Default);
        var samples = new List<double>();
        for (var i = 0; i <= runs; i++)
        {
            var watch = Stopwatch.StartNew();
            using (var vm = VmBuilder.Build(new VmConfig { Program = program }))
            {
                var result = vm.Run();
                if (!result.Succeeded)
                    throw new InvalidOperationException($"minimal guest failed: {result.Format()}");
            }
            if (i > 0)
                samples.Add(watch.Elapsed.TotalMilliseconds);
        }
        return ("runtime", samples, 1);
    }

    private static FaultLatencyReport FaultReport(int faults)
    {
        var report = FaultLatencyBench.Run(faults, HostProbe.Probe());
        return report.Unavailable is null ? report : throw new InvalidOperationException(report.Unavailable);
    }

    /// <summary>A measurement that cannot be made here (no KVM, specs that do not compile) is a one-line error, not a trace.</summary>
    private static int Measure(Func<int> measurement)
    {
        try
        {
            return measurement();
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    private static int Print((string Name, List<double> Samples, int Cases) measurement)
    {
        JsonOutput.Print(json =>
        {
            json.WriteStartObject();
            json.WriteString("name", measurement.Name);
            json.WriteNumber("cases", measurement.Cases);
            WriteSamples(json, "samplesMs", measurement.Samples);
            json.WriteEndObject();
        });
        return 0;
    }

    /// <summary>The keys kvm-baseline's faults mode prints too (build/Bench/baselines/kvm-baseline.c), plus the guest's own latencies.</summary>
    private static int PrintFaults(FaultLatencyReport report)
    {
        JsonOutput.Print(json =>
        {
            json.WriteStartObject();
            json.WriteString("name", "faults");
            json.WriteNumber("faults", report.Faults);
            WriteSamples(json, "periodsMs", report.OnHost.PeriodsMs);
            WriteSamples(json, "latenciesMs", report.OnHost.LatenciesMs);
            WriteSamples(json, "guestTscLatenciesMs", report.SamplesMs);
            json.WriteNumber("totalMs", Math.Round(report.RunMs, 4));
            json.WriteNumber("exits", report.Exits);
            json.WriteEndObject();
        });
        return 0;
    }

    private static void WriteSamples(Utf8JsonWriter json, string name, IEnumerable<double> samples)
    {
        json.WriteStartArray(name);
        foreach (var sample in samples)
            json.WriteNumberValue(Math.Round(sample, 4));
        json.WriteEndArray();
    }
}
