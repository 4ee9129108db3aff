using Vmspec.Images.Tests.Support;
using Vmspec.TestSupport;

namespace Vmspec.Images.Tests.Oci;

public sealed class SharedDirectoryAndAnnotationTests
{
    [Fact]
    public void Directory_named_as_shared_and_as_plain_is_refused_as_ambiguous()
    {
        using var temp = new TempDirectory();
        var definition = SampleImages.Define() with
        {
            Layers = [new ImageLayer("clash", [LayerEntry.SharedDirectory("data"), LayerEntry.Directory("data")])],
        };

        var error = Assert.Throws<ImageBuildException>(() => OciImageLayout.Build(definition, temp.Path));

        Assert.Equal("layer path 'data' is given twice", error.Message);
    }

    [Fact]
    public void Custom_annotation_cannot_override_the_builders_provenance()
    {
        using var temp = new TempDirectory();
        var definition = SampleImages.Define() with
        {
            Annotations = new ImageAnnotations(Custom: new Dictionary<string, string> { ["org.opencontainers.image.revision"] = "forged" }),
        };

        var error = Assert.Throws<ImageBuildException>(() => OciImageLayout.Build(definition, temp.Path));

        Assert.StartsWith("annotation 'org.opencontainers.image.revision' is set by the image builder", error.Message);
    }
}
