using System.Buffers.Binary;

namespace Vmspec.GuestKernels.Btf;

/// <summary>
/// Finds a vmlinux's BTF blob in its decoded bytes as they are produced, so decompression can stop once
/// the blob is complete: .BTF ends well before the end of the image, and the ELF section headers that
/// would say where it is come last. A candidate is the 4 bytes 9F EB 01 00 (magic, version 1) at any
/// offset (.BTF is byte-aligned) followed by a header laid out as pahole writes it: types right after
/// the header, strings right after the types. It counts as found once it parses as BTF in full; any
/// candidate that does not is skipped, and a caller that sees no hit falls back to the ELF section table.
/// </summary>
internal sealed class BtfScanner
{
    private const int HeaderLength = 24;
    private const uint MinHeaderLength = HeaderLength;
    private const uint MaxHeaderLength = 256;
    private static ReadOnlySpan<byte> Signature => [0x9F, 0xEB, 0x01, 0x00];

    private readonly long _imageSize;
    private readonly string _source;
    private readonly List<int> _candidates = []; // offsets whose header or body is not decoded yet, ascending
    private int _searched; // bytes already searched for the signature

    /// <param name="imageSize">The size the whole image will have: a blob must end inside it.</param>
    /// <param name="source">Names the blob in the errors of the <see cref="Types"/> it yields.</param>
    public BtfScanner(long imageSize, string source)
    {
        _imageSize = imageSize;
        _source = source;
    }

    /// <summary>The blob, copied out of the image, once found.</summary>
    public byte[]? Blob { get; private set; }
    /// <summary>The blob indexed (over <see cref="Blob"/>), once found.</summary>
    public BtfTypes? Types { get; private set; }
    /// <summary>Where the blob starts in the image.</summary>
    public int Offset { get; private set; } = -1;

    /// <summary>Looks at the image decoded so far (a prefix that only grows between calls); true once a blob is found.</summary>
    public bool Observe(ReadOnlySpan<byte> decoded)
    {
        if (Types is not null)
            return true;
        FindSignatures(decoded);
        for (int i = 0; i < _candidates.Count; i++)
        {
            int offset = _candidates[i];
            var verdict = Judge(decoded, offset);
            if (verdict == Candidate.Incomplete)
                continue;
            _candidates.RemoveAt(i--);
            if (verdict == Candidate.Complete && TryParse(decoded, offset))
                return true;
        }
        return false;
    }

    private void FindSignatures(ReadOnlySpan<byte> decoded)
    {
        // A signature may straddle the previous call's end: search again from its last 3 bytes.
        int from = Math.Max(0, _searched - (Signature.Length - 1));
        while (from < decoded.Length)
        {
            int hit = decoded[from..].IndexOf(Signature);
            if (hit < 0)
                break;
            _candidates.Add(from + hit);
            from += hit + 1;
        }
        _searched = decoded.Length;
    }

    private enum Candidate { Incomplete, Rejected, Complete }

    private Candidate Judge(ReadOnlySpan<byte> decoded, int offset)
    {
        if (decoded.Length - offset < HeaderLength)
            return Candidate.Incomplete;
        var header = decoded[offset..];
        uint hdrLen = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        uint typeOff = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        uint typeLen = BinaryPrimitives.ReadUInt32LittleEndian(header[12..]);
        uint strOff = BinaryPrimitives.ReadUInt32LittleEndian(header[16..]);
        uint strLen = BinaryPrimitives.ReadUInt32LittleEndian(header[20..]);
        if (hdrLen is < MinHeaderLength or > MaxHeaderLength || typeOff != 0 || strOff != typeLen || strLen == 0)
            return Candidate.Rejected;
        long end = (long)offset + hdrLen + strOff + strLen;
        if (end > _imageSize)
            return Candidate.Rejected;
        return end <= decoded.Length ? Candidate.Complete : Candidate.Incomplete;
    }

    private bool TryParse(ReadOnlySpan<byte> decoded, int offset)
    {
        var header = decoded[offset..];
        int length = (int)(BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) + BinaryPrimitives.ReadUInt32LittleEndian(header[16..])
            + BinaryPrimitives.ReadUInt32LittleEndian(header[20..]));
        byte[] blob = decoded.Slice(offset, length).ToArray();
        try
        {
            Types = BtfTypes.Parse(blob.AsMemory(), _source);
        }
        catch (KernelImageException)
        {
            return false; // magic-like bytes in code or data: keep looking
        }
        Blob = blob;
        Offset = offset;
        return true;
    }
}
