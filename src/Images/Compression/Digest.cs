using System.Security.Cryptography;

namespace Vmspec.Images;

/// <summary>A sha256 content digest in OCI form ("sha256:" + 64 lowercase hex digits).</summary>
public readonly record struct Digest
{
    private const string Algorithm = "sha256:";

    private Digest(string hex) => Hex = hex;

    public string Hex { get; }

    /// <summary>Path of the blob inside an OCI layout.</summary>
    public string BlobPath => "blobs/sha256/" + Hex;

    public static Digest FromHash(ReadOnlySpan<byte> sha256) => new(Convert.ToHexStringLower(sha256));

    public static Digest Of(ReadOnlySpan<byte> content) => FromHash(SHA256.HashData(content));

    public static Digest Of(Stream content) => FromHash(SHA256.HashData(content));

    public static Digest OfFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Of(stream);
    }

    public static bool TryParse(string? text, out Digest digest)
    {
        digest = default;
        if (text is null || !text.StartsWith(Algorithm, StringComparison.Ordinal) || text.Length != Algorithm.Length + 64)
        {
            return false;
        }

        var hex = text[Algorithm.Length..];
        if (!hex.All(static c => c is >= '0' and <= '9' or >= 'a' and <= 'f'))
        {
            return false;
        }

        digest = new Digest(hex);
        return true;
    }

    public static bool TryParseHex(string hex, out Digest digest) => TryParse(Algorithm + hex, out digest);

    public override string ToString() => Algorithm + Hex;
}
