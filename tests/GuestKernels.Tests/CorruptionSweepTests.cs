using Vmspec.Abi.KvmPara;
using Vmspec.GuestKernels.Abi;
using Vmspec.GuestKernels.Btf;
using Vmspec.GuestKernels.Elf;
using Vmspec.GuestKernels.Tests.Builders;

namespace Vmspec.GuestKernels.Tests;

/// <summary>Every byte of a small input, changed several ways: either it still decodes or it is refused with our own exception.</summary>
public sealed class CorruptionSweepTests
{
    private static readonly byte[] Changes = [0x01, 0x80, 0xFF];

    [Fact]
    public void BTF_reader_never_throws_foreign_exceptions()
    {
        byte[] blob = SyntheticKernel.ApfBtf(legacy68: true);
        int refused = Sweep(blob, corrupt =>
        {
            var types = BtfTypes.Parse(corrupt, "btf");
            for (int id = 0; id < types.Count; id++)
                _ = (types.GetKind(id), types.GetName(id), types.TypeName(id), types.ResolveSize(id));
            if (types.FindStruct(ApfDataLayouts.StructName) is { } found)
                _ = ApfDataClassifier.Classify(found);
        });
        Assert.InRange(refused, 1, blob.Length * Changes.Length - 1);
    }

    [Fact]
    public void ELF_reader_never_throws_foreign_exceptions()
    {
        byte[] elf = ElfBuilder.Build((".text", new byte[32]), (".BTF", SyntheticKernel.ApfBtf(legacy68: false)));
        int refused = Sweep(elf, corrupt =>
        {
            var file = ElfFile.Parse(corrupt, "elf");
            foreach (var section in file.Sections)
                _ = file.GetContents(section);
        });
        Assert.InRange(refused, 1, elf.Length * Changes.Length - 1);
    }

    private static int Sweep(byte[] original, Action<byte[]> decode)
    {
        int refused = 0;
        for (int i = 0; i < original.Length; i++)
            foreach (byte change in Changes)
            {
                byte[] corrupt = (byte[])original.Clone();
                corrupt[i] ^= change;
                try
                {
                    decode(corrupt);
                }
                catch (KernelImageException)
                {
                    refused++;
                }
            }
        return refused;
    }
}
