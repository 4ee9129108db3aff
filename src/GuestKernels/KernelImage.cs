using Vmspec.GuestKernels.Boot;
using Vmspec.GuestKernels.Btf;
using Vmspec.GuestKernels.Buffers;
using Vmspec.GuestKernels.Compression;
using Vmspec.GuestKernels.Debian;
using Vmspec.GuestKernels.Elf;
using Vmspec.Shared.Debian;

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
    public BtfOrigin BtfOrigin { get; }

    /// <summary>The BTF already indexed while it was being located, so <see cref="ReadTypes"/> need not index it again.</summary>
    private readonly BtfTypes? _types;

    private KernelImage(string path, KernelImageFormat format, CompressionKind? compression, BzImage? header,
        string? member, ReadOnlyMemory<byte> btf, string? missingBtfReason, BtfOrigin origin, BtfTypes? types = null)
    {
        BtfOrigin = origin;
        _types = types;
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
    /// <param name="scanPayload">For a bzImage, look for the BTF while decompressing and stop once it is complete
    /// (falling back to the ELF section table if the scan finds none); false always decodes the whole vmlinux and
    /// reads .BTF through its section headers.</param>
    public static KernelImage Open(string path, bool scanPayload = true)
    {
        try
        {
            using var file = File.OpenHandle(path);
            long length = RandomAccess.GetLength(file);
            if (length > MaxFileSize)
                throw new KernelImageException($"{path}: {length} bytes is larger than the {MaxFileSize}-byte limit for a kernel image");
            // Read into huge pages: the file and the vmlinux are the bulk of the memory this process touches.
            using var data = new HugePageBuffer((int)length);
            int read = 0;
            while (read < data.Length && RandomAccess.Read(file, data.Span[read..], read) is var n and > 0)
                read += n;
            if (read != data.Length)
                throw new KernelImageException($"{path}: the file shrank to {read} bytes while it was read");
            return FromMemory(data.Memory, path, member: null, scanPayload);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KernelImageException($"{path}: cannot read: {e.Message}", e);
        }
    }

    /// <summary>Decodes an image already in memory; <paramref name="source"/> names it in errors and reports.</summary>
    public static KernelImage FromBytes(byte[] data, string source, bool scanPayload = true) =>
        FromMemory(data, source, member: null, scanPayload);

    /// <summary>Nothing returned refers to <paramref name="data"/>: the caller may free it.</summary>
    private static KernelImage FromMemory(ReadOnlyMemory<byte> data, string source, string? member, bool scanPayload)
    {
        var span = data.Span;
        if (member is null && DebArchive.HasMagic(span))
        {
            var vmlinuz = DebianKernelPackage.ReadVmlinuz(data.ToArray(), source);
            return FromMemory(vmlinuz.Contents, source, vmlinuz.Name, scanPayload);
        }
        string where = member is null ? source : $"{source}:{member}";
        if (BzImage.HasMagic(span))
            return FromBzImage(data, source, member, where, scanPayload);
        if (ElfFile.HasMagic(span))
            return FromElf(data, source, KernelImageFormat.Elf, null, null, member, where);
        if (BtfTypes.HasMagic(span))
            return new KernelImage(source, KernelImageFormat.RawBtf, null, null, member, data.ToArray(), null, BtfOrigin.RawFile);
        throw new KernelImageException(
            $"{where}: not a bzImage (no 0xAA55 boot flag and \"HdrS\" magic), ELF vmlinux, BTF blob or .deb package; it starts with {Convert.ToHexString(span[..Math.Min(8, span.Length)])}");
    }

    private static KernelImage FromBzImage(ReadOnlyMemory<byte> data, string source, string? member, string where, bool scanPayload)
    {
        var header = BzImage.Parse(data.Span, where);
        if (!header.HasPayloadInfo)
            throw new KernelImageException($"{where}: boot protocol {header.ProtocolText} predates payload_offset (2.08); cannot locate the kernel payload");
        var payload = data.Slice((int)header.PayloadFileOffset, (int)header.PayloadLength);
        var compression = CompressionMagic.Detect(payload.Span)
            ?? throw new KernelImageException($"{where}: payload at file offset 0x{header.PayloadFileOffset:X} has no known compression magic (starts with {Convert.ToHexString(payload.Span[..Math.Min(6, payload.Length)])})");
        long limit = header.InitSize != 0 ? header.InitSize : FallbackPayloadLimit;
        string payloadWhere = $"{where} payload";
        var described = PayloadDecompressor.Describe(payload, limit, payloadWhere);
        if (compression == CompressionKind.None)
            return FromVmlinux(payload, source, compression, header, member, where);

        using var vmlinux = new HugePageBuffer(described.DeclaredSize);
        var scanner = scanPayload ? new BtfScanner(described.DeclaredSize, BtfSourceName(source, member)) : null;
        int written = PayloadDecompressor.Decompress(compression, described.Compressed, vmlinux.Span, payloadWhere,
            scanner is null ? null : decoded => scanner.Observe(vmlinux.Span[..decoded]));
        if (scanner?.Types is { } types)
        {
            if (!ElfFile.HasMagic(vmlinux.Span[..written]))
                throw NotElf(where, compression);
            return new KernelImage(source, KernelImageFormat.BzImage, compression, header, member, scanner.Blob, null, BtfOrigin.PayloadScan, types);
        }
        PayloadDecompressor.CheckComplete(described, written, payloadWhere);
        return FromVmlinux(vmlinux.Memory, source, compression, header, member, where);
    }

    private static KernelImage FromVmlinux(ReadOnlyMemory<byte> vmlinux, string source, CompressionKind compression, BzImage header,
        string? member, string where) =>
        ElfFile.HasMagic(vmlinux.Span)
            ? FromElf(vmlinux, source, KernelImageFormat.BzImage, compression, header, member, $"{where} payload")
            : throw NotElf(where, compression);

    private static KernelImageException NotElf(string where, CompressionKind compression) =>
        new($"{where}: the decompressed {compression.Name()} payload is not an ELF vmlinux");

    private static KernelImage FromElf(ReadOnlyMemory<byte> data, string source, KernelImageFormat format, CompressionKind? compression,
        BzImage? header, string? member, string where)
    {
        var elf = ElfFile.Parse(data, where);
        var section = elf.FindSection(".BTF");
        if (section is null)
            return new KernelImage(source, format, compression, header, member, ReadOnlyMemory<byte>.Empty,
                "the vmlinux has no .BTF section (kernel built without CONFIG_DEBUG_INFO_BTF?)", BtfOrigin.None);
        // Copy the section out so the decompressed vmlinux (tens of MiB) can be freed.
        return new KernelImage(source, format, compression, header, member, elf.GetContents(section).ToArray(), null, BtfOrigin.ElfSection);
    }

    /// <summary>Indexes the BTF; throws with <see cref="MissingBtfReason"/> if there is none.</summary>
    public BtfTypes ReadTypes() =>
        !HasBtf ? throw new KernelImageException($"{Path}: {MissingBtfReason}")
        : _types ?? BtfTypes.Parse(Btf, BtfSourceName(Path, Member));

    private static string BtfSourceName(string path, string? member) => member is null ? $"{path} .BTF" : $"{path}:{member} .BTF";
}
