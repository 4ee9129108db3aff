using System.Formats.Tar;
using System.Text;

namespace Vmspec.Images.Tests.Support;

/// <summary>Helpers that look at tar bytes the way an independent reader does.</summary>
internal static class TarBytes
{
    public static byte[] Write(IEnumerable<LayerEntry> entries, long epoch)
    {
        using var buffer = new MemoryStream();
        DeterministicTarWriter.Write(buffer, entries, epoch);
        return buffer.ToArray();
    }

    public static List<TarEntry> Read(byte[] tar)
    {
        var entries = new List<TarEntry>();
        using var reader = new TarReader(new MemoryStream(tar));
        while (reader.GetNextEntry(copyData: true) is { } entry)
        {
            entries.Add(entry);
        }

        return entries;
    }

    /// <summary>Offset of the data of entry <paramref name="name"/> in a tar we wrote (short names only).</summary>
    public static long DataOffset(string tarPath, string name)
    {
        using var file = File.OpenRead(tarPath);
        var header = new byte[512];
        long offset = 0;
        while (file.Read(header) == 512 && header[0] != 0)
        {
            var entryName = Encoding.UTF8.GetString(header, 0, 100).TrimEnd('\0');
            var size = Convert.ToInt64(Encoding.ASCII.GetString(header, 124, 11), 8);
            if (entryName == name)
            {
                return offset + 512;
            }

            var skip = (size + 511) / 512 * 512;
            file.Seek(skip, SeekOrigin.Current);
            offset += 512 + skip;
        }

        throw new InvalidOperationException($"entry {name} not found in {tarPath}");
    }

    public static void FlipByte(string path, long offset)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        file.Position = offset;
        var value = file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)(value ^ 0x01));
    }
}
