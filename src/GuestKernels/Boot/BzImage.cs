using System.Buffers.Binary;
using System.Text;

namespace Vmspec.GuestKernels.Boot;

/// <summary>
/// The x86 boot protocol setup header of a bzImage (Documentation/arch/x86/boot.rst).
/// Fields introduced after the image's protocol version read as 0.
/// </summary>
public sealed class BzImage
{
    public const ushort BootFlagMagic = 0xAA55;
    public const uint HeaderMagic = 0x53726448; // "HdrS" little-endian
    /// <summary>The first protocol with payload_offset/payload_length.</summary>
    public const ushort PayloadProtocol = 0x0208;

    private const int SectorSize = 512;
    private const int HeaderBase = 0x200;

    /// <summary>Setup sectors after the boot sector (a stored 0 means 4).</summary>
    public int SetupSects { get; private init; }
    public ushort RootFlags { get; private init; }
    /// <summary>Size of the protected-mode code in 16-byte paragraphs.</summary>
    public uint SysSize { get; private init; }
    public ushort VidMode { get; private init; }
    /// <summary>Boot protocol version, e.g. 0x020F for 2.15.</summary>
    public ushort ProtocolVersion { get; private init; }
    /// <summary>The NUL-terminated version string the header points to, or null if it points nowhere.</summary>
    public string? KernelVersion { get; private init; }
    public byte TypeOfLoader { get; private init; }
    public LoadFlags LoadFlags { get; private init; }
    public uint Code32Start { get; private init; }
    /// <summary>initrd_addr_max: highest address an initrd may end at (2.03+).</summary>
    public uint RamdiskMax { get; private init; }
    public uint KernelAlignment { get; private init; }
    public bool Relocatable { get; private init; }
    public byte MinAlignment { get; private init; }
    public XLoadFlags XLoadFlags { get; private init; }
    public uint CmdlineSize { get; private init; }
    public uint HardwareSubarch { get; private init; }
    public ulong HardwareSubarchData { get; private init; }
    /// <summary>Offset of the compressed payload from the start of the protected-mode code (2.08+).</summary>
    public uint PayloadOffset { get; private init; }
    public uint PayloadLength { get; private init; }
    public ulong SetupData { get; private init; }
    public ulong PrefAddress { get; private init; }
    /// <summary>Linear memory the kernel needs to decompress and start (2.10+).</summary>
    public uint InitSize { get; private init; }
    public uint HandoverOffset { get; private init; }
    public uint KernelInfoOffset { get; private init; }

    /// <summary>File offset just past the setup header (0x202 + the jump's displacement byte).</summary>
    public int HeaderEnd { get; private init; }
    /// <summary>Bytes of real-mode setup code, boot sector included: where the protected-mode code starts.</summary>
    public int SetupSize => (SetupSects + 1) * SectorSize;
    public string ProtocolText => $"{ProtocolVersion >> 8}.{ProtocolVersion & 0xFF:D2}";
    public bool HasPayloadInfo => ProtocolVersion >= PayloadProtocol;
    /// <summary>File offset of the compressed payload.</summary>
    public long PayloadFileOffset => (long)SetupSize + PayloadOffset;

    private BzImage() { }

    /// <summary>True when the bytes carry both the boot-sector flag and the "HdrS" magic.</summary>
    public static bool HasMagic(ReadOnlySpan<byte> image) =>
        image.Length >= 0x206
        && BinaryPrimitives.ReadUInt16LittleEndian(image[0x1FE..]) == BootFlagMagic
        && BinaryPrimitives.ReadUInt32LittleEndian(image[0x202..]) == HeaderMagic;

    /// <summary>Parses and validates the setup header; <paramref name="source"/> names the file in errors.</summary>
    public static BzImage Parse(ReadOnlySpan<byte> image, string source)
    {
        var r = new HeaderReader(image, source);
        if (r.U16("boot_flag", 0x1FE) is var bootFlag && bootFlag != BootFlagMagic)
            throw r.Error("boot_flag", 0x1FE, $"is 0x{bootFlag:X4}, expected 0x{BootFlagMagic:X4}");
        if (r.U32("header", 0x202) is var magic && magic != HeaderMagic)
            throw r.Error("header", 0x202, $"is 0x{magic:X8}, expected \"HdrS\" (0x{HeaderMagic:X8})");
        ushort version = r.U16("version", 0x206);
        if (version < 0x0200)
            throw r.Error("version", 0x206, $"is 0x{version:X4}, expected at least 2.00");
        int headerEnd = 0x202 + r.U8("jump", 0x201);
        int setupSects = r.U8("setup_sects", 0x1F1) is var s && s == 0 ? 4 : s;
        int setupSize = (setupSects + 1) * SectorSize;
        if (setupSize > image.Length)
            throw r.Error("setup_sects", 0x1F1, $"declares {setupSects} setup sectors ({setupSize} bytes) but the file has {image.Length} bytes");

        var header = new BzImage
        {
            SetupSects = setupSects,
            RootFlags = r.U16("root_flags", 0x1F2),
            SysSize = r.U32("syssize", 0x1F4),
            VidMode = r.U16("vid_mode", 0x1FA),
            ProtocolVersion = version,
            HeaderEnd = headerEnd,
            KernelVersion = ReadKernelVersion(r, image, setupSize),
            TypeOfLoader = r.U8("type_of_loader", 0x210),
            LoadFlags = (LoadFlags)r.U8("loadflags", 0x211),
            Code32Start = r.U32("code32_start", 0x214),
            RamdiskMax = version >= 0x0203 ? r.U32("initrd_addr_max", 0x22C) : 0,
            KernelAlignment = version >= 0x0205 ? r.U32("kernel_alignment", 0x230) : 0,
            Relocatable = version >= 0x0205 && r.U8("relocatable_kernel", 0x234) != 0,
            MinAlignment = version >= 0x020A ? r.U8("min_alignment", 0x235) : (byte)0,
            XLoadFlags = version >= 0x020C ? (XLoadFlags)r.U16("xloadflags", 0x236) : XLoadFlags.None,
            CmdlineSize = version >= 0x0206 ? r.U32("cmdline_size", 0x238) : 0,
            HardwareSubarch = version >= 0x0207 ? r.U32("hardware_subarch", 0x23C) : 0,
            HardwareSubarchData = version >= 0x0207 ? r.U64("hardware_subarch_data", 0x240) : 0,
            PayloadOffset = version >= 0x0208 ? r.U32("payload_offset", 0x248) : 0,
            PayloadLength = version >= 0x0208 ? r.U32("payload_length", 0x24C) : 0,
            SetupData = version >= 0x0209 ? r.U64("setup_data", 0x250) : 0,
            PrefAddress = version >= 0x020A ? r.U64("pref_address", 0x258) : 0,
            InitSize = version >= 0x020A ? r.U32("init_size", 0x260) : 0,
            HandoverOffset = version >= 0x020B ? r.U32("handover_offset", 0x264) : 0,
            KernelInfoOffset = version >= 0x020F ? r.U32("kernel_info_offset", 0x268) : 0,
        };

        long protectedModeSize = image.Length - setupSize;
        if ((long)header.SysSize * 16 > protectedModeSize)
            throw r.Error("syssize", 0x1F4, $"declares {header.SysSize * 16L} bytes of protected-mode code but only {protectedModeSize} follow the setup area");
        if (header.HasPayloadInfo && (long)header.PayloadOffset + header.PayloadLength > protectedModeSize)
            throw r.Error("payload_offset", 0x248,
                $"payload 0x{header.PayloadOffset:X}+{header.PayloadLength} runs past the end of the protected-mode code ({protectedModeSize} bytes)");
        return header;
    }

    /// <summary>kernel_version holds the string's offset minus 0x200; the string must end inside the setup area.</summary>
    private static string? ReadKernelVersion(HeaderReader r, ReadOnlySpan<byte> image, int setupSize)
    {
        ushort pointer = r.U16("kernel_version", 0x20E);
        if (pointer == 0)
            return null;
        int start = pointer + HeaderBase;
        if (start >= setupSize)
            throw r.Error("kernel_version", 0x20E, $"points to 0x{start:X}, outside the setup area (0x{setupSize:X} bytes)");
        int length = image[start..setupSize].IndexOf((byte)0);
        if (length < 0)
            throw r.Error("kernel_version", 0x20E, $"string at 0x{start:X} is not NUL-terminated within the setup area");
        return Encoding.ASCII.GetString(image.Slice(start, length));
    }

    /// <summary>Bounds-checked little-endian reads that name the field in their errors.</summary>
    private readonly ref struct HeaderReader(ReadOnlySpan<byte> image, string source)
    {
        private readonly ReadOnlySpan<byte> _image = image;

        public byte U8(string field, int offset) => Field(field, offset, 1)[0];
        public ushort U16(string field, int offset) => BinaryPrimitives.ReadUInt16LittleEndian(Field(field, offset, 2));
        public uint U32(string field, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(Field(field, offset, 4));
        public ulong U64(string field, int offset) => BinaryPrimitives.ReadUInt64LittleEndian(Field(field, offset, 8));

        public KernelImageException Error(string field, int offset, string problem) =>
            new($"{source}: setup header field {field} at offset 0x{offset:X}: {problem}");

        private ReadOnlySpan<byte> Field(string field, int offset, int size) =>
            offset + size <= _image.Length
                ? _image.Slice(offset, size)
                : throw Error(field, offset, $"truncated: the file ends at {_image.Length} bytes");
    }
}
