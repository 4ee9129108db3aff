using Vmspec.SpecCompiler.Language;
using Vmspec.SpecCompiler.Tests.Support;

namespace Vmspec.SpecCompiler.Tests.Language;

/// <summary>
/// Host kernels live among the specs (specs/hosts/) but are no specs: <see cref="SpecFiles"/> decides,
/// and directory compiles, image globs and single-file compiles follow it.
/// </summary>
public sealed class SpecFilesTests
{
    [Fact]
    public void Only_a_file_that_says_kind_HostKernel_is_no_spec()
    {
        using var files = new TestFiles();

        Assert.False(SpecFiles.IsSpec(files.Write("hosts/h.yaml", HostFiles.Debian)));
        Assert.False(SpecFiles.IsSpec(files.Write("elsewhere/h.yaml", HostFiles.Debian)));
        Assert.True(SpecFiles.IsSpec(files.Write("hosts/spec.yaml", Specs.Minimal)));
        Assert.True(SpecFiles.IsSpec(files.Write("image.yaml", ImageRepo.Definition)));
        Assert.True(SpecFiles.IsSpec(files.Write("broken.yaml", "kind: HostKernel\n  oops: [\n")));
        Assert.True(SpecFiles.IsSpec(files.Write("list.yaml", "- kind: HostKernel\n")));
        Assert.True(SpecFiles.IsSpec(Path.Join(files.Dir, "missing.yaml")));
    }

    [Fact]
    public void Directory_compile_passes_over_host_kernels()
    {
        using var files = new TestFiles();
        files.Write("specs/ok.yaml", Specs.Minimal);
        files.Write("specs/hosts/h.yaml", HostFiles.Debian);
        files.Write("specs/hosts/broken.yaml", "apiVersion: vmspec.dev/v1\nkind: HostKernel\nmetadata: { name: Bad }\n");

        var result = SpecCompilation.CompileDirectory(Path.Join(files.Dir, "specs"));

        Assert.True(result.Succeeded, Specs.Errors(result));
        Assert.Equal("t", Assert.Single(result.Cases).Name);
    }

    [Fact]
    public void Directory_compile_of_the_hosts_folder_finds_no_specs()
    {
        using var files = new TestFiles();
        files.Write("specs/hosts/h.yaml", HostFiles.Debian);

        var result = SpecCompilation.CompileDirectory(Path.Join(files.Dir, "specs", "hosts"));

        Assert.True(result.Succeeded, Specs.Errors(result));
        Assert.Empty(result.Cases);
    }

    [Fact]
    public void A_spec_in_the_hosts_folder_is_still_a_spec()
    {
        using var files = new TestFiles();
        files.Write("specs/hosts/misplaced.yaml", Specs.Minimal);

        var result = SpecCompilation.CompileDirectory(Path.Join(files.Dir, "specs"));

        Assert.Equal("t", Assert.Single(result.Cases).Name);
    }

    [Fact]
    public void Compiling_a_host_kernel_as_a_spec_is_an_error_naming_the_file()
    {
        var diagnostic = Assert.Single(Specs.Compile(HostFiles.Debian, "specs/hosts/h.yaml").Diagnostics);

        Assert.Equal("specs/hosts/h.yaml:2:7: error: kind: specs/hosts/h.yaml is a host kernel: HostKernel files belong in specs/hosts/ and are loaded by HostKernelCatalog (--host), not compiled as specs",
            diagnostic.ToString());
    }

    [Fact]
    public void Image_globs_pass_over_host_kernels()
    {
        using var repo = new ImageRepo();
        repo.Write("specs/hosts/h.yaml", "# yaml-language-server: $schema=../schema/vmspec-host-v1.schema.json\n" + HostFiles.Debian);

        var result = repo.Compile(); // specs: [../specs/**/*.yaml]

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var image = Assert.Single(result.Images);
        Assert.DoesNotContain(image.Plan.SpecFiles, f => f.Path.StartsWith("specs/hosts/", StringComparison.Ordinal));
        Assert.Equal(["a", "b"], image.Cases.Select(c => c.Name));
    }

    [Fact]
    public void An_image_glob_naming_a_host_kernel_is_an_error()
    {
        using var repo = new ImageRepo();
        repo.Write("specs/hosts/h.yaml", HostFiles.Debian);

        var result = repo.Compile(ImageRepo.Definition.Replace("../specs/**/*.yaml", "../specs/hosts/h.yaml"));

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(("kind", 2, 7), (diagnostic.FieldPath, diagnostic.Location.Line, diagnostic.Location.Column));
        Assert.Contains("is a host kernel", diagnostic.Message);
    }

    [Fact]
    public void A_host_kernel_among_the_image_definitions_is_an_error()
    {
        using var repo = new ImageRepo();

        var diagnostic = Assert.Single(repo.Compile(HostFiles.Debian).Diagnostics);

        Assert.Equal(("kind", 2, 7), (diagnostic.FieldPath, diagnostic.Location.Line, diagnostic.Location.Column));
        Assert.Contains("is a host kernel: HostKernel files belong in specs/hosts/", diagnostic.Message);
    }
}
