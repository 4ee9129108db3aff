namespace Vmspec.SpecCompiler.Tests.Support;

/// <summary>Small valid host kernel files that tests vary one field at a time, and a scratch local kernel build.</summary>
internal static class HostFiles
{
    /// <summary>A Debian host; line numbers matter to the diagnostic tests.</summary>
    public const string Debian = """
        apiVersion: vmspec.dev/v1
        kind: HostKernel
        metadata:
          name: deb
          description: a Debian host
        kernel:
          debian:
            package: linux-image-6.12.117+deb12-amd64-unsigned
            version: 6.12.117-1~deb12u1
            sha256: 5de3e329c887173debec07ff1325c975cf4f286d364929d17fecb1e1325c5c46
        """;

    /// <summary>A local build, with paths relative to hosts/ of a <see cref="WriteLocalBuild"/> scratch directory.</summary>
    public const string Local = """
        apiVersion: vmspec.dev/v1
        kind: HostKernel
        metadata:
          name: dev
        default: true
        kernel:
          local:
            bzImage: ../linux/arch/x86/boot/bzImage
            modules: ../linux/mod/lib/modules/6.13.0
        """;

    /// <summary>Writes linux/arch/x86/boot/bzImage and linux/mod/lib/modules/6.13.0/modules.builtin below the scratch directory.</summary>
    public static void WriteLocalBuild(TestFiles files)
    {
        files.Write("linux/arch/x86/boot/bzImage", "not really a kernel");
        files.Write("linux/mod/lib/modules/6.13.0/modules.builtin", "kernel/fs/ext4/ext4.ko\n");
    }

    /// <summary>A host kernel file named <paramref name="name"/> (default or not) for catalog tests.</summary>
    public static string Named(string name, bool isDefault = false) =>
        Debian.Replace("name: deb", $"name: {name}") + (isDefault ? "\ndefault: true\n" : "\n");

    public static HostKernelCompileResult Compile(string text, string file = "host.yaml") => HostKernelCompiler.CompileText(file, text);

    public static string Errors(HostKernelCompileResult result) => string.Join("\n", result.Diagnostics);

    public static string Errors(HostKernelCatalogResult result) => string.Join("\n", result.Diagnostics);
}
