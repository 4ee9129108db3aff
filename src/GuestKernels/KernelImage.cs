using Vmspec.GuestKernels.Boot;
using Vmspec.GuestKernels.Btf;
using Vmspec.GuestKernels.Compression;
using Vmspec.GuestKernels.Debian;
using Vmspec.GuestKernels.Elf;

namespace Vmspec.GuestKernels;

/// <summary>
/// A guest kernel's BTF and where it came from: a bzImage (its payload decompressed), an ELF vmlinux,
/// a raw BTF blob, or any of those inside a Debian linux-image .deb (./boot/vmlinuz-*).
/// </summary>
public sealed class KernelImage
{
    /// <summary>Larger inputs are refused before reading; real vmlinuz/.deb files are tens of MiB.</summary>
    public const long MaxFileSize = 1L << 30;
    /// <summary>Output cap for pre-2.10 bzImages, which have no init_size.</summary>
    private const long FallbackPayloadLimit = 512L << 20;

    public string Path { get; }
    public KernelImageFormat Format { get; }
    /// <summary>The payload compression of a bzImage; null for other formats.</summary>
    public CompressionKind? Compression { get; }
    /// <summary>The setup header's version string (bzImage only).</summary>
    public string? KernelVersion { get; }
    public BzImage? Header { get; }
    /// <summary>The archive member the image was read from when <see cref="Path"/> is a .deb.</summary>
    public string? Member { get; }
    /// <summary>The BTF bytes; empty when <see cref="MissingBtfReason"/> says why.</summary>
    public ReadOnlyMemory<byte> Btf { get; }
    public string? MissingBtfReason { get; }
    public bool HasBtf => MissingBtfReason is null;

    private KernelImage(string path, KernelImageFormat format, CompressionKind? compression, BzImage? header,
        string? member, ReadOnlyMemory<byte> btf, string? missingBtfReason)
    {
        Path = path;
        Format = format;
        Compression = compression;
        Header = header;
        KernelVersion = header?.KernelVersion;
        Member = member;
        Btf = btf;
        MissingBtfReason = missingBtfReason;
    }

    /// <summary>Reads and decodes the file; every malformed input ends in a <see cref="KernelImageException"/>.</summary>
    public static KernelImage Open(string path)
    {
        byte[] data;
        try
        {
            long length = new FileInfo(path).Length;
            if (length > MaxFileSize)
                throw new KernelImageException($"{path}: {length} bytes is larger than the {MaxFileSize}-byte limit for a kernel image");
            data = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KernelImageException($"{path}: cannot read: {e.Message}", e);
        }
        return FromBytes(data, path);
    }

    /// <summary>Decodes an image already in memory; <paramref name="source"/> names it in errors and reports.</summary>
    public static KernelImage FromBytes(byte[] data, string source) => FromBytes(data, source, member: null);

    private static KernelImage FromBytes(byte[] data, string source, string? member)
    {
        if (member is null && DebArchive.HasMagic(data))
        {
            var vmlinuz = DebArchive.ReadVmlinuz(data, source);
            return FromBytes(vmlinuz.Contents, source, vmlinuz.Name);
        }
        string where = member is null ? source : $"{source}:{member}";
        if (BzImage.HasMagic(data))
            return FromBzImage(data, source, member, where);
        if (ElfFile.HasMagic(data))
            return FromElf(data, source, KernelImageFormat.Elf, null, null, member, where);
        if (BtfTypes.HasMagic(data))
            return new KernelImage(source, KernelImageFormat.RawBtf, null, null, member, data, null);
        throw new KernelImageException(
            $"{where}: not a bzImage (no 0xAA55 boot flag and \"HdrS\" magic), ELF vmlinux, BTF blob or .deb package; it starts with {Convert.ToHexString(data.AsSpan(0, Math.Min(8, data.Length)))}");
    }

    private static KernelImage FromBzImage(byte[] data, string source, string? member, string where)
    {
        var header = BzImage.Parse(data, where);
        if (!header.HasPayloadInfo)
            throw new KernelImageException($"{where}: boot protocol {header.ProtocolText} predates payload_offset (2.08); cannot locate the kernel payload");
        var payload = data.AsMemory((int)header.PayloadFileOffset, (int)header.PayloadLength);
        var compression = CompressionMagic.Detect(payload.Span)
            ?? throw new KernelImageException($"{where}: payload at file offset 0x{header.PayloadFileOffset:X} has no known compression magic (starts with {Convert.ToHexString(payload.Span[..Math.Min(6, payload.Length)])})");
        long limit = header.InitSize != 0 ? header.InitSize : FallbackPayloadLimit;
        byte[] vmlinux = PayloadDecompressor.DecompressKernelPayload(payload, limit, $"{where} payload");
        if (!ElfFile.HasMagic(vmlinux))
            throw new KernelImageException($"{where}: the decompressed {compression.Name()} payload is not an ELF vmlinux");
        return FromElf(vmlinux, source, KernelImageFormat.BzImage, compression, header, member, $"{where} payload");
    }

    private static KernelImage FromElf(byte[] data, string source, KernelImageFormat format, CompressionKind? compression,
        BzImage? header, string? member, string where)
    {
        var elf = ElfFile.Parse(data, where);
        var section = elf.FindSection(".BTF");
        if (section is null)
            return new KernelImage(source, format, compression, header, member, ReadOnlyMemory<byte>.Empty,
                "the vmlinux has no .BTF section (kernel built without CONFIG_DEBUG_INFO_BTF?)");
        // Copy the section out so the decompressed vmlinux (tens of MiB) can be freed.
        return new KernelImage(source, format, compression, header, member, elf.GetContents(section).ToArray(), null);
    }

    /// <summary>Indexes the BTF; throws with <see cref="MissingBtfReason"/> if there is none.</summary>
    public BtfTypes ReadTypes() =>
        HasBtf ? BtfTypes.Parse(Btf, Member is null ? $"{Path} .BTF" : $"{Path}:{Member} .BTF")
               : throw new KernelImageException($"{Path}: {MissingBtfReason}");
}
