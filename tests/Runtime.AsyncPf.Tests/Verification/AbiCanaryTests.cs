using Vmspec.Runtime.AsyncPf.Verification;
using Vmspec.Runtime.X86;

namespace Vmspec.Runtime.AsyncPf.Tests.Verification;

public class AbiCanaryTests
{
    private static readonly GuestLayout Layout = GuestLayout.Default;

    [Fact]
    public void Covers_bytes_8_to_127_of_the_area()
    {
        var canary = AbiCanary.Plan([0x6000], _ => true, Layout);
        Assert.Equal(120, canary.Bytes.Count);
        Assert.Equal(0x6008UL, canary.Bytes[0].Gpa);
        Assert.Equal(0x607fUL, canary.Bytes[^1].Gpa);
    }

    [Fact]
    public void Lists_exactly_the_changed_bytes()
    {
        var memory = new byte[0x8000];
        var canary = AbiCanary.Plan([0x6000], _ => true, Layout);
        canary.Write((gpa, value) => memory[gpa] = value);
        Assert.Empty(canary.Changed(gpa => memory[gpa]));
        memory[0x6004] = 0xff; // the token: the host may write it
        memory[0x6040] = 0x01; // where the pre-6.9 'enabled' lived
        var changed = Assert.Single(canary.Changed(gpa => memory[gpa]));
        Assert.Equal("0x6040 (area 0x6000 + 64) = 0x01", changed.ToString());
    }

    [Fact]
    public void Stops_at_the_end_of_RAM_and_spares_the_IDT()
    {
        ulong ramEnd = Layout.RamSize;
        var lastOfRam = AbiCanary.Plan([ramEnd - 64], gpa => gpa < ramEnd, Layout);
        Assert.Equal(56, lastOfRam.Bytes.Count);
        // The last 64 bytes of the shared page: the 64 bytes after it are the IDT, which must not be overwritten.
        var lastOfPage = AbiCanary.Plan([Layout.SharedPage + 4096 - 64], _ => true, Layout);
        Assert.All(lastOfPage.Bytes, b => Assert.True(b.Gpa < Layout.Idt));
        Assert.Equal(56, lastOfPage.Bytes.Count);
    }

    [Fact]
    public void Leaves_the_first_eight_bytes_of_another_area_to_the_host()
    {
        var canary = AbiCanary.Plan([0x6000, 0x6040], _ => true, Layout);
        Assert.DoesNotContain(canary.Bytes, b => b.Gpa is >= 0x6040 and < 0x6048);
        Assert.Contains(canary.Bytes, b => b.Gpa == 0x6048);
        Assert.Empty(AbiCanary.Plan([0x40_0000], _ => false, Layout).Bytes);
    }
}
