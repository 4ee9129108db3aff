using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using System.Text;
using Vmspec.Images.Tests.Support;
using Vmspec.TestSupport;

namespace Vmspec.Images.Tests.Assembly;

public sealed class ImageAssemblerTests
{
    [Fact]
    public void Assembling_twice_builds_the_same_archive_bytes()
    {
        using var repo = new ScratchRepository();
        using var output = new TempDirectory();
        var image = repo.Compile();

        var first = OciImageLayout.Build(ImageAssembler.Assemble(image, repo.Inputs()), output.Combine("one"));
        var second = OciImageLayout.Build(ImageAssembler.Assemble(repo.Compile(), repo.Inputs()), output.Combine("two"));

        Assert.Equal(first.ManifestDigest, second.ManifestDigest);
        Assert.Equal(File.ReadAllBytes(first.ArchivePath), File.ReadAllBytes(second.ArchivePath));
        Assert.Equal("scratch-verify:latest", first.Reference);
    }

    [Fact]
    public void Layers_are_base_then_binary_then_specs_plans_and_a_shared_results_directory()
    {
        using var repo = new ScratchRepository();
        var image = repo.Compile();

        var definition = ImageAssembler.Assemble(image, repo.Inputs());
        var layers = definition.Layers.Select(l => l.Entries.Select(e => e.Path).Order(StringComparer.Ordinal).ToList()).ToList();

        Assert.Equal(3, layers.Count);
        Assert.StartsWith("debian: demo 1.0-1 (amd64)", definition.Layers[0].CreatedBy);
        Assert.Contains("usr/bin/tool", layers[0]);
        Assert.Equal(["usr/local/bin/vmspec"], layers[1]);
        Assert.True(definition.Layers[1].Entries[0].Executable);
        Assert.Equal(
            ["opt/vmspec/plans/a.plan.json", "opt/vmspec/plans/b.plan.json", "opt/vmspec/specs/a.yaml", "opt/vmspec/specs/b.yaml", "results"],
            layers[2]);
        var plan = definition.Layers[2].Entries.Single(e => e.Path == "opt/vmspec/plans/a.plan.json");
        Assert.Equal(image.Cases.Single(c => c.Name == "a").CanonicalJson, ContentOf(plan));
    }

    /// <summary>Stands in for the lab's kernel preparation: one boot image and one module per host, from scratch files.</summary>
    private sealed class ScratchLabKernels(ScratchRepository repo) : ILabKernelFiles
    {
        public string InputKey(SpecCompiler.Model.ImageLabHost host) => $"{host.Package}={host.Version}";

        public (string Folder, IReadOnlyList<(string Path, string Source)> Files) Files(SpecCompiler.Model.ImageLabHost host) =>
            ($"{host.Package}_{host.Version}", [("vmlinux-pvh", repo.Write($"kernels/{host.Name}/vmlinux", "kernel")),
                ("lib/modules/6.12.0/kernel/arch/x86/kvm/kvm.ko", repo.Write($"kernels/{host.Name}/kvm.ko", "module"))]);
    }

    [Fact]
    public void A_lab_image_carries_its_kernels_in_a_layer_of_their_own_and_tells_vmspec_where_they_are()
    {
        using var repo = new ScratchRepository();
        repo.Write("specs/hosts/deb.yaml", """
            apiVersion: vmspec.dev/v1
            kind: HostKernel
            metadata: { name: deb }
            kernel: { debian: { package: linux-image-6.12.0-amd64, version: 6.12.0-1, sha256: 5de3e329c887173debec07ff1325c975cf4f286d364929d17fecb1e1325c5c46 } }
            """);
        repo.Write("images/verify.yaml", File.ReadAllText(Path.Combine(repo.Root, "images/verify.yaml"))
            .Replace("  specs:", "  lab:\n    hosts: [../specs/hosts/*.yaml]\n  specs:", StringComparison.Ordinal));

        var definition = ImageAssembler.Assemble(repo.Compile(), repo.Inputs() with { LabKernels = new ScratchLabKernels(repo) });

        Assert.Equal(4, definition.Layers.Count);
        Assert.Equal("lab kernels: deb (linux-image-6.12.0-amd64=6.12.0-1)", definition.Layers[1].CreatedBy);
        Assert.Equal(
            ["opt/vmspec/lab-kernels/linux-image-6.12.0-amd64_6.12.0-1/lib/modules/6.12.0/kernel/arch/x86/kvm/kvm.ko",
                "opt/vmspec/lab-kernels/linux-image-6.12.0-amd64_6.12.0-1/vmlinux-pvh"],
            definition.Layers[1].Entries.Select(e => e.Path).Order(StringComparer.Ordinal));
        Assert.Contains("opt/vmspec/specs/hosts/deb.yaml", definition.Layers[3].Entries.Select(e => e.Path));
        Assert.Equal(["MODE=test", "VMSPEC_HOSTS=/opt/vmspec/specs/hosts", "VMSPEC_LAB_KERNELS=/opt/vmspec/lab-kernels"], definition.Config.Env);
        Assert.Contains("no host kernel files", Assert.Throws<ImageBuildException>(() => ImageAssembler.Assemble(repo.Compile(), repo.Inputs())).Message);
    }

    [Fact]
    public void Results_directory_is_sticky_and_world_writable_in_the_layer_tar()
    {
        using var repo = new ScratchRepository();
        using var output = new TempDirectory();
        var built = OciImageLayout.Build(ImageAssembler.Assemble(repo.Compile(), repo.Inputs()), output.Path, new LayerCache(output.Combine("cache")));

        var results = ReadLayer(built.Layers[2].File).Single(e => e.Name.TrimEnd('/') == "results");

        Assert.Equal(TarEntryType.Directory, results.EntryType);
        Assert.Equal((UnixFileMode)0b001_111_111_111, results.Mode);
        Assert.Equal(0, results.Uid);
    }

    [Fact]
    public void Config_and_annotations_carry_the_plan_provenance_and_the_epoch()
    {
        using var repo = new ScratchRepository();
        using var output = new TempDirectory();
        var image = repo.Compile();
        var built = OciImageLayout.Build(ImageAssembler.Assemble(image, repo.Inputs()), output.Path);

        using var manifest = JsonDocument.Parse(Blob(built.ArchivePath, built.ManifestDigest));
        var annotations = manifest.RootElement.GetProperty("annotations");
        Assert.Equal("0123456789abcdef0123456789abcdef01234567", annotations.GetProperty("org.opencontainers.image.revision").GetString());
        Assert.Equal("https://example.invalid/vmspec.git", annotations.GetProperty("org.opencontainers.image.source").GetString());
        Assert.Equal("2023-11-14T22:13:20Z", annotations.GetProperty("org.opencontainers.image.created").GetString());
        Assert.Equal(image.Digest, annotations.GetProperty(VmspecAnnotations.PlanDigest).GetString());
        var lines = string.Concat(image.Cases.Select(c => $"{c.Name} {c.Digest}\n"));
        Assert.Equal(Digest.Of(Encoding.UTF8.GetBytes(lines)).Hex, annotations.GetProperty(VmspecAnnotations.PlansSha256).GetString());
        Assert.Equal("scratch", annotations.GetProperty("org.example.note").GetString());

        using var config = JsonDocument.Parse(Blob(built.ArchivePath, built.ConfigDigest));
        var runtime = config.RootElement.GetProperty("config");
        Assert.Equal("10001:10001", runtime.GetProperty("User").GetString());
        Assert.Equal(["/usr/local/bin/vmspec"], runtime.GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["verify", "/opt/vmspec/specs", "--results", "/results"], runtime.GetProperty("Cmd").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["MODE=test"], runtime.GetProperty("Env").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("kvm", runtime.GetProperty("Labels").GetProperty("org.example.team").GetString());
    }

    [Fact]
    public void A_different_plan_set_changes_the_plans_annotation()
    {
        using var repo = new ScratchRepository();
        var before = ImageAssembler.PlansSha256(repo.Compile());
        repo.Write("specs/b.yaml", File.ReadAllText(Path.Combine(repo.Root, "specs/b.yaml")).Replace("8MiB", "16MiB", StringComparison.Ordinal));

        Assert.NotEqual(before, ImageAssembler.PlansSha256(repo.Compile()));
    }

    [Fact]
    public void Spec_changed_after_compile_is_refused_naming_the_file()
    {
        using var repo = new ScratchRepository();
        var image = repo.Compile();
        repo.Write("specs/a.yaml", "# edited after compile\n" + File.ReadAllText(Path.Combine(repo.Root, "specs/a.yaml")));

        var error = Assert.Throws<ImageBuildException>(() => ImageAssembler.Assemble(image, repo.Inputs()));

        Assert.StartsWith("specs/a.yaml: the spec file changed after the image definition was compiled", error.Message);
    }

    [Fact]
    public void Lock_file_changed_after_compile_is_refused_naming_it()
    {
        using var repo = new ScratchRepository();
        var image = repo.Compile();
        repo.Write("images/debian.lock.json", File.ReadAllText(Path.Combine(repo.Root, "images/debian.lock.json")).Replace("1.0-1\"", "1.0-2\"", StringComparison.Ordinal));

        var error = Assert.Throws<ImageBuildException>(() => ImageAssembler.Assemble(image, repo.Inputs()));

        Assert.StartsWith("images/debian.lock.json: the Debian lock file changed after the image definition was compiled", error.Message);
    }

    [Fact]
    public void Missing_binary_says_to_run_publish()
    {
        using var repo = new ScratchRepository();
        var image = repo.Compile();
        File.Delete(Path.Combine(repo.Root, "artifacts/bin/vmspec"));

        var error = Assert.Throws<ImageBuildException>(() => ImageAssembler.Assemble(image, repo.Inputs()));

        Assert.Equal("artifacts/bin/vmspec: the vmspec binary is missing; run ./build.sh Publish", error.Message);
    }

    [Fact]
    public void Warm_build_takes_the_base_layer_from_the_cache_without_fetching_or_unpacking_packages()
    {
        using var repo = new ScratchRepository();
        using var output = new TempDirectory();
        var cache = new LayerCache(output.Combine("cache"));
        var cold = OciImageLayout.Build(ImageAssembler.Assemble(repo.Compile(), repo.Inputs()), output.Path, cache);
        Directory.Delete(Path.Combine(repo.Root, "deb-cache"), recursive: true);

        var warm = OciImageLayout.Build(ImageAssembler.Assemble(repo.Compile(), repo.Inputs()), output.Path, cache);

        Assert.Equal(1, repo.Apt.Downloads);
        Assert.All(warm.Layers, l => Assert.True(l.FromCache));
        Assert.Equal(cold.ManifestDigest, warm.ManifestDigest);
        Assert.False(Directory.Exists(Path.Combine(repo.Root, "deb-cache")));
    }

    [Fact]
    public void Cache_prune_keeps_only_the_files_of_the_last_build()
    {
        using var repo = new ScratchRepository();
        using var output = new TempDirectory();
        OciImageLayout.Build(ImageAssembler.Assemble(repo.Compile(), repo.Inputs(epoch: 1)), output.Path, new LayerCache(output.Combine("cache")));
        var cache = new LayerCache(output.Combine("cache"));
        var built = OciImageLayout.Build(ImageAssembler.Assemble(repo.Compile(), repo.Inputs(epoch: 2)), output.Path, cache);

        Assert.Equal(4, cache.PruneUnused()); // three blobs and the base layer's key file of epoch 1

        Assert.Equal(built.Layers.Select(l => l.File).Order(StringComparer.Ordinal),
            Directory.GetFiles(output.Combine("cache"), "*.tar.gz").Order(StringComparer.Ordinal));
    }

    private static byte[] ContentOf(LayerEntry entry) =>
        ReadAll(TarBytes.Read(TarBytes.Write([entry], 0)).Single(e => e.Name == entry.Path).DataStream!);

    private static List<TarEntry> ReadLayer(string gzipBlob)
    {
        using var file = File.OpenRead(gzipBlob);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new MemoryStream();
        gzip.CopyTo(tar);
        return TarBytes.Read(tar.ToArray());
    }

    private static byte[] Blob(string archive, Digest digest) =>
        TarBytes.Read(File.ReadAllBytes(archive)).Single(e => e.Name == digest.BlobPath).DataStream is { } data
            ? ReadAll(data)
            : throw new InvalidOperationException($"no blob {digest}");

    private static byte[] ReadAll(Stream stream)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
