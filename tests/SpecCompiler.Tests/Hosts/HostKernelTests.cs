using Vmspec.SpecCompiler.Model;
using Vmspec.SpecCompiler.Tests.Support;

namespace Vmspec.SpecCompiler.Tests.Hosts;

/// <summary>One host kernel file (kind HostKernel): what it compiles to, and each error with its position and field.</summary>
public sealed class HostKernelTests
{
    private static string Debian(string from, string to)
    {
        Assert.Contains(from, HostFiles.Debian);
        return HostFiles.Debian.Replace(from, to);
    }

    private static string Local(string from, string to)
    {
        Assert.Contains(from, HostFiles.Local);
        return HostFiles.Local.Replace(from, to);
    }

    private static void AssertOnlyError(string text, string expectedPrefix, string messageFragment)
    {
        var result = HostFiles.Compile(text);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.StartsWith(expectedPrefix, diagnostic.ToString());
        Assert.Contains(messageFragment, diagnostic.Message);
        Assert.Null(result.Host);
    }

    /// <summary>Compiles <paramref name="text"/> as hosts/dev.yaml of <paramref name="files"/>, which holds a local build; returns the only error.</summary>
    private static Vmspec.SpecCompiler.Diagnostics.Diagnostic OnlyLocalError(TestFiles files, string text)
    {
        HostFiles.WriteLocalBuild(files);
        var result = HostKernelCompiler.Compile(files.Write("hosts/dev.yaml", text));
        Assert.Null(result.Host);
        return Assert.Single(result.Diagnostics);
    }

    [Fact]
    public void Debian_host_compiles_to_its_package()
    {
        using var files = new TestFiles();
        var path = files.Write("hosts/deb.yaml", HostFiles.Debian);

        var result = HostKernelCompiler.Compile(path);

        Assert.True(result.Succeeded, HostFiles.Errors(result));
        Assert.Equal(
            new HostKernelSpec("deb", "a Debian host", false, Path.GetFullPath(path),
                new DebianHostKernel("linux-image-6.12.117+deb12-amd64-unsigned", "6.12.117-1~deb12u1", "5de3e329c887173debec07ff1325c975cf4f286d364929d17fecb1e1325c5c46")),
            result.Host);
    }

    [Fact]
    public void Local_host_paths_are_resolved_against_the_files_folder()
    {
        using var files = new TestFiles();
        HostFiles.WriteLocalBuild(files);
        var path = files.Write("hosts/dev.yaml", HostFiles.Local);

        var result = HostKernelCompiler.Compile(path);

        Assert.True(result.Succeeded, HostFiles.Errors(result));
        var host = result.Host!;
        Assert.Equal(("dev", null, true), (host.Name, host.Description, host.IsDefault));
        Assert.Equal(
            new LocalHostKernel(Path.Join(files.Dir, "linux", "arch", "x86", "boot", "bzImage"), Path.Join(files.Dir, "linux", "mod", "lib", "modules", "6.13.0")),
            host.Source);
    }

    [Fact]
    public void Local_host_takes_absolute_paths()
    {
        using var files = new TestFiles();
        HostFiles.WriteLocalBuild(files);
        var bzImage = Path.Join(files.Dir, "linux", "arch", "x86", "boot", "bzImage");
        var modules = Path.Join(files.Dir, "linux", "mod", "lib", "modules", "6.13.0");
        var text = Local("../linux/arch/x86/boot/bzImage", bzImage).Replace("../linux/mod/lib/modules/6.13.0", modules);

        var result = HostKernelCompiler.Compile(files.Write("elsewhere/deep/dev.yaml", text));

        Assert.True(result.Succeeded, HostFiles.Errors(result));
        Assert.Equal(new LocalHostKernel(bzImage, modules), result.Host!.Source);
    }

    [Fact]
    public void Diagnostic_renders_file_line_column_field_and_expectation() =>
        Assert.Equal(
            "host.yaml:10:13: error: kernel.debian.sha256: expected a string matching ^[0-9a-f]{64}$ of at most 64 characters, found '5DE3'",
            Assert.Single(HostFiles.Compile(Debian("sha256: 5de3e329c887173debec07ff1325c975cf4f286d364929d17fecb1e1325c5c46", "sha256: 5DE3")).Diagnostics).ToString());

    [Fact]
    public void Both_Debian_and_local_is_an_error_naming_kernel()
    {
        using var files = new TestFiles();
        var diagnostic = OnlyLocalError(files, HostFiles.Local
            + "\n  debian: { package: linux-image-amd64, version: \"1\", sha256: 5de3e329c887173debec07ff1325c975cf4f286d364929d17fecb1e1325c5c46 }\n");

        Assert.Equal((7, 3, "kernel"), (diagnostic.Location.Line, diagnostic.Location.Column, diagnostic.FieldPath));
        Assert.Equal("expected exactly one of: debian, local", diagnostic.Message);
    }

    [Fact]
    public void Neither_Debian_nor_local_is_an_error_naming_kernel() =>
        AssertOnlyError(Debian("kernel:\n  debian:\n    package: linux-image-6.12.117+deb12-amd64-unsigned\n    version: 6.12.117-1~deb12u1\n    sha256: 5de3e329c887173debec07ff1325c975cf4f286d364929d17fecb1e1325c5c46", "kernel: {}"),
            "host.yaml:6:9: error: kernel:", "expected exactly one of: debian, local");

    [Fact]
    public void Bad_package_name() =>
        AssertOnlyError(Debian("package: linux-image-6.12.117+deb12-amd64-unsigned", "package: Linux_Image"),
            "host.yaml:8:14: error: kernel.debian.package:", "expected a string matching ^[a-z0-9][a-z0-9+.-]{1,127}$");

    [Fact]
    public void Bad_package_version() =>
        AssertOnlyError(Debian("version: 6.12.117-1~deb12u1", "version: 6.12 beta"),
            "host.yaml:9:14: error: kernel.debian.version:", "expected a string matching ^[A-Za-z0-9.+~:-]{1,64}$");

    [Fact]
    public void Missing_package_sha256() =>
        AssertOnlyError(Debian("    sha256: 5de3e329c887173debec07ff1325c975cf4f286d364929d17fecb1e1325c5c46", ""),
            "host.yaml:8:5: error: kernel.debian.sha256:", "missing required key");

    [Fact]
    public void Host_and_guest_kernels_share_one_Debian_package_syntax()
    {
        var guest = Specs.Compile(Specs.Minimal.Replace("  test:\n    program: minimal",
            "  linux:\n    kernel:\n      debian: { package: Linux_Image, version: 6.12.117-1~deb12u1, sha256: 5de3e329c887173debec07ff1325c975cf4f286d364929d17fecb1e1325c5c46 }"));
        var host = HostFiles.Compile(Debian("package: linux-image-6.12.117+deb12-amd64-unsigned", "package: Linux_Image"));

        Assert.Equal(Assert.Single(guest.Diagnostics).Message, Assert.Single(host.Diagnostics).Message);
    }

    [Fact]
    public void Bad_name() =>
        AssertOnlyError(Debian("name: deb", "name: Debian_6"), "host.yaml:4:9: error: metadata.name:", "expected a string matching ^[a-z0-9][a-z0-9.-]{0,62}$");

    [Fact]
    public void Name_that_reads_as_a_file_is_an_error() =>
        AssertOnlyError(Debian("name: deb", "name: deb.yaml"), "host.yaml:4:9: error: metadata.name:", "would be taken for a file by --host");

    [Fact]
    public void Default_must_be_a_boolean() =>
        AssertOnlyError(Debian("kernel:\n", "default: yes\nkernel:\n"), "host.yaml:6:10: error: default:", "expected true or false (unquoted)");

    [Fact]
    public void Missing_kernel() =>
        AssertOnlyError("apiVersion: vmspec.dev/v1\nkind: HostKernel\nmetadata: { name: deb }\n", "host.yaml:1:1: error: kernel:", "missing required key");

    [Theory]
    [InlineData("extends: base.yaml")]
    [InlineData("matrix: { axes: { a: [1] } }")]
    [InlineData("labels: { a: b }")]
    public void Extends_matrix_and_other_keys_are_refused(string line) =>
        AssertOnlyError(HostFiles.Debian + "\n" + line + "\n", "host.yaml:11:1: error: " + line[..line.IndexOf(':')] + ":",
            "unknown key; expected one of: apiVersion, kind, metadata, default, kernel");

    [Fact]
    public void A_spec_is_refused_with_its_kind() =>
        AssertOnlyError(Specs.Minimal, "host.yaml:2:7: error: kind:", "is a spec: specs are compiled by SpecCompilation");

    [Fact]
    public void An_image_definition_is_refused_with_its_kind() =>
        AssertOnlyError(ImageRepo.Definition, "host.yaml:2:7: error: kind:", "is an image definition");

    [Fact]
    public void Every_error_of_a_file_is_reported_at_once()
    {
        var text = Debian("name: deb", "name: Deb").Replace("version: 6.12.117-1~deb12u1", "version: \"\"") + "\nextra: 1\n";

        var result = HostFiles.Compile(text);

        Assert.Equal(["metadata.name", "kernel.debian.version", "extra"], result.Diagnostics.Select(d => d.FieldPath));
    }

    [Fact]
    public void Missing_bzImage_names_the_field_and_the_resolved_path()
    {
        using var files = new TestFiles();
        var diagnostic = OnlyLocalError(files, Local("arch/x86/boot/bzImage", "vmlinux"));

        Assert.Equal((8, 14, "kernel.local.bzImage"), (diagnostic.Location.Line, diagnostic.Location.Column, diagnostic.FieldPath));
        Assert.Equal($"file '{Path.Join(files.Dir, "linux", "vmlinux")}' does not exist", diagnostic.Message);
    }

    [Fact]
    public void Missing_modules_names_the_field_and_the_resolved_path()
    {
        using var files = new TestFiles();
        var diagnostic = OnlyLocalError(files, Local("6.13.0", "6.14.0"));

        Assert.Equal((9, 14, "kernel.local.modules"), (diagnostic.Location.Line, diagnostic.Location.Column, diagnostic.FieldPath));
        Assert.Equal($"folder '{Path.Join(files.Dir, "linux", "mod", "lib", "modules", "6.14.0")}' does not exist", diagnostic.Message);
    }

    [Fact]
    public void BzImage_must_be_a_file()
    {
        using var files = new TestFiles();
        var diagnostic = OnlyLocalError(files, Local("../linux/arch/x86/boot/bzImage", "../linux/arch/x86/boot"));

        Assert.Equal("kernel.local.bzImage", diagnostic.FieldPath);
        Assert.Equal($"'{Path.Join(files.Dir, "linux", "arch", "x86", "boot")}' is a folder; expected a file", diagnostic.Message);
    }

    [Fact]
    public void Modules_must_be_a_folder()
    {
        using var files = new TestFiles();
        var diagnostic = OnlyLocalError(files, Local("../linux/mod/lib/modules/6.13.0", "../linux/mod/lib/modules/6.13.0/modules.builtin"));

        Assert.Equal("kernel.local.modules", diagnostic.FieldPath);
        Assert.EndsWith("modules.builtin' is a file; expected a folder", diagnostic.Message);
    }

    [Fact]
    public void Modules_must_be_the_release_folder_holding_modules_builtin()
    {
        using var files = new TestFiles();
        var diagnostic = OnlyLocalError(files, Local("../linux/mod/lib/modules/6.13.0", "../linux/mod/lib/modules"));

        Assert.Equal((9, 14, "kernel.local.modules"), (diagnostic.Location.Line, diagnostic.Location.Column, diagnostic.FieldPath));
        Assert.Equal($"'{Path.Join(files.Dir, "linux", "mod", "lib", "modules")}' holds no modules.builtin: expected the lib/modules/<release> folder that 'make modules_install' writes",
            diagnostic.Message);
    }

    [Fact]
    public void Missing_file_is_a_diagnostic()
    {
        var diagnostic = Assert.Single(HostKernelCompiler.Compile("/nonexistent/host.yaml").Diagnostics);

        Assert.Equal("/nonexistent/host.yaml:1:1: error: file '/nonexistent/host.yaml' does not exist", diagnostic.ToString());
    }

    [Theory]
    [InlineData("bzImage: ../linux/arch/x86/boot/bzImage", "bzImage: \"a\\0b\"", "kernel.local.bzImage")]
    [InlineData("modules: ../linux/mod/lib/modules/6.13.0", "modules: \"\\u0001\"", "kernel.local.modules")]
    public void Unusable_paths_are_diagnostics_not_exceptions(string from, string to, string field)
    {
        using var files = new TestFiles();
        var diagnostic = OnlyLocalError(files, Local(from, to));

        Assert.Equal(field, diagnostic.FieldPath);
    }
}
