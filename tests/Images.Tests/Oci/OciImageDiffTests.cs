using Vmspec.Images.Tests.Support;
using Vmspec.TestSupport;

namespace Vmspec.Images.Tests.Oci;

public sealed class OciImageDiffTests
{
    private static (string Left, string Right) Build(TempDirectory temp, ImageDefinition left, ImageDefinition right) =>
        (OciImageLayout.Build(left, temp.Combine("left")).ArchivePath, OciImageLayout.Build(right, temp.Combine("right")).ArchivePath);

    [Fact]
    public void Identical_builds_have_no_difference()
    {
        using var temp = new TempDirectory();
        var (left, right) = Build(temp, SampleImages.Define(), SampleImages.Define());

        Assert.Null(OciImageDiff.Compare(left, right));
    }

    [Fact]
    public void Changed_file_content_names_the_layer_and_file()
    {
        using var temp = new TempDirectory();
        var (left, right) = Build(temp, SampleImages.Define(), SampleImages.Define(greeting: "bye"));

        var difference = OciImageDiff.Compare(left, right);

        Assert.NotNull(difference);
        Assert.Equal(1, difference.LayerIndex);
        Assert.Equal("app/run", difference.Path);
        Assert.Contains("layer 1: 'app/run' differs: size", difference.Description);
    }

    [Fact]
    public void Changed_time_stamp_names_the_first_layer_and_its_first_entry()
    {
        using var temp = new TempDirectory();
        var (left, right) = Build(temp, SampleImages.Define(), SampleImages.Define(epoch: SampleImages.Epoch + 60));

        var difference = OciImageDiff.Compare(left, right);

        Assert.NotNull(difference);
        Assert.Equal(0, difference.LayerIndex);
        Assert.Equal("etc", difference.Path);
        Assert.Contains($"mtime {SampleImages.Epoch} vs {SampleImages.Epoch + 60}", difference.Description);
    }

    [Fact]
    public void Config_only_change_names_the_config_field()
    {
        using var temp = new TempDirectory();
        var (left, right) = Build(temp, SampleImages.Define(), SampleImages.Define(env: "MODE=prod"));

        var difference = OciImageDiff.Compare(left, right);

        Assert.NotNull(difference);
        Assert.Null(difference.LayerIndex);
        Assert.Equal("config.config.Env[0]", difference.Path);
    }

    [Fact]
    public void Extra_file_is_named_with_its_side()
    {
        using var temp = new TempDirectory();
        var baseline = SampleImages.Define();
        var extended = baseline with
        {
            Layers = [baseline.Layers[0], new ImageLayer("application", [.. baseline.Layers[1].Entries, LayerEntry.File("app/extra", "x"u8.ToArray())])],
        };
        var (left, right) = Build(temp, baseline, extended);

        var difference = OciImageDiff.Compare(left, right);

        Assert.NotNull(difference);
        Assert.Equal("layer 1: 'app/extra' exists only in right", difference.Description);
    }
}
