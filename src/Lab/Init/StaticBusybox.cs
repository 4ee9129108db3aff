using Vmspec.GuestKernels;
using Vmspec.GuestKernels.Elf;

namespace Vmspec.Lab.Init;

/// <summary>The lab's userland before the host's root is mounted: Debian's statically linked busybox.</summary>
public static class StaticBusybox
{
    public const string DebianPackage = "busybox-static";
    private static readonly string[] Candidates = ["/bin/busybox", "/usr/bin/busybox"];

    public static byte[] Load()
    {
        foreach (string path in Candidates.Where(File.Exists))
        {
            byte[] bytes = File.ReadAllBytes(path);
            if (IsStaticElf(bytes))
                return bytes;
        }
        throw new LabException($"no statically linked busybox: the lab's init needs one (apt-get install {DebianPackage})");
    }

    /// <summary>An x86-64 ELF executable with no PT_INTERP program header needs no dynamic loader.</summary>
    internal static bool IsStaticElf(byte[] elf)
    {
        try
        {
            return ElfProgramHeaders.Read(elf, "busybox").All(segment => segment.Type != ElfSegment.Interp);
        }
        catch (KernelImageException)
        {
            return false;
        }
    }
}
