using Vmspec.Runtime.Building;
using Vmspec.Runtime.Kvm;
using Vmspec.Runtime.Selftesting;
using Vmspec.Runtime.Tests.Support;
using Vmspec.Runtime.X86;
using Vmspec.TestSupport;

namespace Vmspec.Runtime.Tests.Building;

/// <summary>Create-run-destroy leaves nothing behind (fds, mappings, resolver threads).</summary>
[Collection(ResourceAccounting.Name)]
public sealed class LifecycleTests
{
    private static int OpenFds() => Directory.GetFiles("/proc/self/fd").Length;

    private static int Mappings() => File.ReadAllLines("/proc/self/maps").Length;

    /// <summary>What a VM owns, by name: KVM VM and vCPU fds, userfaultfds, vCPU (kvm_run) mappings, resolver threads.</summary>
    private static string VmObjects()
    {
        var fds = Directory.GetFiles("/proc/self/fd").Select(fd => { try { return new FileInfo(fd).LinkTarget ?? ""; } catch (IOException) { return ""; } });
        int vmFds = fds.Count(t => t.StartsWith("anon_inode:kvm-vm", StringComparison.Ordinal));
        int vcpuFds = fds.Count(t => t.StartsWith("anon_inode:kvm-vcpu", StringComparison.Ordinal));
        int uffds = fds.Count(t => t.Contains("userfaultfd", StringComparison.Ordinal));
        int vcpuMaps = File.ReadLines("/proc/self/maps").Count(l => l.Contains("kvm-vcpu", StringComparison.Ordinal));
        int resolvers = Directory.GetDirectories("/proc/self/task")
            .Count(t => { try { return File.ReadAllText(Path.Combine(t, "comm")).StartsWith("vmspec-uffd", StringComparison.Ordinal); } catch (IOException) { return false; } });
        return $"{vmFds} kvm-vm fd(s), {vcpuFds} kvm-vcpu fd(s), {uffds} userfaultfd(s), {vcpuMaps} kvm-vcpu mapping(s), {resolvers} resolver thread(s)";
    }

    /// <summary>
    /// Growth a batch of cycles may show in the process's totals without a leak: the runtime's own heap, JIT and
    /// thread pool map and unmap on their own. A leak of one fd or mapping per cycle grows a batch by 500.
    /// </summary>
    private const int FdSlack = 4, MappingSlack = 48;

    private const int Batch = 500;

    [Fact]
    public void A_thousand_create_run_destroy_cycles_keep_fds_and_mappings_flat()
    {
        KvmRequirement.RequireKvm();
        using var kvm = KvmSystem.Open();
        var config = new VmConfig
        {
            Program = MinimalGuest.Build(GuestLayout.Default),
            UserfaultSlot = new UserfaultSlotConfig(1, 0x40_0000, 0x40_0000, (_, _) => { }, TimeSpan.Zero),
            Timeout = TimeSpan.FromSeconds(10),
        };
        void Cycles(int count)
        {
            for (int i = 0; i < count; i++)
            {
                using Vm vm = VmBuilder.Build(config, kvm);
                Assert.True(vm.Run().Succeeded);
            }
        }
        Cycles(20); // warm up runtime pools and JIT
        int[] fds = [OpenFds(), 0, 0], maps = [Mappings(), 0, 0];

        Cycles(Batch);
        (fds[1], maps[1]) = (OpenFds(), Mappings());
        Cycles(Batch);
        (fds[2], maps[2]) = (OpenFds(), Mappings());

        // Exact: nothing a VM owns outlives it.
        Assert.Equal("0 kvm-vm fd(s), 0 kvm-vcpu fd(s), 0 userfaultfd(s), 0 kvm-vcpu mapping(s), 0 resolver thread(s)", VmObjects());
        // Totals: neither batch grows them beyond a slack far below one per cycle (they may shrink).
        string figures = $"fds {fds[0]} after warm-up, {fds[1]} after {Batch} cycles, {fds[2]} after {2 * Batch} (a batch may add at most {FdSlack}); "
            + $"mappings {maps[0]}, {maps[1]}, {maps[2]} (at most {MappingSlack} per batch)";
        Assert.True(fds[1] - fds[0] <= FdSlack && fds[2] - fds[1] <= FdSlack, $"fds grew: {figures}");
        Assert.True(maps[1] - maps[0] <= MappingSlack && maps[2] - maps[1] <= MappingSlack, $"mappings grew: {figures}");
    }

    [Fact]
    public void Selftest_runs_the_minimal_guest_and_sees_the_PV_features_KVM_offers()
    {
        KvmRequirement.RequireKvm();

        SelftestResult result = Selftest.Run();

        Assert.True(result.Passed, result.Run?.Format());
        Assert.True(result.Total >= result.RunTime);
    }

    [Fact]
    public void Selftest_without_KVM_reports_the_probe_reason_and_runs_nothing()
    {
        if (File.Exists("/dev/kvm")) Assert.Skip("this machine has /dev/kvm");

        SelftestResult result = Selftest.Run();

        Assert.False(result.Passed);
        Assert.Null(result.Run);
        Assert.False(result.Host.Available);
        Assert.Equal($"selftest: KVM unavailable: {result.Host.Reason}", result.Format());
    }

    [Fact]
    public void Building_without_KVM_fails_with_the_open_error_and_leaks_nothing()
    {
        if (File.Exists("/dev/kvm")) Assert.Skip("this machine has /dev/kvm");
        int fds = OpenFds();

        var e = Assert.Throws<KvmException>(() => VmBuilder.Build(new VmConfig { Program = MinimalGuest.Build(GuestLayout.Default) }));

        Assert.Equal("open(/dev/kvm)", e.Operation);
        Assert.Equal(ErrnoNames.ENOENT, e.Errno);
        Assert.Equal(fds, OpenFds());
    }
}
