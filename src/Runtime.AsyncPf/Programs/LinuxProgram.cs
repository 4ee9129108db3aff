using System.Diagnostics;
using System.Security.Cryptography;
using Vmspec.Abi.Kvm;
using Vmspec.Abi.KvmPara;
using Vmspec.GuestKernels;
using Vmspec.GuestKernels.Abi;
using Vmspec.GuestKernels.Boot;
using Vmspec.GuestKernels.Debian;
using Vmspec.Runtime.Boot;
using Vmspec.Runtime.Kvm;

namespace Vmspec.Runtime.AsyncPf.Programs;

/// <summary>
/// <c>linux</c>: the guest is a real Linux kernel. The kernel is fetched and verified by sha256, its async #PF ABI
/// is read from its BTF and compared with the plan; then it boots on KVM to vmspec's /init (<see cref="WorkloadInit"/>),
/// and the host checks how the guest enabled async #PF, the data area's layout and the async #PFs of the workload.
/// </summary>
public sealed class LinuxProgram : ICaseProgram
{
    public const string PvmCannotBoot =
        "kvm_pvm cannot boot unmodified Linux: all CPL0 kernel code runs in KVM's instruction emulator, which dies in int3_selftest";

    public static LinuxProgram Instance { get; } = new();

    private LinuxProgram()
    {
    }

    public string Name => LinuxGuestPlan.ProgramName;

    public CaseResult Run(VmPlan plan, HostReport host, string specDirectory) =>
        RunAsync(plan, host, specDirectory).GetAwaiter().GetResult();

    private static async Task<CaseResult> RunAsync(VmPlan plan, HostReport host, string specDirectory)
    {
        var guest = plan.Guest as LinuxGuestPlan ?? throw new ArgumentException($"guest: the linux program runs a Linux guest, not {plan.Guest.Program}");
        var watch = Stopwatch.StartNew();
        var expected = plan.Expect.For(new HostIdentity(host.Flavour, host.KernelRelease));
        var checks = new List<Check>();
        var (image, unavailable) = await ResolveKernelAsync(guest.Kernel, specDirectory);
        string btfVerdict = ApfDataLayouts.UnknownName;
        if (image is null)
        {
            checks.Add(Check.SkipRequired("kernel ABI", AbiName(expected.KernelAbi), unavailable!));
        }
        else
        {
            try
            {
                var report = AbiReport.Create(image);
                btfVerdict = report.Verdict;
                if (expected.KernelAbi is { } abi)
                    checks.Add(new Check("kernel ABI (struct kvm_vcpu_pv_apf_data)",
                        report.Verdict == AbiName(abi) ? Outcome.Passed : Outcome.Failed, AbiName(abi), $"{report.Verdict}: {report.Detail}"));
            }
            catch (KernelImageException e)
            {
                checks.Add(new Check("kernel ABI (struct kvm_vcpu_pv_apf_data)", Outcome.Failed, AbiName(expected.KernelAbi), e.Message));
            }
        }
        string? bootSkip = !host.Available ? host.Reason
            : KvmFlavours.EmulatesCpl0(host.Flavour) ? PvmCannotBoot
            : image is null ? unavailable
            : null;
        if (bootSkip is not null)
            checks.Add(Check.SkipRequired("boot to /init", "/init reports status 0 on the Done port", bootSkip));
        else
            checks.AddRange(Boot(plan, guest, image!, btfVerdict, expected, specDirectory));
        var status = CaseResult.Summarize(checks);
        return new CaseResult(plan.Name, LinuxGuestPlan.ProgramName, status, checks, AsyncPfCounts.None, watch.Elapsed,
            status == Outcome.Skipped ? CaseResult.RequiredSkip(checks)?.Observed : null);
    }

    /// <summary>Boots the kernel with the generated /init (or the spec's initramfs) and checks what the host saw.</summary>
    private static IEnumerable<Check> Boot(VmPlan plan, LinuxGuestPlan guest, string kernel, string btfVerdict, Expectations expected, string specDirectory)
    {
        uint pages = guest.Workload?.Pages ?? 0;
        byte[] initramfs;
        if (guest.Initramfs is { } file)
        {
            string path = Path.GetFullPath(Path.Combine(specDirectory, file.Path));
            initramfs = File.ReadAllBytes(path);
            string actual = Convert.ToHexStringLower(SHA256.HashData(initramfs));
            if (actual != file.Sha256)
                return [new Check("boot to /init", Outcome.Failed, $"initramfs sha256 {file.Sha256}", $"{path} has sha256 {actual}")];
        }
        else
            initramfs = Initramfs.WithInit(WorkloadInit.Build(pages)).Build();
        var options = new LinuxBootOptions
        {
            CommandLine = guest.Cmdline,
            Initramfs = initramfs,
            Layout = LinuxBootLayout.Default with { RamSize = plan.Machine.MemoryBytes },
        };
        LinuxBootObservation o;
        try
        {
            o = LinuxBoot.Run(kernel, guest.Entry, options, CaseCpuid.Edits(plan.Cpuid), plan.Machine.EnforcePvFeatureCpuid, plan.Timeout);
        }
        catch (Exception e) when (e is BootLoaderException or KvmException or InvalidOperationException or IOException)
        {
            return [new Check("boot to /init", Outcome.Failed, "/init reports status 0 on the Done port", e.Message) { Required = true }];
        }
        var checks = LinuxChecks.Boot(o, pages).ToList();
        if (checks.Any(c => c.Status == Outcome.Failed))
            return checks;
        if (expected.GuestEnablesAsyncPf is { } enables)
            checks.AddRange(LinuxChecks.AsyncPfEnabled(o, enables));
        if (expected.GuestEnablesAsyncPf is true)
            checks.Add(LinuxChecks.Layout(o, btfVerdict));
        if (pages > 0)
        {
            checks.AddRange(LinuxChecks.Workload(o, pages, expected.GuestTakesAsyncPf));
            checks.Add(LinuxChecks.HostWritesOnlyFlagsAndToken(o));
        }
        return checks;
    }

    private static async Task<(string? Path, string? Reason)> ResolveKernelAsync(KernelSource source, string specDirectory)
    {
        switch (source)
        {
            case DebianKernel debian:
                var package = new DebianKernelPackage(debian.Package, debian.Version, debian.Sha256);
                try
                {
                    return (await package.FetchVmlinuzAsync(), null); // the cached copy too is checked against the pinned sha256
                }
                catch (Exception e) when (e is KernelImageException or IOException or UnauthorizedAccessException)
                {
                    // No cached copy and no way to fetch one here (offline, read-only cache): the check cannot run.
                    return (null, $"{package.Name}={package.Version} is not available: {e.Message} (fetch it with: vmspec fetch)");
                }
            case FileReference file:
                var path = Path.GetFullPath(Path.Combine(specDirectory, file.Path));
                if (!File.Exists(path))
                    return (null, $"kernel image {path} does not exist");
                await using (var stream = File.OpenRead(path))
                {
                    var actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream));
                    if (actual != file.Sha256)
                        return (null, $"kernel image {path} has sha256 {actual}, the spec pins {file.Sha256}");
                }
                return (path, null);
            default:
                return (null, $"unsupported kernel source {source.GetType().Name}");
        }
    }

    private static string AbiName(ApfDataAbi? abi) => abi is { } known ? ApfDataLayouts.Name(known) : "not checked";
}
