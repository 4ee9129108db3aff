using Vmspec.Images.Tests.Support;
using Vmspec.TestSupport;

namespace Vmspec.Images.Tests.Oci;

public sealed class OciImageVerifierTests
{
    [Fact]
    public void Built_image_verifies()
    {
        using var temp = new TempDirectory();
        var image = OciImageLayout.Build(SampleImages.Define(), temp.Path);

        var verified = OciImageVerifier.Verify(image.ArchivePath);

        Assert.Equal("vmspec-sample:v1", verified.Reference);
        Assert.Equal(image.ManifestDigest, verified.ManifestDigest);
        Assert.Equal(image.Layers.Select(static l => l.DiffId), verified.Layers.Select(static l => l.DiffId));
    }

    public static TheoryData<string> BlobRoles => new() { "manifest", "config", "layer 0", "layer 1" };

    [Theory]
    [MemberData(nameof(BlobRoles))]
    public void A_flipped_byte_in_a_blob_is_refused_naming_the_blob_and_its_role(string role)
    {
        using var temp = new TempDirectory();
        var image = OciImageLayout.Build(SampleImages.Define(), temp.Path);
        var blob = role switch
        {
            "manifest" => image.ManifestDigest,
            "config" => image.ConfigDigest,
            _ => image.Layers[int.Parse(role[^1..], System.Globalization.CultureInfo.InvariantCulture)].Digest,
        };
        TarBytes.FlipByte(image.ArchivePath, TarBytes.DataOffset(image.ArchivePath, blob.BlobPath) + 20);

        var error = Assert.Throws<ImageVerificationException>(() => OciImageVerifier.Verify(image.ArchivePath));

        Assert.Contains($"{role} blob {blob} is corrupt", error.Message);
        Assert.Contains(image.ArchivePath, error.Message);
    }

    [Theory]
    [InlineData("index.json")]
    [InlineData("manifest.json")]
    [InlineData("oci-layout")]
    public void A_flipped_byte_in_a_layout_document_is_refused_naming_it(string document)
    {
        using var temp = new TempDirectory();
        var image = OciImageLayout.Build(SampleImages.Define(), temp.Path);
        TarBytes.FlipByte(image.ArchivePath, TarBytes.DataOffset(image.ArchivePath, document) + 5);

        var error = Assert.Throws<ImageVerificationException>(() => OciImageVerifier.Verify(image.ArchivePath));

        Assert.Contains(document, error.Message);
    }

    [Fact]
    public void A_flipped_byte_in_a_tar_header_is_refused()
    {
        using var temp = new TempDirectory();
        var image = OciImageLayout.Build(SampleImages.Define(), temp.Path);
        TarBytes.FlipByte(image.ArchivePath, TarBytes.DataOffset(image.ArchivePath, "index.json") - 512 + 1);

        var error = Assert.Throws<ImageVerificationException>(() => OciImageVerifier.Verify(image.ArchivePath));

        Assert.Contains(image.ArchivePath, error.Message);
    }

    [Fact]
    public void Missing_archive_is_a_clear_error()
    {
        var error = Assert.Throws<ImageVerificationException>(() => OciImageVerifier.Verify("/nonexistent/x.oci.tar"));
        Assert.Contains("/nonexistent/x.oci.tar: cannot open", error.Message);
    }
}
