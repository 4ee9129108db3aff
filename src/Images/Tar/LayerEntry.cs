namespace Vmspec.Images;

/// <summary>
/// One file system object in a layer. Modes are not free-form: directories and executables are
/// 0755, other files 0644, symlinks 0777 (and shared directories 01777), so the same inputs give
/// the same tar on any checkout.
/// </summary>
public sealed class LayerEntry
{
    private readonly ReadOnlyMemory<byte> _content;

    private readonly bool _shared;

    private LayerEntry(string path, LayerEntryKind kind, bool executable, string? linkTarget, ReadOnlyMemory<byte> content, string? sourceFile, bool shared = false)
    {
        _shared = shared;
        Path = LayerPath.Normalize(path);
        Kind = kind;
        Executable = executable;
        LinkTarget = linkTarget;
        _content = content;
        SourceFile = sourceFile;
    }

    /// <summary>Relative, '/'-separated path without leading "/" or "./".</summary>
    public string Path { get; }

    public LayerEntryKind Kind { get; }

    public bool Executable { get; }

    public string? LinkTarget { get; }

    /// <summary>File whose bytes are read when the layer is written (null for in-memory content).</summary>
    public string? SourceFile { get; }

    public int Mode => Kind switch
    {
        LayerEntryKind.Directory => _shared ? TarModes.SharedDirectory : TarModes.Executable,
        LayerEntryKind.Symlink => TarModes.Symlink,
        _ => Executable ? TarModes.Executable : TarModes.Regular,
    };

    public static LayerEntry File(string path, ReadOnlyMemory<byte> content, bool executable = false) =>
        new(path, LayerEntryKind.File, executable, null, content, null);

    /// <summary>A file whose bytes come from <paramref name="sourceFile"/>; executable defaults to the source's user-x bit.</summary>
    public static LayerEntry FromSourceFile(string path, string sourceFile, bool? executable = null)
    {
        if (!System.IO.File.Exists(sourceFile))
        {
            throw new ImageBuildException($"layer file '{path}': source file '{sourceFile}' does not exist");
        }

        var isExecutable = executable ?? (!OperatingSystem.IsWindows() && (System.IO.File.GetUnixFileMode(sourceFile) & UnixFileMode.UserExecute) != 0);
        return new LayerEntry(path, LayerEntryKind.File, isExecutable, null, ReadOnlyMemory<byte>.Empty, sourceFile);
    }

    public static LayerEntry Directory(string path) =>
        new(path, LayerEntryKind.Directory, true, null, ReadOnlyMemory<byte>.Empty, null);

    /// <summary>
    /// A sticky, world-writable directory (01777). Layer entries are owned by root, so this is how a
    /// non-root container user gets a place to write, e.g. a volume mounted there inherits the mode.
    /// </summary>
    public static LayerEntry SharedDirectory(string path) =>
        new(path, LayerEntryKind.Directory, true, null, ReadOnlyMemory<byte>.Empty, null, shared: true);

    public static LayerEntry Symlink(string path, string target)
    {
        if (string.IsNullOrEmpty(target) || target.Contains('\0'))
        {
            throw new ImageBuildException($"symlink '{path}' needs a non-empty target without NUL characters");
        }

        return new LayerEntry(path, LayerEntryKind.Symlink, false, target, ReadOnlyMemory<byte>.Empty, null);
    }

    /// <summary>The file's bytes (read from <see cref="SourceFile"/> when it has one); empty for directories and links.</summary>
    internal ReadOnlyMemory<byte> Content => Kind != LayerEntryKind.File || SourceFile is null ? _content : System.IO.File.ReadAllBytes(SourceFile);

    internal long ContentLength => Kind != LayerEntryKind.File
        ? 0
        : SourceFile is null ? _content.Length : new FileInfo(SourceFile).Length;

    /// <summary>Copies the content to <paramref name="destination"/>; refuses a source file that changed size meanwhile.</summary>
    internal void CopyContentTo(Stream destination, long expectedLength)
    {
        if (SourceFile is null)
        {
            destination.Write(_content.Span);
            return;
        }

        using var source = new FileStream(SourceFile, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var buffer = new byte[1 << 16];
        long copied = 0;
        int read;
        while ((read = source.Read(buffer)) > 0)
        {
            copied += read;
            if (copied > expectedLength)
            {
                break;
            }

            destination.Write(buffer, 0, read);
        }

        if (copied != expectedLength)
        {
            throw new ImageBuildException($"layer file '{Path}': source '{SourceFile}' changed size while being read");
        }
    }
}
