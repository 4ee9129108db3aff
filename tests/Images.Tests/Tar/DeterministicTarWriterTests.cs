using System.Formats.Tar;
using System.Text;
using Vmspec.Images.Tests.Support;
using Vmspec.TestSupport;

namespace Vmspec.Images.Tests.Tar;

public sealed class DeterministicTarWriterTests
{
    private const long Epoch = 1_700_000_000;

    private static List<LayerEntry> Sample() =>
    [
        LayerEntry.File("usr/bin/tool", "#!/bin/sh\necho hi\n"u8.ToArray(), executable: true),
        LayerEntry.File("etc/config.txt", "key=value\n"u8.ToArray()),
        LayerEntry.Symlink("bin", "usr/bin"),
        LayerEntry.Directory("tmp"),
        LayerEntry.File("./usr/share/data.bin", new byte[1000]),
    ];

    [Fact]
    public void Same_entries_in_any_order_give_identical_bytes()
    {
        var first = TarBytes.Write(Sample(), Epoch);
        var again = TarBytes.Write(Sample(), Epoch);
        var reversed = Sample();
        reversed.Reverse();

        Assert.Equal(first, again);
        Assert.Equal(first, TarBytes.Write(reversed, Epoch));
        Assert.NotEqual(first, TarBytes.Write(Sample(), Epoch + 1));
    }

    [Fact]
    public void Entries_are_sorted_with_implied_parents_first()
    {
        var names = TarBytes.Read(TarBytes.Write(Sample(), Epoch)).Select(static e => e.Name).ToList();

        Assert.Equal(
            ["bin", "etc/", "etc/config.txt", "tmp/", "usr/", "usr/bin/", "usr/bin/tool", "usr/share/", "usr/share/data.bin"],
            names);
    }

    [Fact]
    public void Headers_carry_fixed_owner_mode_and_mtime()
    {
        var entries = TarBytes.Read(TarBytes.Write(Sample(), Epoch)).ToDictionary(static e => e.Name);
        var rwxr_xr_x = (UnixFileMode)0b111_101_101;
        var rw_r__r__ = (UnixFileMode)0b110_100_100;

        foreach (var entry in entries.Values)
        {
            Assert.Equal(Epoch, entry.ModificationTime.ToUnixTimeSeconds());
            Assert.Equal(0, entry.Uid);
            Assert.Equal(0, entry.Gid);
            Assert.Equal(TarEntryFormat.Ustar, entry.Format);
            Assert.Equal("root", ((UstarTarEntry)entry).UserName);
        }

        Assert.Equal(rwxr_xr_x, entries["usr/bin/tool"].Mode);
        Assert.Equal(rwxr_xr_x, entries["usr/"].Mode);
        Assert.Equal(rw_r__r__, entries["etc/config.txt"].Mode);
        Assert.Equal(TarEntryType.SymbolicLink, entries["bin"].EntryType);
        Assert.Equal("usr/bin", entries["bin"].LinkName);
        Assert.Equal(1000, entries["usr/share/data.bin"].Length);
    }

    [Fact]
    public void Header_bytes_match_the_ustar_layout()
    {
        var tar = TarBytes.Write([LayerEntry.File("a", "x"u8.ToArray())], Epoch);
        var header = tar.AsSpan(0, 512);

        Assert.Equal("a", Encoding.ASCII.GetString(header[..100]).TrimEnd('\0'));
        Assert.Equal("0000644\0", Encoding.ASCII.GetString(header.Slice(100, 8)));
        Assert.Equal("0000000\0", Encoding.ASCII.GetString(header.Slice(108, 8)));
        Assert.Equal("00000000001\0", Encoding.ASCII.GetString(header.Slice(124, 12)));
        Assert.Equal(Convert.ToString(Epoch, 8).PadLeft(11, '0') + "\0", Encoding.ASCII.GetString(header.Slice(136, 12)));
        Assert.Equal((byte)'0', header[156]);
        Assert.Equal("ustar\000", Encoding.ASCII.GetString(header.Slice(257, 8)));

        var sum = 0;
        for (var i = 0; i < 512; i++)
        {
            sum += i is >= 148 and < 156 ? ' ' : header[i];
        }

        Assert.Equal(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ", Encoding.ASCII.GetString(header.Slice(148, 8)));
        Assert.Equal(512 + 512 + 1024, tar.Length);
    }

    [Fact]
    public void Long_path_with_slashes_uses_the_ustar_prefix()
    {
        var path = string.Join('/', Enumerable.Range(0, 15).Select(static i => $"directory{i:D2}")) + "/file.txt";
        Assert.True(Encoding.UTF8.GetByteCount(path) > 100);

        var tar = TarBytes.Write([LayerEntry.File(path, "content"u8.ToArray())], Epoch);
        var entries = TarBytes.Read(tar);

        Assert.Equal(path, entries[^1].Name);
        Assert.All(entries, static e => Assert.Equal(TarEntryFormat.Ustar, e.Format));
    }

    [Fact]
    public void Unsplittable_long_name_uses_a_fixed_pax_header_with_only_path()
    {
        var path = "dir/" + new string('n', 150);
        var tar = TarBytes.Write([LayerEntry.File(path, "x"u8.ToArray())], Epoch);

        var entries = TarBytes.Read(tar);
        Assert.Equal(path, entries[^1].Name);
        Assert.Equal(TarEntryFormat.Pax, entries[^1].Format);
        var pax = (PaxTarEntry)entries[^1];
        Assert.Equal(path, pax.ExtendedAttributes["path"]);

        // The raw extended header: fixed name, a single "path" record, no pid or time.
        var paxHeaderOffset = 512; // after "dir/"
        Assert.Equal("PaxHeader", Encoding.ASCII.GetString(tar, paxHeaderOffset, 100).TrimEnd('\0'));
        Assert.Equal((byte)'x', tar[paxHeaderOffset + 156]);
        var record = Encoding.UTF8.GetString(tar, paxHeaderOffset + 512, Convert.ToInt32(Encoding.ASCII.GetString(tar, paxHeaderOffset + 124, 11), 8));
        Assert.Equal($"{record.Length} path={path}\n", record);
        Assert.Equal(tar, TarBytes.Write([LayerEntry.File(path, "x"u8.ToArray())], Epoch));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Source_files_are_read_at_write_time_with_their_exec_bit()
    {
        using var temp = new TempDirectory();
        var script = temp.Combine("run.sh");
        File.WriteAllText(script, "#!/bin/sh\n");
        File.SetUnixFileMode(script, (UnixFileMode)0b111_000_000);
        var plain = temp.Combine("plain.txt");
        File.WriteAllText(plain, "plain");

        var entries = TarBytes.Read(TarBytes.Write([LayerEntry.FromSourceFile("run.sh", script), LayerEntry.FromSourceFile("plain.txt", plain)], Epoch))
            .ToDictionary(static e => e.Name);

        Assert.Equal((UnixFileMode)0b111_101_101, entries["run.sh"].Mode);
        Assert.Equal((UnixFileMode)0b110_100_100, entries["plain.txt"].Mode);
        Assert.Equal("plain", new StreamReader(entries["plain.txt"].DataStream!).ReadToEnd());
    }

    [Theory]
    [InlineData("a/../b")]
    [InlineData("/")]
    [InlineData("a//b")]
    public void Bad_paths_are_refused_naming_the_path(string path)
    {
        var error = Assert.Throws<ImageBuildException>(() => LayerEntry.File(path, "x"u8.ToArray()));
        Assert.Contains($"'{path}'", error.Message);
    }

    [Fact]
    public void Duplicate_and_conflicting_paths_are_refused()
    {
        var duplicate = Assert.Throws<ImageBuildException>(() => TarBytes.Write([LayerEntry.File("a", new byte[] { 1 }), LayerEntry.File("/a", new byte[] { 2 })], Epoch));
        Assert.Contains("'a' is given twice", duplicate.Message);

        var conflict = Assert.Throws<ImageBuildException>(() => TarBytes.Write([LayerEntry.File("a", new byte[] { 1 }), LayerEntry.File("a/b", new byte[] { 2 })], Epoch));
        Assert.Contains("needs 'a' to be a directory", conflict.Message);
    }
}
