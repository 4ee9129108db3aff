using System.Security.Cryptography;

namespace Vmspec.Images;

/// <summary>Write-only pass-through that sha256-hashes and counts what flows to the inner stream.</summary>
internal sealed class HashingStream(Stream inner, bool leaveOpen = true) : WriteOnlyStream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public Digest GetDigest() => Digest.FromHash(_hash.GetCurrentHash());

    protected override void WriteCore(ReadOnlySpan<byte> buffer)
    {
        _hash.AppendData(buffer);
        inner.Write(buffer);
    }

    public override void Flush() => inner.Flush();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            if (!leaveOpen)
            {
                inner.Dispose();
            }
        }

        base.Dispose(disposing);
    }
}
