using System.Text;
using Vmspec.Plans;
using Vmspec.SpecCompiler.Plan;
using Vmspec.SpecCompiler.Tests.Support;
using Vmspec.TestSupport;

namespace Vmspec.SpecCompiler.Tests.Binding;

/// <summary>guest.linux.workload: the pages vmspec's generated /init reads back while the host refills them through userfaultfd.</summary>
public sealed class LinuxWorkloadTests
{
    /// <summary>Line numbers matter to the diagnostic tests: the workload is on line 12.</summary>
    private const string Linux = """
        apiVersion: vmspec.dev/v1
        kind: VmSpec
        metadata:
          name: faults
        machine:
          memory: 64MiB
        guest:
          linux:
            kernel:
              debian: { package: linux-image-6.12.117+deb12-cloud-amd64-unsigned, version: 6.12.117-1~deb12u1, sha256: 670b2688bcf94c24693f7c7e1fc9776ff2e202ff15553a2614f79415d48a6607 }
            cmdline: console=ttyS0
            workload: { pages: 4096 }
        """;

    private const string Initramfs = "\n    initramfs: { path: initrd.img, sha256: " + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef }\n";

    [Fact]
    public void Workload_pages_bind_into_the_Linux_guest_and_round_trip()
    {
        var compiled = Assert.Single(Specs.Compile(Linux).Cases);

        var guest = Assert.IsType<LinuxGuestPlan>(compiled.Plan.Guest);
        Assert.Equal(new LinuxWorkload(4096), guest.Workload);
        Assert.Equal(16UL << 20, guest.Workload!.Bytes);
        Assert.Contains("\"workload\": {\n      \"pages\": 4096\n    }", Encoding.UTF8.GetString(compiled.CanonicalJson));
        Assert.Equal(guest, PlanReader.Read(compiled.CanonicalJson).Guest);
    }

    [Fact]
    public void Without_a_workload_the_plan_has_none_and_no_workload_member()
    {
        var compiled = Assert.Single(Specs.Compile(Linux.Replace("    workload: { pages: 4096 }", "")).Cases);

        Assert.Null(Assert.IsType<LinuxGuestPlan>(compiled.Plan.Guest).Workload);
        Assert.DoesNotContain("workload", Encoding.UTF8.GetString(compiled.CanonicalJson));
    }

    [Fact]
    public void A_workload_with_the_users_own_initramfs_is_an_error_at_the_workload()
    {
        var result = Specs.Compile(Linux + Initramfs);

        Assert.Equal(
            "spec.yaml:12:15: error: guest.linux.workload: the workload runs in the /init vmspec generates, "
            + "but guest.linux.initramfs brings its own; drop the initramfs or the workload",
            Assert.Single(result.Diagnostics).ToString());
        Assert.Empty(result.Cases);
    }

    [Fact]
    public void A_spec_with_its_own_initramfs_cannot_extend_the_Linux_base_whose_workload_it_cannot_remove()
    {
        using var files = new TestFiles();
        var baseFile = files.Write("base/linux.yaml", File.ReadAllText(Path.Join(TestRepository.Specs, "base", "linux.yaml")));
        var leaf = files.Write("linux/own-init.yaml", """
            apiVersion: vmspec.dev/v1
            kind: VmSpec
            extends: ../base/linux.yaml
            metadata:
              name: own-init
            guest:
              linux:
                kernel: { path: bzImage, sha256: 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef }
                initramfs: { path: initrd.img, sha256: 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef }
            """);

        var result = SpecCompilation.CompileFile(leaf);

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal((baseFile, 22, "guest.linux.workload"), (Path.GetFullPath(error.Location.File), error.Location.Line, error.FieldPath));
        Assert.EndsWith("drop the initramfs, or extend a base without a workload (an extending spec cannot remove it)", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65537)]
    public void Pages_outside_1_to_65536_are_an_error_naming_the_range(int pages)
    {
        var result = Specs.Compile(Linux.Replace("pages: 4096", $"pages: {pages}"));

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal((12, 24, "guest.linux.workload.pages"), (diagnostic.Location.Line, diagnostic.Location.Column, diagnostic.FieldPath));
        Assert.StartsWith("expected an integer from 1 to 65536", diagnostic.Message);
    }

    [Fact]
    public void The_most_pages_a_spec_may_ask_for_fit_in_a_large_enough_guest()
    {
        var compiled = Assert.Single(Specs.Compile(Linux.Replace("pages: 4096", "pages: 65536").Replace("64MiB", "512MiB")).Cases);

        Assert.Equal(256UL << 20, Assert.IsType<LinuxGuestPlan>(compiled.Plan.Guest).Workload!.Bytes);
    }

    [Fact]
    public void A_workload_that_does_not_fit_in_guest_RAM_is_an_error()
    {
        var result = Specs.Compile(Linux.Replace("pages: 4096", "pages: 16384"));

        Assert.Equal("spec.yaml:12:24: error: guest.linux.workload.pages: 16384 pages of 4 KiB do not fit in 67108864 bytes of guest RAM",
            Assert.Single(result.Diagnostics).ToString());
    }

    [Fact]
    public void A_workload_on_a_test_guest_is_an_unknown_key()
    {
        var result = Specs.Compile(Specs.Minimal + "\n    workload: { pages: 1 }\n");

        Assert.StartsWith("spec.yaml:10:5: error: guest.test.workload: unknown key", Assert.Single(result.Diagnostics).ToString());
    }

    [Fact]
    public void The_reader_refuses_a_plan_whose_workload_has_no_generated_init_to_run_in()
    {
        var text = Encoding.UTF8.GetString(Assert.Single(Specs.Compile(Linux).Cases).CanonicalJson)
            .Replace("\"workload\": {", "\"initramfs\": {\n      \"path\": \"initrd.img\",\n      \"sha256\": \"00\"\n    },\n    \"workload\": {");

        Assert.Equal("$.guest.workload: the workload runs in the /init vmspec generates, and this plan brings its own initramfs",
            Assert.Throws<PlanFormatException>(() => PlanReader.Read(Encoding.UTF8.GetBytes(text))).Message);
    }
}
