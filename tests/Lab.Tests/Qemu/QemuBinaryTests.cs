using Vmspec.Lab.Qemu;

namespace Vmspec.Lab.Tests.Qemu;

public sealed class QemuBinaryTests
{
    [Theory]
    [InlineData("QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\nCopyright", "7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)", 7)]
    [InlineData("QEMU emulator version 10.0.2 (Debian 1:10.0.2+ds-2+deb13u1~bpo12+1)\n", "10.0.2 (Debian 1:10.0.2+ds-2+deb13u1~bpo12+1)", 10)]
    [InlineData("qemu built from git\n", "qemu built from git", null)]
    public void Reads_the_version_and_its_major_from_version_output(string output, string version, int? major)
    {
        var qemu = new QemuBinary("/usr/bin/qemu-system-x86_64", QemuBinary.ParseVersion(output));
        Assert.Equal((version, major), (qemu.Version, qemu.Major));
    }

    [Fact]
    public void Only_a_QEMU_older_than_the_reliable_one_carries_a_caveat_that_says_how_to_get_a_newer_one()
    {
        Assert.Contains("apt-get install -t bookworm-backports qemu-system-x86", new QemuBinary("q", "7.2.22 (Debian)").Caveat);
        Assert.Null(new QemuBinary("q", "10.0.2").Caveat);
        Assert.Null(new QemuBinary("q", "11.1.0").Caveat);
        Assert.Null(new QemuBinary("q", "unknown").Caveat);
    }
}
