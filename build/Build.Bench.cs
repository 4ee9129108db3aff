using System.Text.Json;
using Vmspec.Build.Framework;
using Vmspec.Build.Tools;

namespace Vmspec.Build;

internal sealed partial class Build
{
    private static string BenchDirectory => Path.Combine(Artifacts, "bench");

    [Parameter("Only these areas of Bench, comma-separated: runtime, asyncpf, specs, kernels, images, lab, linux (default: all)")]
    public string BenchAreas { get; set; } = "";

    private Target Bench => _ => _
        .Description("Measure the figures the issues name; artifacts/bench/*.json")
        .DependsOn(Publish)
        .Executes(async () =>
        {
            var areas = new (string Name, Func<Task> Measure)[]
            {
                ("runtime", BenchRuntimeAsync), ("asyncpf", BenchAsyncPfAsync), ("specs", BenchSpecsAsync),
                ("kernels", BenchKernelsAsync), ("images", BenchImagesAsync), ("lab", BenchLabAsync), ("linux", BenchLinuxAsync),
            };
            var chosen = BenchAreas.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (chosen.Except(areas.Select(a => a.Name)).FirstOrDefault() is { } unknown)
                throw new BuildException($"--bench-areas: no area '{unknown}' (areas: {string.Join(", ", areas.Select(a => a.Name))})");
            foreach (var (name, measure) in areas)
                if (chosen.Length == 0 || chosen.Contains(name))
                    await measure();
        });

    private static async Task BenchSpecsAsync()
    {
        var report = new BenchReport("specs");
        var compile = await VmspecBenchAsync(["bench", "compile", Path.Combine(Root, "specs"), "--runs", "50"]);
        var timing = SamplesOf(compile);
        var cases = compile.GetProperty("cases").GetInt32();
        report.Figure($"compile all specs in-process ({cases} cases)", timing);
        report.Goal("compile all specs, median", timing.Median, "ms", "under 100 ms", timing.Median < 100);
        var verify = await Timing.OfProcessAsync(Vmspec, ["verify", Path.Combine(Root, "specs"), "--allow-nothing-ran"], 5, Root);
        report.Figure($"vmspec verify, process wall time ({cases} cases)", verify);
        if (File.Exists("/dev/kvm"))
            report.Goal("vmspec verify of 50 cases", verify.Median * 50 / cases, "ms", "under 2000 ms", verify.Median * 50 / cases < 2000);
        else
            report.Skip("vmspec verify of 50 cases under 2 s", "no /dev/kvm: every case was skipped, so the wall time is compile + probe only");
        await BenchRunAgainstQemuAsync(report);
        report.Write(BenchDirectory);
    }

    /// <summary>
    /// `vmspec run` of one real async #PF case (NativeAOT process, compiled plan) against QEMU
    /// -M microvm starting and exiting a trivial PVH guest, both on KVM, in the same run.
    /// </summary>
    private static async Task BenchRunAgainstQemuAsync(BenchReport report)
    {
        const string name = "vmspec run (real async #PF) vs QEMU -M microvm (trivial guest)";
        if (!File.Exists("/dev/kvm"))
        {
            report.Skip(name, "no /dev/kvm: neither vmspec run nor QEMU -accel kvm can start a guest here");
            return;
        }
        if (!OnPath("qemu-system-x86_64"))
        {
            report.Skip(name, "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)");
            return;
        }
        var work = Directory.CreateTempSubdirectory("vmspec-bench-run-").FullName;
        try
        {
            var guest = Path.Combine(work, "trivial.elf");
            await ProcessRunner.RunAsync("gcc", ["-m32", "-nostdlib", "-static", "-Wl,-Ttext=0x100000", "-Wl,--build-id=none", "-o", guest,
                Path.Combine(Root, "build", "Bench", "baselines", "qemu-trivial-pvh.S")], Root);
            var plans = Path.Combine(work, "plans");
            await ProcessRunner.CaptureAsync(Vmspec, ["compile", Path.Combine(Root, "specs", "asyncpf", "faults.yaml"), "-o", plans], Root);
            var plan = Path.Combine(plans, "faults-variant=delivered.plan.json");
            var ours = await Timing.OfProcessAsync(Vmspec, ["run", plan], 20, Root);
            // isa-debug-exit turns the guest's 0x10 into QEMU's exit code 33: that is the success path.
            var qemu = await Timing.OfProcessAsync("qemu-system-x86_64", ["-M", "microvm", "-accel", "kvm", "-nodefaults", "-no-user-config",
                "-nographic", "-display", "none", "-device", "isa-debug-exit,iobase=0xf4", "-kernel", guest], 20, Root, expectedExitCode: 33);
            report.Figure("vmspec run faults[variant=delivered], process wall time", ours);
            report.Figure("QEMU -M microvm trivial PVH guest, process wall time", qemu);
            report.Ratio("speed-up of vmspec run over QEMU", qemu.Median, ours.Median, "at least 2x", qemu.Median / ours.Median >= 2);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task BenchKernelsAsync()
    {
        var report = new BenchReport("kernels");
        var cache = global::Vmspec.Shared.Debian.DebCache.DefaultDirectory;
        var debs = Directory.Exists(cache) ? Directory.GetFiles(cache, "linux-image-*.deb").Order(StringComparer.Ordinal).ToList() : [];
        if (debs.Count == 0)
            report.Skip("vmspec abi vs extract-vmlinux + pahole", $"no linux-image .deb in {cache}; ./build.sh FetchKernels fetches the pinned ones");
        var missingTools = new[] { "pahole", "lz4", "unzstd", "readelf" }.Where(tool => !OnPath(tool)).ToList();
        if (debs.Count > 0 && missingTools.Count > 0)
            report.Skip("vmspec abi vs extract-vmlinux + pahole", $"missing {string.Join(", ", missingTools)} (apt-get install dwarves lz4 zstd binutils)");
        else
        {
            var work = Directory.CreateTempSubdirectory("vmspec-bench-").FullName;
            try
            {
                foreach (var deb in debs)
                {
                    var name = Path.GetFileName(deb).Split('_')[0].Replace("linux-image-", "", StringComparison.Ordinal);
                    var vmlinuz = Path.Combine(work, $"vmlinuz-{name}");
                    await ProcessRunner.RunAsync("bash", ["-c", $"dpkg-deb --fsys-tarfile '{deb}' | tar -xO --wildcards './boot/vmlinuz-*' > '{vmlinuz}'"], Root);
                    var ours = await Timing.OfProcessAsync(Vmspec, ["abi", vmlinuz, "--json"], 7, Root);
                    var baseline = await Timing.OfProcessAsync("bash", [Path.Combine(Root, "build", "Bench", "extract-vmlinux-btf.sh"), vmlinuz], 7, Root);
                    report.Figure($"vmspec abi {name}", ours);
                    report.Figure($"extract-vmlinux + pahole {name}", baseline);
                    report.Ratio($"speed-up of vmspec abi on {name}", baseline.Median, ours.Median, "at least 2x", baseline.Median / ours.Median >= 2);
                }
            }
            finally
            {
                Directory.Delete(work, recursive: true);
            }
        }
        report.Write(BenchDirectory);
    }

    private static async Task<JsonElement> VmspecBenchAsync(string[] arguments)
    {
        var output = await ProcessRunner.CaptureAsync(Vmspec, arguments, Root);
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(directory => File.Exists(Path.Combine(directory, tool)));
}
