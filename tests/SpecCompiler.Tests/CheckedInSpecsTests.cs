using Vmspec.Plans;
using Vmspec.SpecCompiler.Language;
using Vmspec.SpecCompiler.Model;
using Vmspec.SpecCompiler.Plan;
using Vmspec.SpecCompiler.Schema;
using Vmspec.SpecCompiler.Tests.Support;
using Vmspec.TestSupport;

namespace Vmspec.SpecCompiler.Tests;

public sealed class CheckedInSpecsTests
{
    [Fact]
    public void All_checked_in_specs_compile_to_their_designed_number_of_uniquely_named_cases()
    {
        var result = SpecCompilation.CompileDirectory(TestRepository.Specs);

        Assert.True(result.Succeeded, Specs.Errors(result));
        Assert.Equal(88, result.Cases.Count); // minimal 1 + enable-protocol 63 + faults 5 + page-ready queue 10 + findings 5 + linux 2 kernels x 2 entries
        Assert.Equal(result.Cases.Count, result.Cases.Select(c => c.Name).Distinct().Count());
    }

    [Theory]
    [InlineData("minimal.yaml", 1)]
    [InlineData("asyncpf/enable-protocol.yaml", 63)]
    [InlineData("asyncpf/faults.yaml", 5)]
    [InlineData("asyncpf/ready-vector.yaml", 4)]
    [InlineData("asyncpf/disable-drops.yaml", 2)]
    [InlineData("asyncpf/wakeup-all-queue.yaml", 2)]
    [InlineData("asyncpf/ack-bits.yaml", 1)]
    [InlineData("asyncpf/int-reserved.yaml", 1)]
    [InlineData("asyncpf/findings/ack-any-value.yaml", 1)]
    [InlineData("linux/debian-6.1-cloud.yaml", 2)]
    [InlineData("linux/debian-6.12-cloud.yaml", 2)]
    public void Each_spec_expands_to_its_designed_case_count(string spec, int cases)
    {
        var result = SpecCompilation.CompileFile(Path.Join(TestRepository.Specs, spec));

        Assert.True(result.Succeeded, Specs.Errors(result));
        Assert.Equal(cases, result.Cases.Count);
    }

    [Theory]
    [InlineData("linux/debian-6.1-cloud.yaml", Abi.KvmPara.ApfDataAbi.Legacy68)]
    [InlineData("linux/debian-6.12-cloud.yaml", Abi.KvmPara.ApfDataAbi.Fixed64)]
    public void Linux_specs_expect_their_kernel_ABI_async_pf_enabled_at_boot_and_taken_in_the_workload(string spec, Abi.KvmPara.ApfDataAbi abi)
    {
        var cases = SpecCompilation.CompileFile(Path.Join(TestRepository.Specs, spec)).Cases;

        var guests = cases.Select(c => Assert.IsType<Plans.LinuxGuestPlan>(c.Plan.Guest)).ToArray();
        Assert.Equal([Plans.LinuxEntry.BootProtocol64, Plans.LinuxEntry.Pvh], guests.Select(g => g.Entry));
        Assert.Equal(guests[0] with { Entry = Plans.LinuxEntry.Pvh }, guests[1]); // the same kernel, booted both ways
        var plan = cases[0].Plan;
        Assert.Equal(abi, plan.Expect.Common.KernelAbi);
        Assert.True(plan.Expect.Common.GuestEnablesAsyncPf);
        Assert.True(plan.Expect.Common.GuestTakesAsyncPf);
        Assert.Equal(512UL << 20, plan.Machine.MemoryBytes);
        var guest = Assert.IsType<Plans.LinuxGuestPlan>(plan.Guest);
        Assert.Equal("console=ttyS0 reboot=k panic=-1", guest.Cmdline);
        Assert.Equal(new Plans.LinuxWorkload(1024), guest.Workload);
        Assert.Null(guest.Initramfs);
        Assert.Equal(["async-pf", "async-pf-int"], plan.Cpuid.KvmFeatures.Where(f => f.Mode == Plans.FeatureMode.Set).Select(f => f.Name));
    }

    [Fact]
    public void Checked_in_schema_equals_the_generated_one()
    {
        // VMSPEC_UPDATE_SCHEMA=1 regenerates the file after a language change; review the diff.
        var path = Path.Join(TestRepository.Specs, "schema", SchemaGenerator.FileName);
        if (Environment.GetEnvironmentVariable("VMSPEC_UPDATE_SCHEMA") == "1")
            SchemaGenerator.WriteTo(path);

        var checkedIn = File.ReadAllBytes(path);

        Assert.Equal(SchemaGenerator.Generate(), checkedIn);
    }

    [Fact]
    public void Every_spec_and_host_kernel_points_its_editor_at_its_schema_by_a_relative_path()
    {
        foreach (var file in Directory.EnumerateFiles(TestRepository.Specs, "*.yaml", SearchOption.AllDirectories))
        {
            var schemaFile = SpecFiles.IsSpec(file) ? SchemaGenerator.FileName : SchemaGenerator.HostFileName;
            var schema = Path.GetRelativePath(Path.GetDirectoryName(file)!, Path.Join(TestRepository.Specs, "schema", schemaFile));
            Assert.Equal($"# yaml-language-server: $schema={schema.Replace('\\', '/')}", File.ReadLines(file).First());
        }
    }

    [Fact]
    public void Checked_in_host_schema_equals_the_generated_one()
    {
        var path = Path.Join(TestRepository.Specs, "schema", SchemaGenerator.HostFileName);
        if (Environment.GetEnvironmentVariable("VMSPEC_UPDATE_SCHEMA") == "1")
            SchemaGenerator.WriteHostTo(path);

        Assert.Equal(SchemaGenerator.GenerateHost(), File.ReadAllBytes(path));
    }

    [Fact]
    public void Checked_in_host_kernels_load_and_Debian_6_12_is_the_default()
    {
        var result = HostKernelCatalog.Load(Path.Join(TestRepository.Root, HostKernelCatalog.RepositoryDirectory));

        Assert.True(result.Succeeded, HostFiles.Errors(result));
        var catalog = result.Catalog!;
        Assert.Equal(["debian-6.1", "debian-6.12"], catalog.Names);
        Assert.Equal("debian-6.12", catalog.Default?.Name);
        Assert.Equal(
            new DebianHostKernel("linux-image-6.12.117+deb12-amd64-unsigned", "6.12.117-1~deb12u1", "5de3e329c887173debec07ff1325c975cf4f286d364929d17fecb1e1325c5c46"),
            catalog.Default?.Source);
        Assert.Equal(
            new DebianHostKernel("linux-image-6.1.0-56-amd64-unsigned", "6.1.192-2", "530631662c9ad84758eca2d7609cf40623309afd4bccbeb563f33e9c7f220bdf"),
            catalog.Find("debian-6.1").Host?.Source);
        Assert.All(catalog.Hosts, h => Assert.False(string.IsNullOrWhiteSpace(h.Description)));
    }

    [Fact]
    public void Checked_in_host_kernels_are_no_specs()
    {
        var hosts = Directory.EnumerateFiles(Path.Join(TestRepository.Root, HostKernelCatalog.RepositoryDirectory), "*.yaml").ToArray();

        Assert.Equal(2, hosts.Length);
        Assert.All(hosts, h => Assert.False(SpecFiles.IsSpec(h), h));
        Assert.DoesNotContain(SpecCompilation.CompileDirectory(TestRepository.Specs).Cases,
            c => Path.GetFullPath(c.SourceFile).StartsWith(Path.Join(TestRepository.Specs, "hosts"), StringComparison.Ordinal));
    }

    [Fact]
    public void Every_checked_in_plan_reads_back_to_the_same_bytes()
    {
        foreach (var compiled in SpecCompilation.CompileDirectory(TestRepository.Specs).Cases)
        {
            var plan = PlanReader.Read(compiled.CanonicalJson);
            Assert.Equal(compiled.CanonicalJson, PlanWriter.Write(plan, out var digest));
            Assert.Equal(compiled.Digest, digest);
        }
    }

    [Fact]
    public void Checked_in_image_schema_equals_the_generated_one()
    {
        var path = Path.Join(TestRepository.Images, "schema", SchemaGenerator.ImageFileName);
        if (Environment.GetEnvironmentVariable("VMSPEC_UPDATE_SCHEMA") == "1")
            SchemaGenerator.WriteImageTo(path);

        Assert.Equal(SchemaGenerator.GenerateImage(), File.ReadAllBytes(path));
    }

    [Fact]
    public void Checked_in_image_definition_carries_the_generated_guest_specs_with_their_bases()
    {
        var result = ImageCompilation.CompileDirectory(TestRepository.Images);

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var image = Assert.Single(result.Images, i => i.Name == "vmspec-verify");
        Assert.Equal(("vmspec-verify", "latest", "10001:10001"), (image.Name, image.Plan.Tag, image.Plan.User));
        Assert.Equal(["libc6", "libssl3"], image.Plan.Base.Packages);
        Assert.Empty(image.Plan.LabHosts);
        // Generated-guest specs only: the Linux ones need kernel packages a container cannot fetch.
        var carried = image.Plan.SpecFiles.Select(f => f.Path).ToList();
        Assert.Contains("specs/minimal.yaml", carried);
        Assert.Contains("specs/asyncpf/faults.yaml", carried);
        Assert.Contains("specs/asyncpf/findings/host-read-of-gated-msrs.yaml", carried);
        Assert.Contains("specs/base/asyncpf.yaml", carried);
        Assert.Contains("specs/schema/vmspec-v1.schema.json", carried);
        Assert.DoesNotContain(carried, f => f.StartsWith("specs/linux/", StringComparison.Ordinal));
        var expected = SpecCompilation.CompileDirectory(TestRepository.Specs).Cases
            .Where(c => c.Plan.Guest is not LinuxGuestPlan)
            .Select(c => c.Digest).Order(StringComparer.Ordinal);
        Assert.Equal(expected, image.Cases.Select(c => c.Digest).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Checked_in_lab_image_carries_every_pinned_host_kernel_and_the_same_specs_as_the_verify_image()
    {
        var images = ImageCompilation.CompileDirectory(TestRepository.Images).Images;
        var lab = Assert.Single(images, i => i.Name == "vmspec-lab");
        var verify = Assert.Single(images, i => i.Name == "vmspec-verify");

        var hosts = HostKernelCatalog.Load(Path.Join(TestRepository.Specs, "hosts")).Catalog!.Hosts;
        Assert.Equal(hosts.Select(h => h.Name).Order(StringComparer.Ordinal), lab.Plan.LabHosts.Select(h => h.Name));
        Assert.All(lab.Plan.LabHosts, h => Assert.Contains(lab.Plan.SpecFiles, f => f.Path == h.File));
        Assert.Contains(lab.Plan.SpecFiles, f => f.Path == "specs/schema/vmspec-host-v1.schema.json");
        Assert.Equal(verify.Cases.Select(c => c.Digest), lab.Cases.Select(c => c.Digest));
        Assert.Contains("qemu-system-x86", lab.Plan.Base.Packages);
        Assert.Contains("usr/bin/qemu-system-x86_64", lab.Plan.Base.Keep);
        Assert.Equal(["verify", "/opt/vmspec/specs", "--host", "all", "--results", "/results"], lab.Plan.Cmd);
    }

    [Fact]
    public void Every_image_definition_points_its_editor_at_the_image_schema()
    {
        foreach (var file in Directory.EnumerateFiles(TestRepository.Images, "*.yaml", SearchOption.AllDirectories))
            Assert.Equal($"# yaml-language-server: $schema=schema/{SchemaGenerator.ImageFileName}", File.ReadLines(file).First());
    }
}
