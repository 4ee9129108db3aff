using Vmspec.Cli.Verification;
using Vmspec.Lab;
using Vmspec.SpecCompiler;
using Vmspec.TestSupport;

namespace Vmspec.Cli.Tests.Verification;

/// <summary><c>--host</c> against the checked-in host kernels (specs/hosts: debian-6.1, debian-6.12 the default).</summary>
public sealed class HostSelectionTests : IDisposable
{
    private static readonly string HostsDirectory = Path.Combine(TestRepository.Specs, "hosts");
    private readonly TempDirectory _temp = new("vmspec-hosts-");
    private int _catalogLoads;

    public void Dispose() => _temp.Dispose();

    private HostKernelCatalog Catalog()
    {
        _catalogLoads++;
        return HostKernelCatalog.Load(HostsDirectory).Catalog!;
    }

    private static HostKernelCatalog NoCatalog() => throw new LabException("cannot load the host kernels in specs/hosts");

    private static string[] Names(IReadOnlyList<VerifyHost> hosts) => hosts.Select(h => h.Name).ToArray();

    [Fact]
    public void Native_is_this_machine_and_needs_no_catalog()
    {
        var host = Assert.Single(HostSelection.Parse("native", NoCatalog));
        Assert.True(host.IsNative);
        Assert.Equal("native", host.Name);
    }

    [Fact]
    public void Names_are_host_kernels_of_the_catalog_in_name_order_loaded_once()
    {
        var hosts = HostSelection.Parse("debian-6.12, debian-6.1", Catalog);
        Assert.Equal(["debian-6.1", "debian-6.12"], Names(hosts));
        Assert.All(hosts, h => Assert.Equal(h.Name, h.Lab!.Name));
        Assert.Equal(1, _catalogLoads);
    }

    [Fact]
    public void All_is_every_host_kernel_of_the_catalog() =>
        Assert.Equal(["debian-6.1", "debian-6.12"], Names(HostSelection.Parse("all", Catalog)));

    [Fact]
    public void Native_and_host_kernels_mix() =>
        Assert.Equal(["debian-6.12", "native"], Names(HostSelection.Parse("native,debian-6.12", Catalog)));

    [Fact]
    public void An_unknown_name_is_an_error_listing_the_known_hosts()
    {
        var error = Assert.Throws<HostSelectionException>(() => HostSelection.Parse("debian-6.12,debian-7", Catalog));
        Assert.StartsWith("--host debian-7: unknown host kernel; known host kernels: debian-6.1, debian-6.12 (in ", error.Message);
        Assert.EndsWith("); or native, all, or the path of a HostKernel .yaml file", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("debian-6.1,,debian-6.12")]
    [InlineData("native,")]
    public void An_empty_name_is_an_error(string text) =>
        Assert.Contains("empty host name", Assert.Throws<HostSelectionException>(() => HostSelection.Parse(text, Catalog)).Message);

    [Fact]
    public void A_host_named_twice_runs_once_whether_by_name_all_or_its_file()
    {
        Assert.Equal(["debian-6.12"], Names(HostSelection.Parse("debian-6.12,debian-6.12", Catalog)));
        Assert.Equal(["native"], Names(HostSelection.Parse("native,native", Catalog)));
        Assert.Equal(["debian-6.1", "debian-6.12"], Names(HostSelection.Parse($"all,debian-6.1,{Path.Combine(HostsDirectory, "debian-6.12.yaml")}", Catalog)));
    }

    [Fact]
    public void Two_different_host_kernels_with_one_name_are_an_error()
    {
        var copy = Path.Combine(_temp.Path, "other.yaml");
        File.Copy(Path.Combine(HostsDirectory, "debian-6.12.yaml"), copy);
        var error = Assert.Throws<HostSelectionException>(() => HostSelection.Parse($"debian-6.12,{copy}", Catalog));
        Assert.Equal($"--host: two host kernels are named 'debian-6.12': {Path.GetFullPath(Path.Combine(HostsDirectory, "debian-6.12.yaml"))} and {copy}", error.Message);
        Assert.Equal(["debian-6.12"], Names(HostSelection.Parse(copy, NoCatalog)));
    }

    [Fact]
    public void Without_host_it_is_native_when_KVM_is_usable()
    {
        var (hosts, why) = HostSelection.Default(true, "/dev/kvm is usable", NoCatalog, () => throw new InvalidOperationException("not asked"));
        Assert.Equal(["native"], Names(hosts));
        Assert.StartsWith("/dev/kvm is usable", why);
    }

    [Fact]
    public void Without_host_and_without_KVM_it_is_the_default_host_kernel_in_the_lab()
    {
        var (hosts, why) = HostSelection.Default(false, "no /dev/kvm", Catalog, () => null);
        Assert.Equal(["debian-6.12"], Names(hosts));
        Assert.Contains("KVM is not usable here (no /dev/kvm): running in the lab on the default host kernel debian-6.12", why);
    }

    [Fact]
    public void Without_host_KVM_or_a_lab_it_stays_native_and_says_why()
    {
        var (hosts, why) = HostSelection.Default(false, "no /dev/kvm", Catalog, () => "qemu-system-x86_64 is not installed");
        Assert.Equal(["native"], Names(hosts));
        Assert.Contains("the lab cannot run: qemu-system-x86_64 is not installed", why);
        Assert.Equal(["native"], Names(HostSelection.Default(false, "no /dev/kvm", NoCatalog, () => null).Hosts));
    }
}
