using System.Buffers.Binary;
using System.Text;

namespace Vmspec.GuestKernels.Tests.Builders;

/// <summary>Wraps a payload in a boot-protocol 2.15 style bzImage: boot sector + setup sectors, then the protected-mode part.</summary>
internal static class BzImageBuilder
{
    public const int PayloadOffset = 0x40;
    public const string DefaultVersion = "6.9.0-vmspec-test (builder@vmspec) #1 SMP";

    public static byte[] Build(byte[] payload, uint initSize = 64 << 20, ushort protocol = 0x020F, int setupSects = 1,
        string? kernelVersion = DefaultVersion)
    {
        int setupSize = ((setupSects == 0 ? 4 : setupSects) + 1) * 512;
        int protectedMode = (PayloadOffset + payload.Length + 15) / 16 * 16;
        var image = new byte[setupSize + protectedMode];
        var s = image.AsSpan();
        s[0x1F1] = (byte)setupSects;
        BinaryPrimitives.WriteUInt32LittleEndian(s[0x1F4..], (uint)(protectedMode / 16));
        BinaryPrimitives.WriteUInt16LittleEndian(s[0x1FE..], 0xAA55);
        s[0x200] = 0xEB;
        s[0x201] = 0x6A; // header ends at 0x26C
        "HdrS"u8.CopyTo(s[0x202..]);
        BinaryPrimitives.WriteUInt16LittleEndian(s[0x206..], protocol);
        if (kernelVersion is not null)
        {
            Encoding.ASCII.GetBytes(kernelVersion).CopyTo(s[0x300..]);
            BinaryPrimitives.WriteUInt16LittleEndian(s[0x20E..], 0x300 - 0x200);
        }
        s[0x211] = 0x01; // LOADED_HIGH
        BinaryPrimitives.WriteUInt32LittleEndian(s[0x214..], 0x100000);
        BinaryPrimitives.WriteUInt32LittleEndian(s[0x22C..], 0x7FFFFFFF);
        BinaryPrimitives.WriteUInt32LittleEndian(s[0x230..], 0x200000);
        s[0x234] = 1;
        s[0x235] = 21;
        BinaryPrimitives.WriteUInt16LittleEndian(s[0x236..], 0x7F);
        BinaryPrimitives.WriteUInt32LittleEndian(s[0x238..], 2047);
        BinaryPrimitives.WriteUInt32LittleEndian(s[0x248..], PayloadOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(s[0x24C..], (uint)payload.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(s[0x258..], 0x1000000);
        BinaryPrimitives.WriteUInt32LittleEndian(s[0x260..], initSize);
        BinaryPrimitives.WriteUInt32LittleEndian(s[0x264..], 0x190);
        BinaryPrimitives.WriteUInt32LittleEndian(s[0x268..], 0x12345);
        payload.CopyTo(s[(setupSize + PayloadOffset)..]);
        return image;
    }
}
