using System.Text;
using Vmspec.GuestKernels.Boot;
using Vmspec.Lab.Modules;

namespace Vmspec.Lab.Init;

/// <summary>One read-write folder of the host, shared with the lab under a 9p mount tag.</summary>
public sealed record OutputFolder(string Tag, string Path);

/// <summary>
/// The lab's initramfs, from vmspec's reproducible newc writer: the static busybox, /init, the decompressed modules in
/// load order (/lab/modules.list names them), the output folders (/lab/outputs) and the command script (/lab/command.sh).
/// </summary>
public static class LabInitramfs
{
    public static byte[] Build(byte[] busybox, IReadOnlyList<KernelModule> modules, IReadOnlyList<OutputFolder> outputs, string commandScript)
    {
        var archive = Initramfs.WithInit(Encoding.UTF8.GetBytes(LabInitScript.Text.ReplaceLineEndings("\n") + "\n"))
            .AddFile("bin/busybox", busybox, 0x1ED /* 0755 */)
            .AddDirectory("proc").AddDirectory("sys").AddDirectory("mnt").AddDirectory("tmp", 0x3FF /* 1777 */)
            .AddFile("lab/modules.list", Lines(modules.Select(m => m.Name)))
            .AddFile("lab/outputs", Lines(outputs.Select(o => $"{o.Tag} {o.Path}")))
            .AddFile("lab/command.sh", Encoding.UTF8.GetBytes(commandScript));
        foreach (var module in modules)
            archive.AddFile($"lab/modules/{module.Name}.ko", module.Elf);
        return archive.Build();
    }

    private static byte[] Lines(IEnumerable<string> lines) => Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n")));
}
