using Vmspec.Build.Framework;
using Vmspec.Build.Tools;

namespace Vmspec.Build.Tests.Tools;

public class LinuxBootTimingsTests
{
    [Fact]
    public void Reads_the_firmware_and_each_kernels_runs_in_milliseconds()
    {
        var timings = LinuxBootTimings.Parse("""
            firmware qboot
            debian-6-12-cloud vmspec 1500000000 0
            debian-6-12-cloud qemu 3000000000 1
            debian-6-12-cloud vmspec 1000000000 0
            debian-6-12-cloud qemu 2500000 1
            debian-6-1-cloud vmspec 700000000 0
            debian-6-1-cloud qemu 900000000 1

            """);
        Assert.Equal("qboot", timings.Firmware);
        Assert.Equal(["debian-6-12-cloud", "debian-6-1-cloud"], timings.Kernels);
        Assert.Equal([1500, 1000], timings.Runs[("debian-6-12-cloud", LinuxBootTimings.Vmspec)].Milliseconds);
        Assert.Equal([3000, 2.5], timings.Runs[("debian-6-12-cloud", LinuxBootTimings.Qemu)].Milliseconds);
        Assert.Equal([900], timings.Runs[("debian-6-1-cloud", LinuxBootTimings.Qemu)].Milliseconds);
    }

    [Theory]
    [InlineData("firmware default\nk qemu 100 0", "qemu booting k exited with 0, not 1")] // a panic with -no-reboot: /init never ran
    [InlineData("firmware default\nk vmspec 100 1", "vmspec booting k exited with 1, not 0")]
    [InlineData("firmware default\nk vmspec 100", "line 2: expected")]
    [InlineData("firmware default\nk gdb 100 0", "line 2: expected")]
    [InlineData("k vmspec 100 0", "no 'firmware' line")]
    public void Refuses_a_run_that_did_not_reach_init_or_a_malformed_line(string text, string message)
    {
        var e = Assert.Throws<BuildException>(() => LinuxBootTimings.Parse(text));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }
}
