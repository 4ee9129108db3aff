using Vmspec.Lab.Init;

namespace Vmspec.Lab.Tests.Init;

public sealed class StaticBusyboxTests
{
    [Fact]
    public void Only_a_statically_linked_busybox_is_accepted()
    {
        Assert.False(StaticBusybox.IsStaticElf("#!/bin/sh\n"u8.ToArray()));
        Assert.False(StaticBusybox.IsStaticElf(File.ReadAllBytes("/bin/ls"))); // has PT_INTERP
        if (File.Exists("/bin/busybox"))
            Assert.True(StaticBusybox.IsStaticElf(File.ReadAllBytes("/bin/busybox")));
    }
}
