using System.Text;

namespace Vmspec.Runtime.Boot;

/// <summary>The command line as the kernel reads it: UTF-8 bytes and a NUL, within the kernel's and the layout's limits.</summary>
public static class KernelCommandLine
{
    /// <summary><paramref name="kernelLimit"/> is the kernel's maximum length without the NUL (cmdline_size), or null when it declares none.</summary>
    public static byte[] Encode(string commandLine, uint? kernelLimit, LinuxBootLayout layout, string source)
    {
        if (commandLine.Contains('\0'))
            throw new BootLoaderException("kernel command line contains a NUL character");
        byte[] text = Encoding.UTF8.GetBytes(commandLine);
        if (kernelLimit is { } limit && (ulong)text.Length > limit)
            throw new BootLoaderException($"{source}: the command line has {text.Length} bytes; the kernel's cmdline_size allows {limit}");
        if ((ulong)text.Length + 1 > layout.CommandLineCapacity)
            throw new BootLoaderException($"the command line has {text.Length} bytes; the boot layout reserves {layout.CommandLineCapacity} including the NUL");
        return [.. text, 0];
    }
}
