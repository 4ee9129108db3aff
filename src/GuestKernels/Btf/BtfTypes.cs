using System.Buffers.Binary;
using System.Text;

namespace Vmspec.GuestKernels.Btf;

/// <summary>
/// A BTF blob (Documentation/bpf/btf.rst, include/uapi/linux/btf.h) indexed in one pass:
/// the only allocation proportional to its size is one offset per type. Names, sizes and
/// members are decoded on demand, straight from the bytes.
/// </summary>
public sealed class BtfTypes
{
    public const ushort Magic = 0xEB9F;
    private const int MinHeaderLength = 24;
    private const int TypeRecordSize = 12;
    private const int PointerSize = 8; // vmlinux BTF for x86_64
    private const int MaxChainDepth = 64;

    private readonly ReadOnlyMemory<byte> _types;
    private readonly ReadOnlyMemory<byte> _strings;
    private readonly int[] _offsets; // type id -> record offset in _types; id 0 (void) unused
    private readonly string _source;

    /// <summary>Number of type ids, counting void (id 0).</summary>
    public int Count { get; }
    public byte Version { get; }
    public byte Flags { get; }

    private BtfTypes(ReadOnlyMemory<byte> types, ReadOnlyMemory<byte> strings, int[] offsets, int count, byte version, byte flags, string source)
    {
        _types = types;
        _strings = strings;
        _offsets = offsets;
        Count = count;
        Version = version;
        Flags = flags;
        _source = source;
    }

    public static bool HasMagic(ReadOnlySpan<byte> data) =>
        data.Length >= 2 && BinaryPrimitives.ReadUInt16LittleEndian(data) == Magic;

    /// <summary>Parses a copy of <paramref name="data"/>.</summary>
    public static BtfTypes Parse(ReadOnlySpan<byte> data, string source = "BTF") => Parse(data.ToArray().AsMemory(), source);

    /// <summary>Parses <paramref name="data"/> in place; the memory must stay unchanged while the result is used.</summary>
    public static BtfTypes Parse(ReadOnlyMemory<byte> data, string source = "BTF")
    {
        var span = data.Span;
        if (span.Length < MinHeaderLength)
            throw Error(source, $"header truncated: {span.Length} of {MinHeaderLength} bytes");
        ushort magic = BinaryPrimitives.ReadUInt16LittleEndian(span);
        if (magic == 0x9FEB)
            throw Error(source, "big-endian BTF is not supported");
        if (magic != Magic)
            throw Error(source, $"magic at offset 0 is 0x{magic:X4}, expected 0x{Magic:X4}");
        byte version = span[2];
        if (version != 1)
            throw Error(source, $"version at offset 2 is {version}, expected 1");
        uint hdrLen = BinaryPrimitives.ReadUInt32LittleEndian(span[4..]);
        if (hdrLen < MinHeaderLength || hdrLen > span.Length)
            throw Error(source, $"hdr_len at offset 4 is {hdrLen}, outside {MinHeaderLength}..{span.Length}");
        var types = Section(data, hdrLen, span[8..], "type_off", "type_len", source);
        var strings = Section(data, hdrLen, span[16..], "str_off", "str_len", source);
        var stringSpan = strings.Span;
        if (stringSpan.IsEmpty || stringSpan[0] != 0 || stringSpan[^1] != 0)
            throw Error(source, "string section must start and end with a NUL byte");
        var offsets = IndexTypes(types.Span, stringSpan.Length, source, out int count);
        return new BtfTypes(types, strings, offsets, count, version, span[3], source);
    }

    private static ReadOnlyMemory<byte> Section(ReadOnlyMemory<byte> data, uint hdrLen, ReadOnlySpan<byte> fields, string offName, string lenName, string source)
    {
        ulong start = (ulong)hdrLen + BinaryPrimitives.ReadUInt32LittleEndian(fields);
        ulong length = BinaryPrimitives.ReadUInt32LittleEndian(fields[4..]);
        if (start + length > (ulong)data.Length)
            throw Error(source, $"{offName}/{lenName} section {start - hdrLen}+{length} (after a {hdrLen}-byte header) runs past the end of the {data.Length}-byte blob");
        return data.Slice((int)start, (int)length);
    }

    /// <summary>The one pass: every record's kind, trailing data and name offset are checked here.</summary>
    private static int[] IndexTypes(ReadOnlySpan<byte> types, int stringsLength, string source, out int count)
    {
        var offsets = new int[Math.Max(16, types.Length / 20)];
        count = 1;
        int pos = 0;
        while (pos < types.Length)
        {
            if (types.Length - pos < TypeRecordSize)
                throw Error(source, $"type {count} at type-section offset {pos} is truncated");
            uint nameOff = BinaryPrimitives.ReadUInt32LittleEndian(types[pos..]);
            uint info = BinaryPrimitives.ReadUInt32LittleEndian(types[(pos + 4)..]);
            if (nameOff >= stringsLength)
                throw Error(source, $"type {count} name_off {nameOff} is outside the {stringsLength}-byte string section");
            int extra = TrailingSize(KindOf(info), VlenOf(info));
            if (extra < 0)
                throw Error(source, $"type {count} at type-section offset {pos} has unknown kind {KindOf(info)}");
            if (extra > types.Length - pos - TypeRecordSize)
                throw Error(source, $"type {count} ({KindOf(info)}) at type-section offset {pos} is truncated: needs {TypeRecordSize + extra} bytes");
            if (count == offsets.Length)
                Array.Resize(ref offsets, offsets.Length * 2);
            offsets[count++] = pos;
            pos += TypeRecordSize + extra;
        }
        return offsets;
    }

    /// <summary>Bytes that follow the 12-byte btf_type for each kind, or -1 for a kind we do not know.</summary>
    private static int TrailingSize(BtfKind kind, int vlen) => kind switch
    {
        BtfKind.Int or BtfKind.Var or BtfKind.DeclTag => 4,
        BtfKind.Array => 12,
        BtfKind.Struct or BtfKind.Union or BtfKind.Datasec or BtfKind.Enum64 => 12 * vlen,
        BtfKind.Enum or BtfKind.FuncProto => 8 * vlen,
        BtfKind.Ptr or BtfKind.Fwd or BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const
            or BtfKind.Restrict or BtfKind.Func or BtfKind.Float or BtfKind.TypeTag => 0,
        _ => -1,
    };

    private static BtfKind KindOf(uint info) => (BtfKind)((info >> 24) & 0x1F);
    private static int VlenOf(uint info) => (int)(info & 0xFFFF);
    private static bool KindFlagOf(uint info) => (info >> 31) != 0;

    public BtfKind GetKind(int id) => id == 0 ? BtfKind.Void : KindOf(Info(id));

    /// <summary>The type's own name ("" for anonymous types and void).</summary>
    public string GetName(int id) => id == 0 ? "" : String(NameOffset(id));

    /// <summary>The first struct named <paramref name="name"/>, or null. Compares bytes: no string per type.</summary>
    public BtfStruct? FindStruct(string name) => FindComposite(name, BtfKind.Struct);

    public BtfStruct? FindUnion(string name) => FindComposite(name, BtfKind.Union);

    private BtfStruct? FindComposite(string name, BtfKind kind)
    {
        byte[] wanted = Encoding.UTF8.GetBytes(name);
        var types = _types.Span;
        var strings = _strings.Span;
        for (int id = 1; id < Count; id++)
        {
            var record = types[_offsets[id]..];
            if (KindOf(BinaryPrimitives.ReadUInt32LittleEndian(record[4..])) != kind)
                continue;
            int nameOff = (int)BinaryPrimitives.ReadUInt32LittleEndian(record);
            var candidate = strings[nameOff..];
            if (candidate.StartsWith(wanted) && candidate.Length > wanted.Length && candidate[wanted.Length] == 0)
                return ReadComposite(id);
        }
        return null;
    }

    /// <summary>Decodes the struct or union with type id <paramref name="id"/>.</summary>
    public BtfStruct ReadComposite(int id)
    {
        uint info = Info(id);
        var kind = KindOf(info);
        if (kind is not (BtfKind.Struct or BtfKind.Union))
            throw Error(_source, $"type {id} is a {kind}, not a struct or union");
        bool bitfieldsInOffsets = KindFlagOf(info);
        var record = _types.Span[_offsets[id]..];
        long size = BinaryPrimitives.ReadUInt32LittleEndian(record[8..]);
        int vlen = VlenOf(info);
        var members = new BtfMember[vlen];
        for (int i = 0; i < vlen; i++)
        {
            var m = record[(TypeRecordSize + i * 12)..];
            int memberType = CheckedId((int)BinaryPrimitives.ReadUInt32LittleEndian(m[4..]), id);
            uint offset = BinaryPrimitives.ReadUInt32LittleEndian(m[8..]);
            long bitOffset = bitfieldsInOffsets ? offset & 0xFFFFFF : offset;
            int bitfieldSize = bitfieldsInOffsets ? (int)(offset >> 24) : 0;
            if (!bitfieldsInOffsets && GetKind(memberType) == BtfKind.Int)
            {
                // Without kind_flag a bitfield is an INT whose bit count is narrower than its size.
                uint encoding = IntEncoding(memberType);
                int bits = (int)(encoding & 0xFF);
                if (bits != ResolveSize(memberType) * 8 || ((encoding >> 16) & 0xFF) != 0)
                {
                    bitfieldSize = bits;
                    bitOffset += (encoding >> 16) & 0xFF;
                }
            }
            members[i] = new BtfMember(String(BinaryPrimitives.ReadUInt32LittleEndian(m)), bitOffset,
                ResolveSize(memberType), TypeName(memberType), bitfieldSize);
        }
        return new BtfStruct(GetName(id), id, kind == BtfKind.Union, size, members);
    }

    /// <summary>Byte size of a type, through typedefs, qualifiers, type tags and arrays; pointers are 8 bytes.</summary>
    public long ResolveSize(int id)
    {
        try
        {
            return ResolveSizeUnchecked(id);
        }
        catch (OverflowException)
        {
            throw Error(_source, $"type {id}: array sizes multiply past 2^63 bytes");
        }
    }

    private long ResolveSizeUnchecked(int id)
    {
        long multiplier = 1;
        for (int depth = 0; depth < MaxChainDepth; depth++)
        {
            if (id == 0)
                return 0;
            uint info = Info(id);
            var record = _types.Span[_offsets[id]..];
            switch (KindOf(info))
            {
                case BtfKind.Int or BtfKind.Struct or BtfKind.Union or BtfKind.Enum or BtfKind.Enum64
                    or BtfKind.Float or BtfKind.Datasec:
                    return checked(multiplier * BinaryPrimitives.ReadUInt32LittleEndian(record[8..]));
                case BtfKind.Ptr:
                    return checked(multiplier * PointerSize);
                case BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const or BtfKind.Restrict or BtfKind.TypeTag or BtfKind.Var:
                    id = CheckedId((int)BinaryPrimitives.ReadUInt32LittleEndian(record[8..]), id);
                    break;
                case BtfKind.Array:
                    multiplier = checked(multiplier * BinaryPrimitives.ReadUInt32LittleEndian(record[20..]));
                    id = CheckedId((int)BinaryPrimitives.ReadUInt32LittleEndian(record[12..]), id);
                    break;
                default: // FWD, FUNC, FUNC_PROTO, DECL_TAG have no size
                    return 0;
            }
        }
        throw Error(_source, $"type {id}: reference chain deeper than {MaxChainDepth} (a cycle?)");
    }

    /// <summary>A C-like spelling of a type: "u32", "struct foo", "__u8[56]", "char *", "const int".</summary>
    public string TypeName(int id) => TypeName(id, 0);

    private string TypeName(int id, int depth)
    {
        if (depth > MaxChainDepth)
            throw Error(_source, $"type {id}: reference chain deeper than {MaxChainDepth} (a cycle?)");
        if (id == 0)
            return "void";
        uint info = Info(id);
        var record = _types.Span[_offsets[id]..];
        int target = (int)BinaryPrimitives.ReadUInt32LittleEndian(record[8..]);
        string name = GetName(id);
        switch (KindOf(info))
        {
            case BtfKind.Struct: return Tagged("struct", name);
            case BtfKind.Union: return Tagged("union", name);
            case BtfKind.Enum or BtfKind.Enum64: return Tagged("enum", name);
            case BtfKind.Fwd: return Tagged(KindFlagOf(info) ? "union" : "struct", name);
            case BtfKind.Ptr: return TypeName(CheckedId(target, id), depth + 1) + " *";
            case BtfKind.Const: return "const " + TypeName(CheckedId(target, id), depth + 1);
            case BtfKind.Volatile: return "volatile " + TypeName(CheckedId(target, id), depth + 1);
            case BtfKind.Restrict: return TypeName(CheckedId(target, id), depth + 1) + " restrict";
            case BtfKind.TypeTag: return TypeName(CheckedId(target, id), depth + 1);
            case BtfKind.FuncProto: return "func_proto";
            case BtfKind.Array:
            {
                // int[2][4]: the outer array's count is written first.
                var dims = new StringBuilder();
                int element = id;
                for (; GetKind(element) == BtfKind.Array; depth++)
                {
                    if (depth > MaxChainDepth)
                        throw Error(_source, $"type {id}: array nesting deeper than {MaxChainDepth} (a cycle?)");
                    var a = _types.Span[(_offsets[element] + TypeRecordSize)..];
                    dims.Append('[').Append(BinaryPrimitives.ReadUInt32LittleEndian(a[8..])).Append(']');
                    element = CheckedId((int)BinaryPrimitives.ReadUInt32LittleEndian(a), element);
                }
                return TypeName(element, depth + 1) + dims;
            }
            default: return name.Length > 0 ? name : KindOf(info).ToString().ToLowerInvariant();
        }
    }

    private static string Tagged(string tag, string name) => name.Length > 0 ? $"{tag} {name}" : $"{tag} (anon)";

    private uint Info(int id) => BinaryPrimitives.ReadUInt32LittleEndian(_types.Span[(_offsets[CheckedId(id, id)] + 4)..]);

    private uint NameOffset(int id) => BinaryPrimitives.ReadUInt32LittleEndian(_types.Span[_offsets[CheckedId(id, id)]..]);

    private uint IntEncoding(int id) => BinaryPrimitives.ReadUInt32LittleEndian(_types.Span[(_offsets[id] + TypeRecordSize)..]);

    private int CheckedId(int id, int referrer) =>
        id >= 0 && id < Count ? id : throw Error(_source, $"type {referrer} refers to type id {id}, but only {Count - 1} types exist");

    /// <summary>Type name offsets were range-checked by the index pass; member, enum and parameter names are checked here.
    /// The section ends in NUL, so every in-range string is terminated.</summary>
    private string String(uint offset)
    {
        var strings = _strings.Span;
        if (offset >= strings.Length)
            throw Error(_source, $"name offset {offset} is outside the {strings.Length}-byte string section");
        var s = strings[(int)offset..];
        return Encoding.UTF8.GetString(s[..s.IndexOf((byte)0)]);
    }

    private static KernelImageException Error(string source, string problem) => new($"{source}: BTF {problem}");
}
