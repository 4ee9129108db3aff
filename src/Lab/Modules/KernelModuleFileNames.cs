using Vmspec.GuestKernels.Compression;

namespace Vmspec.Lab.Modules;

/// <summary>How module files are named: NAME.ko, optionally compressed as .ko.xz, .ko.zst or .ko.gz.</summary>
public static class KernelModuleFileNames
{
    private static readonly (string Suffix, CompressionKind? Compression)[] Suffixes =
        [(".ko", null), (".ko.xz", CompressionKind.Xz), (".ko.zst", CompressionKind.Zstd), (".ko.gz", CompressionKind.Gzip)];

    public static bool IsModule(string path) => Suffixes.Any(s => path.EndsWith(s.Suffix, StringComparison.Ordinal));

    /// <summary>The module's name as the kernel knows it: the file name without suffix, '-' as '_'.</summary>
    public static string ModuleName(string path)
    {
        string file = Path.GetFileName(path);
        foreach (var (suffix, _) in Suffixes)
            if (file.EndsWith(suffix, StringComparison.Ordinal))
                return Normalize(file[..^suffix.Length]);
        throw new ArgumentException($"{path} is not a kernel module file (.ko, .ko.xz, .ko.zst, .ko.gz)");
    }

    public static string Normalize(string moduleName) => moduleName.Replace('-', '_');

    /// <summary>The module's ELF bytes, decompressed as its suffix says.</summary>
    public static byte[] ReadElf(string path)
    {
        var compression = Suffixes.Single(s => path.EndsWith(s.Suffix, StringComparison.Ordinal)).Compression;
        if (compression is null)
            return File.ReadAllBytes(path);
        using var file = File.OpenRead(path);
        using var decoder = PayloadDecompressor.OpenDecoder(compression.Value, file);
        using var output = new MemoryStream();
        decoder.CopyTo(output);
        return output.ToArray();
    }
}
