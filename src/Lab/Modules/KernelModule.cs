using System.Text;
using Vmspec.GuestKernels;
using Vmspec.GuestKernels.Elf;

namespace Vmspec.Lab.Modules;

/// <summary>
/// A loadable module: its name and the modules it needs, as its own .modinfo section says (depends=), and its ELF bytes
/// (decompressed once, for the initramfs).
/// </summary>
public sealed record KernelModule(string Name, string Path, IReadOnlyList<string> Depends, ReadOnlyMemory<byte> Elf)
{
    /// <summary>Reads NAME and depends= from the module file (compressed or not).</summary>
    public static KernelModule Read(string path)
    {
        byte[] elf = KernelModuleFileNames.ReadElf(path);
        return FromElf(path, elf);
    }

    internal static KernelModule FromElf(string path, byte[] elf)
    {
        ElfFile file;
        try
        {
            file = ElfFile.Parse(elf, path);
        }
        catch (KernelImageException e)
        {
            throw new LabException($"module {path}: {e.Message}", e);
        }
        var modinfo = file.FindSection(".modinfo") ?? throw new LabException($"module {path}: no .modinfo section");
        var fields = ParseModinfo(file.GetContents(modinfo).Span);
        string name = fields.TryGetValue("name", out var n) ? n : KernelModuleFileNames.ModuleName(path);
        string[] depends = fields.TryGetValue("depends", out var d) && d.Length > 0
            ? d.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(KernelModuleFileNames.Normalize).ToArray()
            : [];
        return new KernelModule(KernelModuleFileNames.Normalize(name), path, depends, elf);
    }

    /// <summary>.modinfo is a run of NUL-terminated "key=value" strings; the first of a key wins.</summary>
    internal static Dictionary<string, string> ParseModinfo(ReadOnlySpan<byte> section)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string entry in Encoding.UTF8.GetString(section).Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
                fields.TryAdd(entry[..equals], entry[(equals + 1)..]);
        }
        return fields;
    }
}
