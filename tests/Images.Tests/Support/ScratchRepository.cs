using Vmspec.Shared.Debian;
using Vmspec.SpecCompiler;
using Vmspec.TestSupport;

namespace Vmspec.Images.Tests.Support;

/// <summary>
/// A throw-away vmspec checkout for the image assembler: a lock file pinning the synthetic "demo"
/// package, two specs (cases a and b), an image definition and a stand-in vmspec binary.
/// </summary>
internal sealed class ScratchRepository : IDisposable
{
    public const string BinaryContent = "#!/bin/sh\necho stand-in vmspec\n";

    private readonly TempDirectory _directory = new();

    public ScratchRepository()
    {
        Deb = SyntheticDeb.Create();
        Write("vmspec.slnx", "<Solution />\n");
        Write("images/debian.lock.json", $$"""
            { "packages": [ { "name": "demo", "version": "1.0-1", "architecture": "amd64", "sha256": "{{Digest.Of(Deb).Hex}}", "filename": "demo_1.0-1_amd64.deb" } ] }
            """);
        Write("images/verify.yaml", """
            apiVersion: vmspec.dev/v1
            kind: ImageSpec
            metadata:
              name: scratch-verify
            image:
              base:
                debianLock: debian.lock.json
                packages: [demo]
              specs:
                - ../specs/*.yaml
              env:
                MODE: test
              labels:
                org.example.team: kvm
              annotations:
                org.example.note: scratch
            """);
        Write("specs/a.yaml", Spec("a"));
        Write("specs/b.yaml", Spec("b"));
        Write("artifacts/bin/vmspec", BinaryContent);
    }

    public string Root => _directory.Path;

    public byte[] Deb { get; }

    public FakeApt Apt { get; } = new();

    public string Write(string relative, string text)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public CompiledImage Compile()
    {
        var result = ImageCompilation.CompileDirectory(Path.Combine(Root, "images"), Root);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return Assert.Single(result.Images);
    }

    public ImageAssemblyInputs Inputs(long epoch = SampleImages.Epoch)
    {
        Apt.Deb = Deb;
        return new ImageAssemblyInputs(Root, epoch, "0123456789abcdef0123456789abcdef01234567", "https://example.invalid/vmspec.git",
            new DebCache(Path.Combine(Root, "deb-cache"), Apt));
    }

    public void Dispose() => _directory.Dispose();

    private static string Spec(string name) => $"""
        apiVersion: vmspec.dev/v1
        kind: VmSpec
        metadata:
          name: {name}
        machine:
          memory: 8MiB
        guest:
          test:
            program: minimal
        """;

    /// <summary>Serves the synthetic package instead of running apt-get.</summary>
    internal sealed class FakeApt : AptGet
    {
        public byte[] Deb { get; set; } = [];

        public int Downloads { get; private set; }

        public override DebianPackage ResolveCandidate(string name) => throw new InvalidOperationException("the assembler never resolves candidates");

        public override Task<long?> DownloadSizeAsync(DebianPin pin, CancellationToken cancellationToken) => Task.FromResult<long?>(Deb.Length);

        public override Task<string> DownloadAsync(DebianPin pin, string directory, CancellationToken cancellationToken)
        {
            Downloads++;
            var path = Path.Combine(directory, pin.FileNamePattern.Replace("*", "amd64", StringComparison.Ordinal));
            File.WriteAllBytes(path, Deb);
            return Task.FromResult(path);
        }
    }
}
