using System.Security.Cryptography;
using System.Text;
using Vmspec.SpecCompiler.Model;
using Vmspec.SpecCompiler.Plan;
using Vmspec.SpecCompiler.Tests.Support;

namespace Vmspec.SpecCompiler.Tests.Images;

public sealed class ImageCompilationTests
{
    private static string Replace(string from, string to)
    {
        Assert.Contains(from, ImageRepo.Definition);
        return ImageRepo.Definition.Replace(from, to);
    }

    private static void AssertOnlyError(string text, (int Line, int Column, string Path) at, string messageFragment)
    {
        using var repo = new ImageRepo();
        var result = repo.Compile(text);

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.EndsWith(Path.Join("images", "verify.yaml"), diagnostic.Location.File);
        Assert.Equal(at, (diagnostic.Location.Line, diagnostic.Location.Column, diagnostic.FieldPath));
        Assert.Contains(messageFragment, diagnostic.Message);
        Assert.Empty(result.Images);
    }

    [Fact]
    public void Defaults_are_applied_and_paths_are_repository_relative()
    {
        using var repo = new ImageRepo();
        var result = repo.Compile();

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var plan = Assert.Single(result.Images).Plan;
        Assert.Equal(("verify", "latest", "artifacts/bin/vmspec", "10001:10001", "/"), (plan.Name, plan.Tag, plan.VmspecBinary, plan.User, plan.WorkingDir));
        Assert.Equal(["/usr/local/bin/vmspec"], plan.Entrypoint);
        Assert.Equal(["verify", "/opt/vmspec/specs", "--results", "/results"], plan.Cmd);
        Assert.Equal("images/debian.lock.json", plan.Base.DebianLock);
        Assert.Equal(["libc6"], plan.Base.Packages);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Join(repo.Root, "images/debian.lock.json")))), plan.Base.DebianLockSha256);
        Assert.Empty(plan.Env);
    }

    [Fact]
    public void Globs_resolve_to_sorted_repository_paths_with_the_bases_and_schema_they_need()
    {
        using var repo = new ImageRepo();
        repo.Write("specs/notes.txt", "not a spec\n");
        var text = Replace("    - ../specs/**/*.yaml", "    - ../specs/suite/*.yaml\n    - ../specs/a.yaml");

        var image = Assert.Single(repo.Compile(text).Images);

        Assert.Equal(
            ["specs/a.yaml", "specs/base/machine.yaml", "specs/schema/vmspec-v1.schema.json", "specs/suite/b.yaml"],
            image.Plan.SpecFiles.Select(f => f.Path));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Join(repo.Root, "specs/suite/b.yaml")))),
            image.Plan.SpecFiles.Single(f => f.Path == "specs/suite/b.yaml").Sha256);
        Assert.Equal(["a", "b"], image.Cases.Select(c => c.Name));
        Assert.Equal("/opt/vmspec/specs/suite/b.yaml", ImagePlan.InstallPath(image.Plan.SpecFiles[^1].Path));
    }

    [Fact]
    public void Explicit_fields_are_carried_with_maps_sorted()
    {
        using var repo = new ImageRepo();
        var text = ImageRepo.Definition + """

              tag: "1.2"
              vmspec: out/vmspec
              entrypoint: [/bin/sh, -c]
              cmd: []
              user: vmspec:kvm
              workingDir: /work
              env: { Z: "1", A: two }
              labels: { org.opencontainers.image.title: vmspec }
              annotations: { b: "2", a: "1" }
            """;

        var plan = Assert.Single(repo.Compile(text).Images).Plan;

        Assert.Equal(("1.2", "out/vmspec", "vmspec:kvm", "/work"), (plan.Tag, plan.VmspecBinary, plan.User, plan.WorkingDir));
        Assert.Equal(["/bin/sh", "-c"], plan.Entrypoint);
        Assert.Empty(plan.Cmd);
        Assert.Equal(["A", "Z"], plan.Env.Select(e => e.Key));
        Assert.Equal(["a", "b"], plan.Annotations.Select(e => e.Key));
        Assert.Equal("vmspec", Assert.Single(plan.Labels).Value);
    }

    [Fact]
    public void Compiling_twice_gives_identical_bytes_and_the_plan_reads_back()
    {
        using var repo = new ImageRepo();
        var first = Assert.Single(repo.Compile().Images);
        var second = Assert.Single(repo.Compile().Images);

        Assert.Equal(first.CanonicalJson, second.CanonicalJson);
        Assert.Equal(first.Plan.SpecFiles, ImagePlanReader.Read(first.CanonicalJson).SpecFiles);
        Assert.Equal(first.CanonicalJson, ImagePlanWriter.Write(ImagePlanReader.Read(first.CanonicalJson), out var digest));
        Assert.Equal(first.Digest, digest);
        var text = Encoding.UTF8.GetString(first.CanonicalJson);
        Assert.DoesNotContain(repo.Root, text);
        Assert.EndsWith("}\n", text);
    }

    [Fact]
    public void Image_plan_reader_rejects_edits_and_unknown_members()
    {
        using var repo = new ImageRepo();
        var text = Encoding.UTF8.GetString(Assert.Single(repo.Compile().Images).CanonicalJson);

        Assert.StartsWith("$.digest:", Assert.Throws<PlanFormatException>(() =>
            ImagePlanReader.Read(Encoding.UTF8.GetBytes(text.Replace("10001:10001", "0:0")))).Message);
        Assert.Equal("$.base.extra: unknown member", Assert.Throws<PlanFormatException>(() =>
            ImagePlanReader.Read(Encoding.UTF8.GetBytes(text.Replace("\"base\": {", "\"base\": {\n    \"extra\": \"x\",")))).Message);

        var plan = ImagePlanReader.Read(Encoding.UTF8.GetBytes(text));
        var unsorted = ImagePlanWriter.Write(plan with { Base = plan.Base with { Packages = ["zlib1g", "libc6"] } }, out _);
        Assert.Equal("$.base.packages[1]: expected entries sorted ordinally without repeats, found 'libc6' after 'zlib1g'",
            Assert.Throws<PlanFormatException>(() => ImagePlanReader.Read(unsorted)).Message);
    }

    private const string LabDefinition = ImageRepo.Definition + """

          lab:
            hosts: [../specs/hosts/*.yaml]
        """;

    [Fact]
    public void A_lab_carries_its_host_kernels_pins_and_their_definitions_with_the_schema_they_name()
    {
        using var repo = new ImageRepo();
        repo.Write("specs/hosts/deb.yaml", "# yaml-language-server: $schema=../schema/vmspec-host-v1.schema.json\n" + HostFiles.Debian);
        repo.Write("specs/schema/vmspec-host-v1.schema.json", "{}\n");

        var result = repo.Compile(LabDefinition);

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var plan = Assert.Single(result.Images).Plan;
        Assert.Equal([new ImageLabHost("deb", "specs/hosts/deb.yaml", "linux-image-6.12.117+deb12-amd64-unsigned", "6.12.117-1~deb12u1",
            "5de3e329c887173debec07ff1325c975cf4f286d364929d17fecb1e1325c5c46")], plan.LabHosts);
        Assert.Contains(plan.SpecFiles, f => f.Path == "specs/hosts/deb.yaml");
        Assert.Contains(plan.SpecFiles, f => f.Path == "specs/schema/vmspec-host-v1.schema.json");
        Assert.Equal(["a", "b"], Assert.Single(result.Images).Cases.Select(c => c.Name));
        Assert.Equal(plan.LabHosts, ImagePlanReader.Read(Assert.Single(result.Images).CanonicalJson).LabHosts);
    }

    [Fact]
    public void A_lab_refuses_a_local_host_kernel()
    {
        using var repo = new ImageRepo();
        repo.Write("linux/arch/x86/boot/bzImage", "not really a kernel");
        repo.Write("linux/mod/lib/modules/6.13.0/modules.builtin", "kernel/fs/ext4/ext4.ko\n");
        repo.Write("specs/hosts/dev.yaml", HostFiles.Local.Replace("../linux/", "../../linux/", StringComparison.Ordinal));

        var diagnostic = Assert.Single(repo.Compile(LabDefinition).Diagnostics);

        Assert.Equal("image.lab.hosts[0]", diagnostic.FieldPath);
        Assert.Contains("host kernel 'dev' (specs/hosts/dev.yaml) is a local build; a lab image carries Debian host kernels only", diagnostic.Message);
    }

    [Fact]
    public void A_lab_glob_matching_no_host_kernel() =>
        AssertOnlyError(LabDefinition, (12, 13, "image.lab.hosts[0]"), "'../specs/hosts/*.yaml' matches no host kernel file");

    [Fact]
    public void Kept_paths_are_sorted_into_the_plan_and_read_back()
    {
        using var repo = new ImageRepo();
        var image = Assert.Single(repo.Compile(Replace("packages: [libc6]", "packages: [libc6]\n    keep: [usr/bin/*, bin/sh]")).Images);

        Assert.Equal(["bin/sh", "usr/bin/*"], image.Plan.Base.Keep);
        Assert.Equal(image.Plan.Base.Keep, ImagePlanReader.Read(image.CanonicalJson).Base.Keep);
    }

    [Theory]
    [InlineData("keep: [bin/sh, bin/sh]", 20, "image.base.keep[1]", "'bin/sh' is listed twice")]
    [InlineData("keep: [usr/../etc/shadow]", 12, "image.base.keep[0]", "'usr/../etc/shadow' is not a plain path inside the packages")]
    public void A_kept_path_listed_twice_or_climbing_out_is_an_error(string keep, int column, string field, string message) =>
        AssertOnlyError(Replace("packages: [libc6]", "packages: [libc6]\n    " + keep), (9, column, field), message);

    [Fact]
    public void Missing_lock_file() =>
        AssertOnlyError(Replace("debianLock: debian.lock.json", "debianLock: nope.json"), (7, 17, "image.base.debianLock"), "file 'nope.json' does not exist");

    [Fact]
    public void Package_not_pinned() =>
        AssertOnlyError(Replace("[libc6]", "[libc6, bash]"), (8, 23, "image.base.packages[1]"), "package 'bash' is not pinned in 'images/debian.lock.json'");

    [Fact]
    public void Package_listed_twice() =>
        AssertOnlyError(Replace("[libc6]", "[libc6, libc6]"), (8, 23, "image.base.packages[1]"), "listed twice");

    [Fact]
    public void Malformed_lock_file()
    {
        using var repo = new ImageRepo();
        repo.Write("images/debian.lock.json", "[1, 2]");

        var diagnostic = Assert.Single(repo.Compile().Diagnostics);

        Assert.Equal((7, 17, "image.base.debianLock"), (diagnostic.Location.Line, diagnostic.Location.Column, diagnostic.FieldPath));
        Assert.Contains("expected a JSON object with a 'packages' array", diagnostic.Message);
    }

    [Fact]
    public void Glob_matching_nothing() =>
        AssertOnlyError(Replace("../specs/**/*.yaml", "../specs/**/*.yml"), (10, 7, "image.specs[0]"), "'../specs/**/*.yml' matches no file");

    [Fact]
    public void Spec_outside_the_specs_directory()
    {
        using var repo = new ImageRepo();
        repo.Write("elsewhere/c.yaml", Specs.Minimal.Replace("name: t", "name: c"));

        var diagnostic = Assert.Single(repo.Compile(Replace("../specs/**/*.yaml", "../elsewhere/*.yaml")).Diagnostics);

        Assert.Equal((10, 7, "image.specs[0]"), (diagnostic.Location.Line, diagnostic.Location.Column, diagnostic.FieldPath));
        Assert.Contains("'elsewhere/c.yaml' (needed by elsewhere/c.yaml) is not under the repository's specs/ directory", diagnostic.Message);
    }

    [Fact]
    public void Absolute_glob() =>
        AssertOnlyError(Replace("../specs/**/*.yaml", "/specs/*.yaml"), (10, 7, "image.specs[0]"), "found absolute path '/specs/*.yaml'");

    [Fact]
    public void Vmspec_binary_outside_the_repository() =>
        AssertOnlyError(ImageRepo.Definition + "\n  vmspec: ../../vmspec\n", (11, 11, "image.vmspec"), "expected a file inside the repository");

    [Fact]
    public void Root_user() =>
        AssertOnlyError(ImageRepo.Definition + "\n  user: \"0:0\"\n", (11, 9, "image.user"), "must not run as root");

    [Fact]
    public void Bad_image_name() =>
        AssertOnlyError(Replace("name: verify", "name: Verify"), (4, 9, "metadata.name"), "expected a string matching ^[a-z0-9][a-z0-9._-]{0,127}$");

    [Fact]
    public void Unknown_key() =>
        AssertOnlyError(ImageRepo.Definition + "\n  ports: [80]\n", (11, 3, "image.ports"), "unknown key; expected one of: tag, base, lab, vmspec, specs");

    [Fact]
    public void Missing_required_key() =>
        AssertOnlyError(Replace("    packages: [libc6]\n", ""), (7, 5, "image.base.packages"), "missing required key");

    [Fact]
    public void A_spec_in_images_is_an_error_naming_the_file() =>
        AssertOnlyError(Specs.Minimal, (2, 7, "kind"), "is a spec: specs belong in specs/");

    [Fact]
    public void Errors_of_a_carried_spec_are_the_images_errors()
    {
        using var repo = new ImageRepo();
        repo.Write("specs/a.yaml", Specs.Minimal.Replace("memory: 8MiB", "memory: lots"));

        var diagnostic = Assert.Single(repo.Compile().Diagnostics);

        Assert.EndsWith(Path.Join("specs", "a.yaml"), diagnostic.Location.File);
        Assert.Equal("machine.memory", diagnostic.FieldPath);
    }

    [Fact]
    public void Directory_rejects_two_images_with_one_reference()
    {
        using var repo = new ImageRepo();
        repo.Write("images/one.yaml", ImageRepo.Definition);
        repo.Write("images/two.yaml", ImageRepo.Definition);

        var result = ImageCompilation.CompileDirectory(Path.Join(repo.Root, "images"));

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.EndsWith("two.yaml", diagnostic.Location.File);
        Assert.Contains("image 'verify:latest' is also defined by", diagnostic.Message);
        Assert.Empty(result.Images);
    }

    [Fact]
    public void Without_a_repository_marker_the_root_must_be_given()
    {
        using var files = new TestFiles();
        var path = files.Write("images/verify.yaml", ImageRepo.Definition);

        var diagnostic = Assert.Single(ImageCompilation.CompileFile(path).Diagnostics);

        Assert.Contains("no vmspec.slnx above", diagnostic.Message);
    }

    [Theory]
    [InlineData("debianLock: debian.lock.json", "debianLock: \"a\\0b\"", "image.base.debianLock")]
    [InlineData("- ../specs/**/*.yaml", "- \"../specs/\\0/*.yaml\"", "image.specs[0]")]
    [InlineData("- ../specs/**/*.yaml", "- \"../specs/[a\"", "image.specs[0]")]
    public void Unusable_paths_are_diagnostics_not_exceptions(string from, string to, string field)
    {
        using var repo = new ImageRepo();

        var diagnostic = Assert.Single(repo.Compile(Replace(from, to)).Diagnostics);

        Assert.Equal(field, diagnostic.FieldPath);
    }
}
