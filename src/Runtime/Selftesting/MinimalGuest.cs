using Vmspec.Abi.KvmPara;
using Vmspec.Runtime.Guests;
using static Iced.Intel.AssemblerRegisters;

namespace Vmspec.Runtime.Selftesting;

/// <summary>The smallest useful guest: in long mode at CPL0, read CPUID 0x40000001 and report EAX, then Done.</summary>
public static class MinimalGuest
{
    /// <summary>Report kind carrying CPUID 0x40000001 EAX.</summary>
    public const uint KvmFeaturesReport = 1;

    public static GuestProgram Build(GuestLayout layout) =>
        new GuestProgramBuilder(layout)
            .Cpuid(KvmPvFeatures.Leaf)
            .ReportRegister(KvmFeaturesReport, rax)
            .Done()
            .Build();
}
