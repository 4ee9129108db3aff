using Vmspec.SpecCompiler.Model;
using Vmspec.SpecCompiler.Tests.Support;

namespace Vmspec.SpecCompiler.Tests;

/// <summary>A folder of host kernels: unique names, exactly one default, lookup by name or path.</summary>
public sealed class HostKernelCatalogTests
{
    private static HostKernelCatalog LoadOk(string directory)
    {
        var result = HostKernelCatalog.Load(directory);
        Assert.True(result.Succeeded, HostFiles.Errors(result));
        return result.Catalog!;
    }

    [Fact]
    public void Catalog_holds_the_hosts_sorted_by_name_with_the_default()
    {
        using var files = new TestFiles();
        files.Write("hosts/b.yaml", HostFiles.Named("zeta"));
        files.Write("hosts/a.yml", HostFiles.Named("alpha", isDefault: true));
        files.Write("hosts/notes.txt", "not a host\n");
        files.Write("hosts/sub/ignored.yaml", "not even YAML: [\n");

        var catalog = LoadOk(Path.Join(files.Dir, "hosts"));

        Assert.Equal(["alpha", "zeta"], catalog.Names);
        Assert.Equal("alpha", catalog.Default?.Name);
        Assert.Equal(Path.Join(files.Dir, "hosts", "a.yml"), catalog.Default?.SourcePath);
    }

    [Fact]
    public void Find_by_name_returns_the_catalogs_host()
    {
        using var files = new TestFiles();
        files.Write("hosts/a.yaml", HostFiles.Named("alpha", isDefault: true));
        files.Write("hosts/b.yaml", HostFiles.Named("beta"));
        var catalog = LoadOk(Path.Join(files.Dir, "hosts"));

        var result = catalog.Find("beta");

        Assert.True(result.Succeeded);
        Assert.Same(catalog.Hosts.Single(h => h.Name == "beta"), result.Host);
    }

    [Fact]
    public void Find_by_path_compiles_that_file_wherever_it_is()
    {
        using var files = new TestFiles();
        files.Write("hosts/a.yaml", HostFiles.Named("alpha", isDefault: true));
        HostFiles.WriteLocalBuild(files);
        var local = files.Write("mine/dev.yaml", HostFiles.Local);
        var catalog = LoadOk(Path.Join(files.Dir, "hosts"));

        var byPath = catalog.Find(local);
        var inCatalog = catalog.Find(Path.Join(files.Dir, "hosts", "a.yaml"));

        Assert.True(byPath.Succeeded, HostFiles.Errors(byPath));
        Assert.Equal("dev", byPath.Host!.Name);
        Assert.IsType<LocalHostKernel>(byPath.Host.Source);
        Assert.Equal(catalog.Default, inCatalog.Host);
    }

    [Fact]
    public void Find_by_relative_path_and_a_missing_file()
    {
        using var files = new TestFiles();
        files.Write("hosts/a.yaml", HostFiles.Named("alpha", isDefault: true));
        var catalog = LoadOk(Path.Join(files.Dir, "hosts"));

        var relative = catalog.Find(Path.GetRelativePath(Environment.CurrentDirectory, Path.Join(files.Dir, "hosts", "a.yaml")));
        var missing = catalog.Find("nope.yaml");

        Assert.Equal("alpha", relative.Host?.Name);
        Assert.Equal("nope.yaml:1:1: error: file 'nope.yaml' does not exist", Assert.Single(missing.Diagnostics).ToString());
        Assert.Null(missing.Host);
    }

    [Fact]
    public void Unknown_name_is_an_error_listing_the_known_names()
    {
        using var files = new TestFiles();
        files.Write("hosts/a.yaml", HostFiles.Named("alpha", isDefault: true));
        files.Write("hosts/b.yaml", HostFiles.Named("beta"));
        var directory = Path.Join(files.Dir, "hosts");

        var result = LoadOk(directory).Find("gamma");

        Assert.Null(result.Host);
        Assert.Equal(
            $"{directory}:1:1: error: unknown host kernel 'gamma'; known host kernels: alpha, beta (or give the path of a .yaml file of kind HostKernel)",
            Assert.Single(result.Diagnostics).ToString());
    }

    [Theory]
    [InlineData("debian-6.12", false)]
    [InlineData("a.b-c", false)]
    [InlineData("dev.yaml", true)]
    [InlineData("dev.yml", true)]
    [InlineData("./dev", true)]
    [InlineData("/abs/dev", true)]
    public void Names_and_paths_are_told_apart(string text, bool isPath) => Assert.Equal(isPath, HostKernelCatalog.IsPath(text));

    [Fact]
    public void Two_hosts_with_one_name_is_an_error_naming_both_files()
    {
        using var files = new TestFiles();
        var first = files.Write("hosts/a.yaml", HostFiles.Named("same", isDefault: true));
        var second = files.Write("hosts/b.yaml", HostFiles.Named("same"));

        var result = HostKernelCatalog.Load(Path.Join(files.Dir, "hosts"));

        Assert.Null(result.Catalog);
        Assert.Equal($"{second}:4:9: error: metadata.name: host kernel 'same' is also defined by {first}; names must be unique",
            Assert.Single(result.Diagnostics).ToString());
    }

    [Fact]
    public void Hosts_without_a_default_are_an_error()
    {
        using var files = new TestFiles();
        files.Write("hosts/a.yaml", HostFiles.Named("alpha"));
        files.Write("hosts/b.yaml", HostFiles.Named("beta"));
        var directory = Path.Join(files.Dir, "hosts");

        var result = HostKernelCatalog.Load(directory);

        Assert.Null(result.Catalog);
        Assert.Equal($"{directory}:1:1: error: default: none of the host kernels (alpha, beta) says default: true; exactly one must",
            Assert.Single(result.Diagnostics).ToString());
    }

    [Fact]
    public void Two_defaults_are_an_error_at_the_second()
    {
        using var files = new TestFiles();
        var first = files.Write("hosts/a.yaml", HostFiles.Named("alpha", isDefault: true));
        var second = files.Write("hosts/b.yaml", HostFiles.Named("beta", isDefault: true));
        files.Write("hosts/c.yaml", HostFiles.Named("gamma"));

        var result = HostKernelCatalog.Load(Path.Join(files.Dir, "hosts"));

        Assert.Null(result.Catalog);
        Assert.Equal(
            $"{second}:11:10: error: default: host kernel 'beta' says default: true, and so does 'alpha' ({first}:11:10); exactly one host kernel may be the default",
            Assert.Single(result.Diagnostics).ToString());
    }

    [Fact]
    public void A_broken_file_fails_the_catalog_without_a_guess_about_the_default()
    {
        using var files = new TestFiles();
        files.Write("hosts/a.yaml", HostFiles.Named("alpha", isDefault: true).Replace("version: 6.12.117-1~deb12u1", "version: [1]"));
        files.Write("hosts/b.yaml", HostFiles.Named("beta"));

        var result = HostKernelCatalog.Load(Path.Join(files.Dir, "hosts"));

        Assert.Null(result.Catalog);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(("kernel.debian.version", 9), (diagnostic.FieldPath, diagnostic.Location.Line));
    }

    [Fact]
    public void A_spec_among_the_hosts_is_an_error_naming_its_kind()
    {
        using var files = new TestFiles();
        files.Write("hosts/a.yaml", HostFiles.Named("alpha", isDefault: true));
        files.Write("hosts/spec.yaml", Specs.Minimal);

        var diagnostic = Assert.Single(HostKernelCatalog.Load(Path.Join(files.Dir, "hosts")).Diagnostics);

        Assert.Equal(("kind", 2, 7), (diagnostic.FieldPath, diagnostic.Location.Line, diagnostic.Location.Column));
        Assert.Contains("is a spec", diagnostic.Message);
    }

    [Fact]
    public void An_empty_folder_is_an_empty_catalog_without_a_default()
    {
        using var files = new TestFiles();
        Directory.CreateDirectory(Path.Join(files.Dir, "hosts"));

        var catalog = LoadOk(Path.Join(files.Dir, "hosts"));

        Assert.Empty(catalog.Hosts);
        Assert.Null(catalog.Default);
        Assert.Contains("known host kernels: none", Assert.Single(catalog.Find("debian-6.12").Diagnostics).Message);
    }

    [Fact]
    public void A_missing_folder_is_an_error()
    {
        var result = HostKernelCatalog.Load("/nonexistent/hosts");

        Assert.Equal("/nonexistent/hosts:1:1: error: directory does not exist", Assert.Single(result.Diagnostics).ToString());
        Assert.Null(result.Catalog);
    }
}
