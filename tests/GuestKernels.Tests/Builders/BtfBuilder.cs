using System.Buffers.Binary;
using System.Text;
using Vmspec.GuestKernels.Btf;

namespace Vmspec.GuestKernels.Tests.Builders;

/// <summary>Writes BTF blobs type by type, the way pahole lays them out, so tests can cover every kind.</summary>
internal sealed class BtfBuilder
{
    private readonly MemoryStream _types = new();
    private readonly MemoryStream _strings = new();
    private readonly Dictionary<string, int> _stringOffsets = new(StringComparer.Ordinal);
    private int _nextId = 1;

    public BtfBuilder() => _strings.WriteByte(0);

    public int Int(string name, int size, int bits, int encoding = 0, int bitOffset = 0) =>
        Type(name, BtfKind.Int, 0, false, (uint)size, U32((uint)(encoding << 24 | bitOffset << 16 | bits)));

    public int Ptr(int target) => Type("", BtfKind.Ptr, 0, false, (uint)target);

    public int Array(int element, int index, int count) =>
        Type("", BtfKind.Array, 0, false, 0, U32((uint)element), U32((uint)index), U32((uint)count));

    public int Struct(string name, int size, params (string Name, int Type, int BitOffset)[] members) =>
        Composite(BtfKind.Struct, name, size, false, members.Select(m => (m.Name, m.Type, m.BitOffset, 0)).ToArray());

    /// <summary>A struct with kind_flag set: each member's offset word carries its bitfield size in the top 8 bits.</summary>
    public int BitfieldStruct(string name, int size, params (string Name, int Type, int BitOffset, int BitfieldSize)[] members) =>
        Composite(BtfKind.Struct, name, size, true, members);

    public int Union(string name, int size, params (string Name, int Type, int BitOffset)[] members) =>
        Composite(BtfKind.Union, name, size, false, members.Select(m => (m.Name, m.Type, m.BitOffset, 0)).ToArray());

    public int Enum(string name, int size, params (string Name, int Value)[] values) =>
        Type(name, BtfKind.Enum, values.Length, false, (uint)size,
            values.SelectMany(v => U32(Str(v.Name)).Concat(U32((uint)v.Value))).ToArray());

    public int Enum64(string name, int size, params (string Name, long Value)[] values) =>
        Type(name, BtfKind.Enum64, values.Length, false, (uint)size,
            values.SelectMany(v => U32(Str(v.Name)).Concat(U32((uint)v.Value)).Concat(U32((uint)(v.Value >> 32)))).ToArray());

    public int Fwd(string name, bool union) => Type(name, BtfKind.Fwd, 0, union, 0);
    public int Typedef(string name, int target) => Type(name, BtfKind.Typedef, 0, false, (uint)target);
    public int Volatile(int target) => Type("", BtfKind.Volatile, 0, false, (uint)target);
    public int Const(int target) => Type("", BtfKind.Const, 0, false, (uint)target);
    public int Restrict(int target) => Type("", BtfKind.Restrict, 0, false, (uint)target);
    public int Func(string name, int proto) => Type(name, BtfKind.Func, 0, false, (uint)proto);

    public int FuncProto(int returnType, params (string Name, int Type)[] parameters) =>
        Type("", BtfKind.FuncProto, parameters.Length, false, (uint)returnType,
            parameters.SelectMany(p => U32(Str(p.Name)).Concat(U32((uint)p.Type))).ToArray());

    public int Var(string name, int type, int linkage) => Type(name, BtfKind.Var, 0, false, (uint)type, U32((uint)linkage));

    public int Datasec(string name, int size, params (int Type, int Offset, int Size)[] vars) =>
        Type(name, BtfKind.Datasec, vars.Length, false, (uint)size,
            vars.SelectMany(v => U32((uint)v.Type).Concat(U32((uint)v.Offset)).Concat(U32((uint)v.Size))).ToArray());

    public int Float(string name, int size) => Type(name, BtfKind.Float, 0, false, (uint)size);
    public int DeclTag(string name, int target, int componentIndex) => Type(name, BtfKind.DeclTag, 0, false, (uint)target, U32((uint)componentIndex));
    public int TypeTag(string name, int target) => Type(name, BtfKind.TypeTag, 0, false, (uint)target);

    /// <summary>Appends a raw record, for malformed-input tests.</summary>
    public int Raw(uint nameOff, uint info, uint sizeOrType, params byte[] trailing)
    {
        _types.Write(U32(nameOff));
        _types.Write(U32(info));
        _types.Write(U32(sizeOrType));
        _types.Write(trailing);
        return _nextId++;
    }

    /// <summary>The blob: 24-byte header, type section, string section.</summary>
    public byte[] Build()
    {
        byte[] types = _types.ToArray(), strings = _strings.ToArray();
        var blob = new byte[24 + types.Length + strings.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(blob, BtfTypes.Magic);
        blob[2] = 1;
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(4), 24);
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(8), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(12), (uint)types.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(16), (uint)types.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(20), (uint)strings.Length);
        types.CopyTo(blob, 24);
        strings.CopyTo(blob, 24 + types.Length);
        return blob;
    }

    public uint Str(string s)
    {
        if (s.Length == 0)
            return 0;
        if (!_stringOffsets.TryGetValue(s, out int offset))
        {
            offset = (int)_strings.Length;
            _strings.Write(Encoding.UTF8.GetBytes(s));
            _strings.WriteByte(0);
            _stringOffsets[s] = offset;
        }
        return (uint)offset;
    }

    public static uint Info(BtfKind kind, int vlen, bool kindFlag) => (kindFlag ? 1u << 31 : 0) | (uint)kind << 24 | (uint)vlen;

    private int Composite(BtfKind kind, string name, int size, bool kindFlag, (string Name, int Type, int BitOffset, int BitfieldSize)[] members) =>
        Type(name, kind, members.Length, kindFlag, (uint)size,
            members.SelectMany(m => U32(Str(m.Name)).Concat(U32((uint)m.Type))
                .Concat(U32(kindFlag ? (uint)(m.BitfieldSize << 24 | m.BitOffset) : (uint)m.BitOffset))).ToArray());

    private int Type(string name, BtfKind kind, int vlen, bool kindFlag, uint sizeOrType, params byte[][] trailing) =>
        Raw(Str(name), Info(kind, vlen, kindFlag), sizeOrType, trailing.SelectMany(t => t).ToArray());

    private static byte[] U32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }
}
