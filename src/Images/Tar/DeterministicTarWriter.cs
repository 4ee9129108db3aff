using System.Globalization;
using System.Text;

namespace Vmspec.Images;

/// <summary>
/// Writes a tar archive whose bytes depend only on the entries' paths, kinds, contents and the
/// given SOURCE_DATE_EPOCH: canonical order, uid/gid 0, owner "root", fixed modes, no atime/ctime,
/// and long names through the ustar prefix or a PAX header with a fixed name and only
/// path/linkpath records. (System.Formats.Tar's writer stamps PAX names with a process id.)
/// </summary>
public static class DeterministicTarWriter
{
    /// <summary>Fixed name of PAX extended headers, so no process id or time leaks in.</summary>
    internal const string PaxHeaderName = "PaxHeader";

    private static readonly byte[] Padding = new byte[TarHeader.BlockSize];

    public static void Write(Stream output, IEnumerable<LayerEntry> entries, long sourceDateEpoch)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (sourceDateEpoch < 0)
        {
            throw new ImageBuildException($"SOURCE_DATE_EPOCH {sourceDateEpoch} is negative");
        }

        foreach (var entry in LayerPlan.Create(entries))
        {
            WriteEntry(output, entry, sourceDateEpoch);
        }

        // End of archive: two zero blocks.
        output.Write(Padding);
        output.Write(Padding);
    }

    private static void WriteEntry(Stream output, LayerEntry entry, long mtime)
    {
        var tarPath = entry.Kind == LayerEntryKind.Directory ? entry.Path + "/" : entry.Path;
        var pathBytes = Encoding.UTF8.GetBytes(tarPath);
        var linkBytes = entry.LinkTarget is null ? [] : Encoding.UTF8.GetBytes(entry.LinkTarget);
        var size = entry.ContentLength;

        var pax = new List<(string Key, byte[] Value)>();
        byte[] name;
        byte[] prefix = [];
        if (pathBytes.Length <= TarHeader.NameLength)
        {
            name = pathBytes;
        }
        else if (TrySplitPrefix(pathBytes, out var splitPrefix, out var splitName))
        {
            prefix = splitPrefix;
            name = splitName;
        }
        else
        {
            pax.Add(("path", pathBytes));
            name = pathBytes[..TarHeader.NameLength];
        }

        if (linkBytes.Length > TarHeader.NameLength)
        {
            pax.Add(("linkpath", linkBytes));
            linkBytes = linkBytes[..TarHeader.NameLength];
        }

        if (pax.Count > 0)
        {
            var records = EncodePaxRecords(pax);
            output.Write(TarHeader.Encode(Encoding.ASCII.GetBytes(PaxHeaderName), [], TarModes.Regular, records.Length, mtime, TarHeader.TypePax, []));
            output.Write(records);
            WritePadding(output, records.Length);
        }

        var typeFlag = entry.Kind switch
        {
            LayerEntryKind.Directory => TarHeader.TypeDirectory,
            LayerEntryKind.Symlink => TarHeader.TypeSymlink,
            _ => TarHeader.TypeFile,
        };
        output.Write(TarHeader.Encode(name, prefix, entry.Mode, size, mtime, typeFlag, linkBytes));
        if (entry.Kind == LayerEntryKind.File)
        {
            entry.CopyContentTo(output, size);
            WritePadding(output, size);
        }
    }

    /// <summary>Splits at the last '/' that leaves a name of at most 100 bytes and a prefix of at most 155.</summary>
    private static bool TrySplitPrefix(byte[] path, out byte[] prefix, out byte[] name)
    {
        for (var slash = Array.LastIndexOf(path, (byte)'/', path.Length - 2); slash > 0; slash = Array.LastIndexOf(path, (byte)'/', slash - 1))
        {
            var nameLength = path.Length - slash - 1;
            if (nameLength > TarHeader.NameLength)
            {
                break;
            }

            if (slash <= TarHeader.PrefixLength)
            {
                prefix = path[..slash];
                name = path[(slash + 1)..];
                return true;
            }
        }

        prefix = [];
        name = [];
        return false;
    }

    /// <summary>PAX records "LEN key=value\n" where LEN counts the whole record including itself.</summary>
    private static byte[] EncodePaxRecords(List<(string Key, byte[] Value)> records)
    {
        using var buffer = new MemoryStream();
        foreach (var (key, value) in records)
        {
            var body = 1 + key.Length + 1 + value.Length + 1; // " key=value\n"
            var length = body + 1;
            while (length != body + length.ToString(CultureInfo.InvariantCulture).Length)
            {
                length = body + length.ToString(CultureInfo.InvariantCulture).Length;
            }

            buffer.Write(Encoding.ASCII.GetBytes($"{length.ToString(CultureInfo.InvariantCulture)} {key}="));
            buffer.Write(value);
            buffer.WriteByte((byte)'\n');
        }

        return buffer.ToArray();
    }

    private static void WritePadding(Stream output, long contentLength)
    {
        var remainder = (int)(contentLength % TarHeader.BlockSize);
        if (remainder != 0)
        {
            output.Write(Padding, 0, TarHeader.BlockSize - remainder);
        }
    }
}
