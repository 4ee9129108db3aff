using Vmspec.Images.Tests.Debian;
using Vmspec.Images.Tests.Support;
using Vmspec.TestSupport;

namespace Vmspec.Images.Tests.Containers;

/// <summary>Real engine: our archives load with `docker load` semantics and run; corrupt ones never reach the engine.</summary>
[Collection(DockerEngine.Collection)]
public sealed class DockerLoadTests
{
    private static ImageDefinition HelloImage(string binary, string tag) => new(
        "vmspec-images-test-hello",
        tag,
        [new ImageLayer("static hello", [LayerEntry.FromSourceFile("hello", binary, executable: true)])],
        new ImageConfig { Entrypoint = ["/hello"] },
        new ImageAnnotations(),
        SampleImages.Epoch);

    [Fact]
    public async Task Static_binary_image_loads_and_runs_without_network_on_a_read_only_root()
    {
        using var docker = await DockerEngine.ConnectOrSkipAsync();
        using var temp = new TempDirectory();
        var image = OciImageLayout.Build(HelloImage(StaticHello.BuildOrSkip(temp.Path), "t" + Guid.NewGuid().ToString("N")), temp.Path);
        try
        {
            await DockerEngine.LoadVerifiedAsync(docker, image.ArchivePath);
            var (exitCode, stdout) = await DockerEngine.RunAsync(docker, image.Reference);

            Assert.Equal(0, exitCode);
            Assert.Equal(StaticHello.Greeting + "\n", stdout);
        }
        finally
        {
            await DockerEngine.RemoveImageIfPresentAsync(docker, image.Reference);
        }
    }

    [Fact]
    public async Task Layer_with_a_changed_byte_is_refused_before_anything_is_loaded()
    {
        using var docker = await DockerEngine.ConnectOrSkipAsync();
        using var temp = new TempDirectory();
        var image = OciImageLayout.Build(HelloImage(StaticHello.BuildOrSkip(temp.Path), "t" + Guid.NewGuid().ToString("N")), temp.Path);
        TarBytes.FlipByte(image.ArchivePath, TarBytes.DataOffset(image.ArchivePath, image.Layers[0].Digest.BlobPath) + 100);
        try
        {
            var error = await Assert.ThrowsAsync<ImageVerificationException>(() => DockerEngine.LoadVerifiedAsync(docker, image.ArchivePath));

            Assert.Contains($"layer 0 blob {image.Layers[0].Digest} is corrupt", error.Message);
            Assert.False(await DockerEngine.ImageExistsAsync(docker, image.Reference));
        }
        finally
        {
            await DockerEngine.RemoveImageIfPresentAsync(docker, image.Reference);
        }
    }

    [Fact]
    public async Task Debian_busybox_static_layer_runs_in_the_engine()
    {
        var apt = RealDebianPackageTests.AptOrSkip();
        using var docker = await DockerEngine.ConnectOrSkipAsync();
        using var temp = new TempDirectory();
        var definition = new ImageDefinition(
            "vmspec-images-test-busybox",
            "t" + Guid.NewGuid().ToString("N"),
            [new ImageLayer("debian: busybox-static", RealDebianPackageTests.BusyboxLayer(apt, temp.Path))],
            new ImageConfig { Entrypoint = ["/bin/busybox"], Cmd = ["echo", "busybox in vmspec"] },
            new ImageAnnotations(),
            SampleImages.Epoch);
        var image = OciImageLayout.Build(definition, temp.Path);
        try
        {
            await DockerEngine.LoadVerifiedAsync(docker, image.ArchivePath);
            var (exitCode, stdout) = await DockerEngine.RunAsync(docker, image.Reference);

            Assert.Equal(0, exitCode);
            Assert.Equal("busybox in vmspec\n", stdout);
        }
        finally
        {
            await DockerEngine.RemoveImageIfPresentAsync(docker, image.Reference);
        }
    }
}
