using Vmspec.Runtime.Building;
using Vmspec.Runtime.Kvm;
using Vmspec.Runtime.Selftesting;
using Vmspec.Runtime.Tests.Support;
using Vmspec.Runtime.X86;

namespace Vmspec.Runtime.Tests.Building;

/// <summary>Create-run-destroy leaves nothing behind (fds, mappings, resolver threads).</summary>
[Collection(ResourceAccounting.Name)]
public sealed class LifecycleTests
{
    private static int OpenFds() => Directory.GetFiles("/proc/self/fd").Length;

    private static int Mappings() => File.ReadAllLines("/proc/self/maps").Length;

    [Fact]
    public void A_thousand_create_run_destroy_cycles_keep_fds_and_mappings_flat()
    {
        KvmRequirement.RequireKvm();
        using KvmSystem kvm = KvmSystem.Open();
        var config = new VmConfig
        {
            Program = MinimalGuest.Build(GuestLayout.Default),
            UserfaultSlot = new UserfaultSlotConfig(1, 0x40_0000, 0x40_0000, (_, _) => { }, TimeSpan.Zero),
            Timeout = TimeSpan.FromSeconds(10),
        };
        void Cycle()
        {
            using Vm vm = VmBuilder.Build(config, kvm);
            Assert.True(vm.Run().Succeeded);
        }
        for (int i = 0; i < 20; i++) Cycle(); // warm up runtime pools and JIT
        int fds = OpenFds(), maps = Mappings();

        for (int i = 0; i < 1000; i++) Cycle();

        Assert.Equal(fds, OpenFds());
        Assert.InRange(Mappings(), maps - 16, maps + 16); // the runtime's own heap may grow or shrink a little
    }

    [Fact]
    public void Selftest_runs_the_minimal_guest_and_sees_the_pv_features_kvm_offers()
    {
        KvmRequirement.RequireKvm();

        SelftestResult result = Selftest.Run();

        Assert.True(result.Passed, result.Run?.Format());
        Assert.True(result.Total >= result.RunTime);
    }

    [Fact]
    public void Selftest_without_kvm_reports_the_probe_reason_and_runs_nothing()
    {
        if (File.Exists("/dev/kvm")) Assert.Skip("this machine has /dev/kvm");

        SelftestResult result = Selftest.Run();

        Assert.False(result.Passed);
        Assert.Null(result.Run);
        Assert.False(result.Host.Available);
        Assert.Equal($"selftest: KVM unavailable: {result.Host.Reason}", result.Format());
    }

    [Fact]
    public void Building_without_kvm_fails_with_the_open_error_and_leaks_nothing()
    {
        if (File.Exists("/dev/kvm")) Assert.Skip("this machine has /dev/kvm");
        int fds = OpenFds();

        var e = Assert.Throws<KvmException>(() => VmBuilder.Build(new VmConfig { Program = MinimalGuest.Build(GuestLayout.Default) }));

        Assert.Equal("open(/dev/kvm)", e.Operation);
        Assert.Equal(ErrnoNames.ENOENT, e.Errno);
        Assert.Equal(fds, OpenFds());
    }
}
