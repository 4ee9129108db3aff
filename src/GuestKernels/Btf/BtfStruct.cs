namespace Vmspec.GuestKernels.Btf;

/// <summary>A struct (or union) as BTF describes it, with member types already resolved to names and sizes.</summary>
public sealed record BtfStruct(string Name, int TypeId, bool IsUnion, long Size, IReadOnlyList<BtfMember> Members)
{
    public BtfMember? FindMember(string name)
    {
        foreach (var member in Members)
            if (member.Name == name)
                return member;
        return null;
    }
}

/// <summary>
/// One member. <see cref="Size"/> is the byte size of its type (through typedefs, qualifiers and arrays);
/// <see cref="BitfieldSize"/> is the width in bits of a bitfield, 0 for an ordinary member.
/// </summary>
public sealed record BtfMember(string Name, long BitOffset, long Size, string TypeName, int BitfieldSize)
{
    public long ByteOffset => BitOffset / 8;
    public bool IsBitfield => BitfieldSize != 0;
}
