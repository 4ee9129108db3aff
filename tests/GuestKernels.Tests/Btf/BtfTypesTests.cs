using System.Buffers.Binary;
using Vmspec.GuestKernels.Btf;
using Vmspec.GuestKernels.Tests.Builders;

namespace Vmspec.GuestKernels.Tests.Btf;

public sealed class BtfTypesTests
{
    /// <summary>One of every kind, referring to each other the way vmlinux BTF does.</summary>
    private static (byte[] Blob, Dictionary<string, int> Ids) EveryKind()
    {
        var b = new BtfBuilder();
        var ids = new Dictionary<string, int>();
        ids["int"] = b.Int("int", 4, 32, encoding: 1);
        ids["char"] = b.Int("char", 1, 8, encoding: 4);
        ids["ptr"] = b.Ptr(ids["char"]);
        ids["array"] = b.Array(ids["int"], ids["int"], 3);
        ids["array2"] = b.Array(ids["array"], ids["int"], 2);
        ids["fwd"] = b.Fwd("later", union: false);
        ids["fwdunion"] = b.Fwd("ulater", union: true);
        ids["typedef"] = b.Typedef("s32", ids["int"]);
        ids["volatile"] = b.Volatile(ids["typedef"]);
        ids["const"] = b.Const(ids["volatile"]);
        ids["restrict"] = b.Restrict(ids["ptr"]);
        ids["proto"] = b.FuncProto(ids["int"], ("a", ids["int"]), ("b", ids["ptr"]));
        ids["func"] = b.Func("do_thing", ids["proto"]);
        ids["var"] = b.Var("counter", ids["int"], linkage: 1);
        ids["datasec"] = b.Datasec(".data", 4, (ids["var"], 0, 4));
        ids["float"] = b.Float("double", 8);
        ids["decltag"] = b.DeclTag("user", ids["func"], -1);
        ids["typetag"] = b.TypeTag("percpu", ids["int"]);
        ids["enum"] = b.Enum("colour", 4, ("RED", 0), ("GREEN", 1));
        ids["enum64"] = b.Enum64("big", 8, ("HUGE", 1L << 40));
        ids["union"] = b.Union("either", 8, ("i", ids["int"], 0), ("d", ids["float"], 0));
        ids["anon"] = b.Struct("", 4, ("x", ids["int"], 0));
        ids["struct"] = b.Struct("everything", 64,
            ("c", ids["const"], 0), ("p", ids["ptr"], 64), ("grid", ids["array2"], 128), ("u", ids["union"], 320),
            ("tagged", ids["typetag"], 384), ("e", ids["enum"], 416), ("", ids["anon"], 448), ("r", ids["restrict"], 448));
        return (b.Build(), ids);
    }

    [Fact]
    public void Indexes_every_kind()
    {
        var (blob, ids) = EveryKind();
        var types = BtfTypes.Parse(blob);
        Assert.Equal(ids.Count + 1, types.Count);
        Assert.Equal(BtfKind.Void, types.GetKind(0));
        foreach (var (name, kind) in new[] { ("int", BtfKind.Int), ("ptr", BtfKind.Ptr), ("array", BtfKind.Array), ("struct", BtfKind.Struct),
            ("union", BtfKind.Union), ("enum", BtfKind.Enum), ("fwd", BtfKind.Fwd), ("typedef", BtfKind.Typedef), ("volatile", BtfKind.Volatile),
            ("const", BtfKind.Const), ("restrict", BtfKind.Restrict), ("func", BtfKind.Func), ("proto", BtfKind.FuncProto), ("var", BtfKind.Var),
            ("datasec", BtfKind.Datasec), ("float", BtfKind.Float), ("decltag", BtfKind.DeclTag), ("typetag", BtfKind.TypeTag), ("enum64", BtfKind.Enum64) })
            Assert.Equal(kind, types.GetKind(ids[name]));
        Assert.Equal("do_thing", types.GetName(ids["func"]));
        Assert.Equal("", types.GetName(ids["ptr"]));
    }

    [Fact]
    public void Resolves_sizes_through_qualifiers_typedefs_and_arrays()
    {
        var (blob, ids) = EveryKind();
        var types = BtfTypes.Parse(blob);
        Assert.Equal(4, types.ResolveSize(ids["const"]));
        Assert.Equal(8, types.ResolveSize(ids["restrict"]));
        Assert.Equal(24, types.ResolveSize(ids["array2"]));
        Assert.Equal(8, types.ResolveSize(ids["enum64"]));
        Assert.Equal(4, types.ResolveSize(ids["typetag"]));
        Assert.Equal(0, types.ResolveSize(ids["fwd"]));
        Assert.Equal(0, types.ResolveSize(ids["func"]));
    }

    [Fact]
    public void Spells_type_names_like_C()
    {
        var (blob, ids) = EveryKind();
        var types = BtfTypes.Parse(blob);
        Assert.Equal("const volatile s32", types.TypeName(ids["const"]));
        Assert.Equal("char *", types.TypeName(ids["ptr"]));
        Assert.Equal("char * restrict", types.TypeName(ids["restrict"]));
        Assert.Equal("int[2][3]", types.TypeName(ids["array2"]));
        Assert.Equal("union either", types.TypeName(ids["union"]));
        Assert.Equal("struct (anon)", types.TypeName(ids["anon"]));
        Assert.Equal("union ulater", types.TypeName(ids["fwdunion"]));
        Assert.Equal("enum big", types.TypeName(ids["enum64"]));
        Assert.Equal("void", types.TypeName(0));
    }

    [Fact]
    public void Finds_a_struct_with_resolved_members()
    {
        var (blob, _) = EveryKind();
        var s = BtfTypes.Parse(blob).FindStruct("everything")!;
        Assert.Equal(64, s.Size);
        Assert.False(s.IsUnion);
        Assert.Equal(
            [("c", 0L, 4L, "const volatile s32"), ("p", 8, 8, "char *"), ("grid", 16, 24, "int[2][3]"), ("u", 40, 8, "union either"),
             ("tagged", 48, 4, "int"), ("e", 52, 4, "enum colour"), ("", 56, 4, "struct (anon)"), ("r", 56, 8, "char * restrict")],
            s.Members.Select(m => (m.Name, m.ByteOffset, m.Size, m.TypeName)).ToArray());
        Assert.All(s.Members, m => Assert.False(m.IsBitfield));
    }

    [Fact]
    public void Finds_unions_separately_and_matches_whole_names_only()
    {
        var (blob, _) = EveryKind();
        var types = BtfTypes.Parse(blob);
        Assert.Null(types.FindStruct("either"));
        Assert.True(types.FindUnion("either")!.IsUnion);
        Assert.Null(types.FindStruct("every"));
        Assert.Null(types.FindStruct("everything_else"));
        Assert.Null(types.FindStruct("later")); // a forward declaration is not a definition
    }

    [Fact]
    public void Reads_bitfields_from_kind_flag_offsets()
    {
        var b = new BtfBuilder();
        int u32 = b.Int("unsigned int", 4, 32);
        int u8 = b.Int("u8", 1, 8);
        b.BitfieldStruct("flags", 8, ("ready", u32, 0, 1), ("mode", u32, 1, 3), ("tail", u8, 32, 0));
        var s = BtfTypes.Parse(b.Build()).FindStruct("flags")!;
        Assert.Equal([(0L, 1), (1L, 3), (32L, 0)], s.Members.Select(m => (m.BitOffset, m.BitfieldSize)).ToArray());
        Assert.Equal(4, s.Members[2].ByteOffset);
        Assert.True(s.Members[1].IsBitfield);
    }

    [Fact]
    public void Reads_old_style_bitfields_from_INT_encoding()
    {
        var b = new BtfBuilder();
        int threeBits = b.Int("unsigned int", 4, bits: 3, bitOffset: 2);
        b.Struct("old", 4, ("f", threeBits, 8));
        var member = BtfTypes.Parse(b.Build()).FindStruct("old")!.Members[0];
        Assert.Equal(3, member.BitfieldSize);
        Assert.Equal(10, member.BitOffset);
    }

    [Theory]
    [InlineData(0, 0x00, "BTF magic at offset 0 is 0xEB00, expected 0xEB9F")]
    [InlineData(2, 0x02, "BTF version at offset 2 is 2, expected 1")]
    [InlineData(5, 0x10, "BTF hdr_len at offset 4 is 4120, outside 24..")]
    public void Rejects_bad_headers(int offset, byte value, string message)
    {
        byte[] blob = SyntheticKernel.ApfBtf(false);
        blob[offset] = value;
        Assert.StartsWith("t: " + message, Assert.Throws<KernelImageException>(() => BtfTypes.Parse(blob, "t")).Message);
    }

    [Fact]
    public void Rejects_big_endian_BTF()
    {
        byte[] blob = SyntheticKernel.ApfBtf(false);
        (blob[0], blob[1]) = (blob[1], blob[0]);
        Assert.Equal("t: BTF big-endian BTF is not supported", Assert.Throws<KernelImageException>(() => BtfTypes.Parse(blob, "t")).Message);
    }

    [Fact]
    public void Rejects_unknown_kinds_and_bad_references()
    {
        var b = new BtfBuilder();
        b.Raw(0, BtfBuilder.Info((BtfKind)20, 0, false), 0);
        Assert.Equal("t: BTF type 1 at type-section offset 0 has unknown kind 20",
            Assert.Throws<KernelImageException>(() => BtfTypes.Parse(b.Build(), "t")).Message);

        var dangling = new BtfBuilder();
        dangling.Struct("s", 4, ("x", 99, 0));
        var types = BtfTypes.Parse(dangling.Build(), "t");
        Assert.Equal("t: BTF type 1 refers to type id 99, but only 1 types exist",
            Assert.Throws<KernelImageException>(() => types.FindStruct("s")).Message);

        var badName = new BtfBuilder();
        badName.Raw(5000, BtfBuilder.Info(BtfKind.Ptr, 0, false), 0);
        Assert.StartsWith("t: BTF type 1 name_off 5000 is outside",
            Assert.Throws<KernelImageException>(() => BtfTypes.Parse(badName.Build(), "t")).Message);
    }

    [Fact]
    public void Refuses_reference_cycles()
    {
        var b = new BtfBuilder();
        int a = b.Typedef("a", 2);
        b.Typedef("b", a);
        b.Struct("loop", 4, ("x", a, 0));
        var types = BtfTypes.Parse(b.Build(), "t");
        Assert.Contains("reference chain deeper than", Assert.Throws<KernelImageException>(() => types.FindStruct("loop")).Message);
    }

    [Fact]
    public void Refuses_sizes_that_overflow()
    {
        var b = new BtfBuilder();
        int big = b.Int("big", 1 << 30, 8);
        int inner = b.Array(big, big, int.MaxValue);
        int outer = b.Array(inner, big, int.MaxValue);
        var types = BtfTypes.Parse(b.Build(), "t");
        Assert.Equal($"t: BTF type {outer}: array sizes multiply past 2^63 bytes", Assert.Throws<KernelImageException>(() => types.ResolveSize(outer)).Message);
    }

    [Fact]
    public void Refuses_a_string_section_without_terminator()
    {
        byte[] blob = SyntheticKernel.ApfBtf(false);
        blob[^1] = (byte)'x';
        Assert.Equal("t: BTF string section must start and end with a NUL byte",
            Assert.Throws<KernelImageException>(() => BtfTypes.Parse(blob, "t")).Message);
    }

    [Fact]
    public void Every_truncation_point_gives_a_clear_error()
    {
        byte[] blob = SyntheticKernel.ApfBtf(true);
        for (int length = 0; length < blob.Length; length++)
            Assert.StartsWith("cut: BTF ", Assert.Throws<KernelImageException>(() => BtfTypes.Parse(blob[..length], "cut")).Message);
    }

    [Fact]
    public void Rejects_a_record_cut_short_inside_the_type_section()
    {
        byte[] blob = SyntheticKernel.ApfBtf(true);
        uint typeLen = BinaryPrimitives.ReadUInt32LittleEndian(blob.AsSpan(12));
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(12), typeLen - 4);
        Assert.StartsWith("t: BTF type 8 (Struct) at type-section offset 120 is truncated", Assert.Throws<KernelImageException>(() => BtfTypes.Parse(blob, "t")).Message);
    }
}
