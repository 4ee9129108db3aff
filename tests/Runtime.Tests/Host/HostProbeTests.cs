using System.Text.Json;
using Vmspec.Abi.Kvm;
using Vmspec.Runtime.Host;
using Vmspec.TestSupport;

namespace Vmspec.Runtime.Tests.Host;

public sealed class HostProbeTests : IDisposable
{
    private readonly TempDirectory _root = new("vmspec-probe-");

    public void Dispose() => _root.Dispose();

    private HostPaths FakeHost(params string[] modules)
    {
        foreach (string m in modules) Directory.CreateDirectory(Path.Combine(_root.Path, "sys/module", m));
        File.WriteAllText(Path.Combine(_root.Path, "osrelease"), "6.12.117+deb12-amd64\n");
        return new HostPaths(Path.Combine(_root.Path, "dev/kvm"), Path.Combine(_root.Path, "sys/module"), Path.Combine(_root.Path, "kmsg"),
            Path.Combine(_root.Path, "osrelease"));
    }

    [Fact]
    public void Missing_dev_kvm_with_kvm_pvm_loaded_says_kvm_pvm_did_not_bind()
    {
        HostReport report = HostProbe.Probe(FakeHost("kvm", "kvm_pvm"));

        Assert.False(report.Available);
        Assert.Equal(KvmFlavour.KvmPvm, report.Flavour);
        Assert.StartsWith("no ", report.Reason);
        Assert.Contains("kvm_pvm is loaded", report.Reason);
        Assert.EndsWith("did not create it", report.Reason); // no readable kernel log in the fake tree
        Assert.Empty(report.Capabilities);
        Assert.Equal("6.12.117+deb12-amd64", report.KernelRelease);
    }

    [Fact]
    public void The_modules_last_kernel_log_line_is_quoted_in_the_reason()
    {
        HostPaths paths = FakeHost("kvm_pvm");
        File.WriteAllText(paths.KernelLog,
            "6,1,100,-;kvm-pvm: loading\n continuation line\n6,2,200,-;other: noise\n4,3,300,-;kvm-pvm: this kernel is itself a kvm-pvm guest; not binding\n");

        HostReport report = HostProbe.Probe(paths);

        Assert.EndsWith("did not create it; kernel log: \"kvm-pvm: this kernel is itself a kvm-pvm guest; not binding\"", report.Reason);
    }

    [Fact]
    public void Missing_dev_kvm_without_modules_names_the_absent_modules()
    {
        HostReport report = HostProbe.Probe(FakeHost());

        Assert.False(report.Available);
        Assert.Equal(KvmFlavour.Unknown, report.Flavour);
        Assert.Contains("no KVM module is loaded", report.Reason);
        Assert.Contains("kvm_intel", report.Reason);
    }

    [Fact]
    public void Flavour_follows_the_loaded_vendor_module()
    {
        Assert.Equal(KvmFlavour.KvmIntel, HostProbe.Probe(FakeHost("kvm_intel")).Flavour);
        Assert.Contains("kvm_intel is loaded", HostProbe.Probe(FakeHost("kvm_intel")).Reason);
    }

    [Fact]
    public void A_dev_kvm_that_is_not_a_KVM_device_is_reported_with_the_failing_ioctl()
    {
        HostPaths paths = FakeHost("kvm_amd");
        Directory.CreateDirectory(Path.GetDirectoryName(paths.DevKvm)!);
        File.WriteAllText(paths.DevKvm, "");

        HostReport report = HostProbe.Probe(paths);

        Assert.False(report.Available);
        Assert.Equal(KvmFlavour.KvmAmd, report.Flavour);
        Assert.Contains("KVM_GET_API_VERSION failed: ENOTTY", report.Reason);
    }

    [Fact]
    public void This_machine_without_dev_kvm_reports_unavailable_with_the_kvm_pvm_reason()
    {
        if (File.Exists("/dev/kvm")) Assert.Skip("this machine has /dev/kvm: the no-KVM reason cannot be observed");
        if (!Directory.Exists("/sys/module/kvm_pvm")) Assert.Skip("kvm_pvm is not loaded on this machine");

        HostReport report = HostProbe.Probe();

        Assert.False(report.Available);
        Assert.Equal(KvmFlavour.KvmPvm, report.Flavour);
        Assert.StartsWith("no /dev/kvm: kvm_pvm is loaded (/sys/module/kvm_pvm exists) but did not create it", report.Reason);
    }

    [Fact]
    public void JSON_has_the_documented_keys_in_a_fixed_order_and_is_deterministic()
    {
        var report = new HostReport(true, "/dev/kvm is usable", KvmFlavour.KvmPvm, ["kvm_pvm"], 12,
            [KeyValuePair.Create("ASYNC_PF", 1), KeyValuePair.Create("ASYNC_PF_INT", 1)], 0x4010, ["async-pf", "async-pf-int"], "6.18.44-fc-v1045");

        byte[] json = HostReportWriter.ToJson(report);
        using var doc = JsonDocument.Parse(json);

        Assert.Equal(["available", "reason", "flavour", "kernelRelease", "apiVersion", "capabilities", "kvmFeatures"],
            doc.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("kvm_pvm", doc.RootElement.GetProperty("flavour").GetString());
        Assert.Equal(12, doc.RootElement.GetProperty("apiVersion").GetInt32());
        Assert.Equal(1, doc.RootElement.GetProperty("capabilities").GetProperty("ASYNC_PF_INT").GetInt32());
        Assert.Equal(["async-pf", "async-pf-int"], doc.RootElement.GetProperty("kvmFeatures").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(json, HostReportWriter.ToJson(report));
        Assert.Contains("CPUID 0x40000001 EAX = 0x4010: async-pf async-pf-int", HostReportWriter.ToText(report));
    }

    [Fact]
    public void Unavailable_JSON_has_null_API_version_and_empty_collections()
    {
        HostReport report = HostProbe.Probe(FakeHost("kvm_pvm"));
        string path = Path.Combine(_root.Path, "host.json");

        HostReportWriter.WriteJsonFile(report, path);
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));

        Assert.False(doc.RootElement.GetProperty("available").GetBoolean());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("apiVersion").ValueKind);
        Assert.Empty(doc.RootElement.GetProperty("capabilities").EnumerateObject());
        Assert.False(File.Exists(path + ".tmp"));
    }
}
