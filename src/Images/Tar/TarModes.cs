namespace Vmspec.Images;

/// <summary>The only permission modes our layers use, as rwx triplets (C# has no octal literals).</summary>
internal static class TarModes
{
    /// <summary>0755: directories and executables.</summary>
    public const int Executable = 0b111_101_101;

    /// <summary>0644: every other file.</summary>
    public const int Regular = 0b110_100_100;

    /// <summary>01777: a directory anyone may create files in, each removable only by its owner (like /tmp).</summary>
    public const int SharedDirectory = 0b001_111_111_111;

    /// <summary>0777: symlinks (their mode is ignored by Linux, but tar convention fixes it).</summary>
    public const int Symlink = 0b111_111_111;
}
