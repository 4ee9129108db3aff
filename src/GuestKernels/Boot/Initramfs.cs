using System.Globalization;
using System.Text;

namespace Vmspec.GuestKernels.Boot;

/// <summary>
/// A reproducible initramfs: a newc ("070701") cpio archive as the kernel's initramfs unpacker reads it, with entries
/// sorted by path (parents first, missing parents added as 0755 directories), inode numbers in that order,
/// uid/gid 0, one mtime for all, and the TRAILER!!! entry, padded to 512 bytes. Same entries, same bytes.
/// </summary>
public sealed class Initramfs
{
    public const string Magic = "070701";
    public const string Trailer = "TRAILER!!!";
    public const int HeaderSize = 110;
    public const string SourceDateEpoch = "SOURCE_DATE_EPOCH";

    private const uint TypeDirectory = 0x4000, TypeRegular = 0x8000, TypeCharacterDevice = 0x2000;

    private readonly SortedDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    private sealed record Entry(uint Mode, ReadOnlyMemory<byte> Data, uint RdevMajor, uint RdevMinor)
    {
        public bool IsDirectory => (Mode & 0xF000) == TypeDirectory;
    }

    public Initramfs AddDirectory(string path, uint permissions = 0x1ED /* 0755 */) =>
        Add(path, new Entry(TypeDirectory | Permissions(permissions, path), ReadOnlyMemory<byte>.Empty, 0, 0));

    public Initramfs AddFile(string path, ReadOnlyMemory<byte> data, uint permissions = 0x1A4 /* 0644 */)
    {
        if ((ulong)data.Length > uint.MaxValue)
            throw new ArgumentException($"initramfs file {path}: {data.Length} bytes exceed the newc limit of 4 GiB");
        return Add(path, new Entry(TypeRegular | Permissions(permissions, path), data, 0, 0));
    }

    public Initramfs AddCharacterDevice(string path, uint major, uint minor, uint permissions = 0x180 /* 0600 */) =>
        Add(path, new Entry(TypeCharacterDevice | Permissions(permissions, path), ReadOnlyMemory<byte>.Empty, major, minor));

    /// <summary>The archive Linux needs to run <paramref name="init"/> as /init: /dev, /dev/console (c 5 1), /root.</summary>
    public static Initramfs WithInit(ReadOnlyMemory<byte> init) => new Initramfs()
        .AddDirectory("dev")
        .AddCharacterDevice("dev/console", 5, 1)
        .AddDirectory("root", 0x1C0 /* 0700 */)
        .AddFile("init", init, 0x1ED /* 0755 */);

    /// <summary>SOURCE_DATE_EPOCH (seconds) when set, else 0.</summary>
    public static uint ParseSourceDateEpoch(string? value)
    {
        if (string.IsNullOrEmpty(value)) return 0;
        if (!uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out uint seconds))
            throw new FormatException($"{SourceDateEpoch}=\"{value}\" is not a number of seconds between 0 and {uint.MaxValue}");
        return seconds;
    }

    public byte[] Build(uint mtime = 0)
    {
        var output = new MemoryStream();
        uint inode = 1;
        foreach (var (path, entry) in WithParents())
        {
            WriteHeader(output, inode++, entry.Mode, entry.IsDirectory ? 2u : 1u, mtime, (uint)entry.Data.Length, entry.RdevMajor, entry.RdevMinor, path);
            output.Write(entry.Data.Span);
            Pad(output, 4);
        }
        WriteHeader(output, 0, 0, 1, 0, 0, 0, 0, Trailer);
        Pad(output, 512);
        return output.ToArray();
    }

    private Initramfs Add(string path, Entry entry)
    {
        string name = Normalize(path);
        if (!_entries.TryAdd(name, entry))
            throw new ArgumentException($"initramfs path {name} is added twice");
        return this;
    }

    /// <summary>The entries with any missing parent directory, sorted so that a parent precedes its children.</summary>
    private IEnumerable<KeyValuePair<string, Entry>> WithParents()
    {
        var all = new SortedDictionary<string, Entry>(_entries, StringComparer.Ordinal);
        foreach (string path in _entries.Keys)
        {
            for (int slash = path.LastIndexOf('/'); slash > 0; slash = path.LastIndexOf('/', slash - 1))
            {
                string parent = path[..slash];
                if (all.TryGetValue(parent, out Entry? existing))
                {
                    if (!existing.IsDirectory) throw new ArgumentException($"initramfs path {path} lies under {parent}, which is not a directory");
                }
                else
                {
                    all[parent] = new Entry(TypeDirectory | 0x1ED, ReadOnlyMemory<byte>.Empty, 0, 0);
                }
            }
        }
        // Ordinal order puts "a" before "a/b"; a sibling such as "a-b" between them does not matter to the kernel.
        return all;
    }

    private static void WriteHeader(Stream output, uint inode, uint mode, uint links, uint mtime, uint size, uint rdevMajor, uint rdevMinor, string name)
    {
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        var header = new StringBuilder(Magic);
        foreach (uint field in (uint[])[inode, mode, 0, 0, links, mtime, size, 0, 0, rdevMajor, rdevMinor, (uint)nameBytes.Length + 1, 0])
            header.Append(field.ToString("X8", CultureInfo.InvariantCulture));
        output.Write(Encoding.ASCII.GetBytes(header.ToString()));
        output.Write(nameBytes);
        output.WriteByte(0);
        Pad(output, 4);
    }

    private static void Pad(Stream output, int alignment)
    {
        while (output.Length % alignment != 0) output.WriteByte(0);
    }

    private static uint Permissions(uint permissions, string path) =>
        permissions <= 0xFFF ? permissions : throw new ArgumentException($"initramfs path {path}: permissions 0{Convert.ToString(permissions, 8)} are not within 07777");

    private static string Normalize(string path)
    {
        string name = path.TrimStart('/');
        if (name.Length == 0 || name.EndsWith('/') || name.Contains('\0')
            || name.Split('/').Any(part => part is "" or "." or ".."))
            throw new ArgumentException($"initramfs path \"{path}\" must be a relative path without empty, '.' or '..' components");
        return name;
    }
}
