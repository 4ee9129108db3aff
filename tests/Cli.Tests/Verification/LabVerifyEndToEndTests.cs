using System.Text.Json;
using Vmspec.Cli.Tests.Support;
using Vmspec.Lab.Init;
using Vmspec.Lab.Qemu;
using Vmspec.Lab;
using Vmspec.TestSupport;

namespace Vmspec.Cli.Tests.Verification;

/// <summary>
/// The real thing: <c>dotnet vmspec.dll verify --host debian-6.12 specs/minimal.yaml</c> boots the pinned 6.12 host kernel
/// under QEMU (TCG: an emulated AMD CPU, so kvm_amd) and runs the same vmspec there on its KVM. Slow (the JIT under TCG).
/// </summary>
public sealed class LabVerifyEndToEndTests : IDisposable
{
    private readonly TempDirectory _results = new("vmspec-e2e-");

    public void Dispose() => _results.Dispose();

    [Fact]
    public async Task Verify_on_a_host_kernel_runs_the_case_in_the_lab_on_its_KVM()
    {
        try
        {
            QemuBinary.Find();
            StaticBusybox.Load();
        }
        catch (LabException e)
        {
            Assert.Skip(e.Message);
        }

        var verify = await CliProcess.RunAsync(["verify", "--host", "debian-6.12", "specs/minimal.yaml",
            "--accel", "tcg", "--lab-timeout", "5m", "--results", _results.Path]);
        var output = verify.ToString();

        Assert.True(verify.ExitCode == 0, output);
        Assert.Contains("[debian-6.12] [1/1] passed  minimal", output);
        Assert.Matches(@"(?m)^minimal\s+minimal\s+passed 1/1$", output);
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(_results.Path, "results.json")));
        var run = Assert.Single(document.RootElement.GetProperty("runs").EnumerateArray());
        var host = run.GetProperty("host");
        Assert.Equal(("debian-6.12", "lab", "6.12.117+deb12-amd64", "kvm_amd", "tcg", true),
            (host.GetProperty("name").GetString(), host.GetProperty("mode").GetString(), host.GetProperty("kernelRelease").GetString(),
             host.GetProperty("flavour").GetString(), host.GetProperty("accel").GetString(), host.GetProperty("kvmAvailable").GetBoolean()));
        var minimal = Assert.Single(run.GetProperty("cases").EnumerateArray());
        Assert.Equal(("minimal", "passed"), (minimal.GetProperty("name").GetString(), minimal.GetProperty("status").GetString()));
        Assert.True(File.Exists(Path.Combine(_results.Path, "junit.xml")));
    }
}
