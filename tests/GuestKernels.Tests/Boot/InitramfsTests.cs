using System.Globalization;
using System.Text;
using Vmspec.GuestKernels.Boot;

namespace Vmspec.GuestKernels.Tests.Boot;

public sealed class InitramfsTests
{
    private static string Header(uint ino, uint mode, uint nlink, uint mtime, uint size, uint rdevMajor, uint rdevMinor, uint nameSize) =>
        "070701" + string.Concat(new uint[] { ino, mode, 0, 0, nlink, mtime, size, 0, 0, rdevMajor, rdevMinor, nameSize, 0 }.Select(v => v.ToString("X8")));

    [Fact]
    public void One_file_archive_is_exactly_the_newc_bytes()
    {
        byte[] archive = new Initramfs().AddFile("/init", "ab"u8.ToArray(), 0x1ED).Build();

        string expected =
            Header(1, 0x81ED, 1, 0, 2, 0, 0, 5) + "init\0" + "\0" + "ab" + "\0\0"
            + Header(0, 0, 1, 0, 0, 0, 0, 11) + "TRAILER!!!\0" + "\0";
        Assert.Equal(512, archive.Length);
        Assert.Equal(expected, Encoding.ASCII.GetString(archive, 0, expected.Length));
        Assert.All(archive[expected.Length..], b => Assert.Equal(0, b));
    }

    [Fact]
    public void Entries_are_sorted_parents_first_with_missing_parents_added_and_inodes_in_order()
    {
        byte[] archive = new Initramfs()
            .AddFile("usr/bin/tool", "x"u8.ToArray())
            .AddCharacterDevice("dev/console", 5, 1)
            .AddDirectory("dev")
            .Build(mtime: 1_700_000_000);

        var entries = NewcReader.Read(archive);

        Assert.Equal(["dev", "dev/console", "usr", "usr/bin", "usr/bin/tool", "TRAILER!!!"], entries.Select(e => e.Name));
        Assert.Equal([1u, 2, 3, 4, 5, 0], entries.Select(e => e.Inode));
        Assert.Equal([0x41EDu, 0x2180, 0x41ED, 0x41ED, 0x81A4, 0], entries.Select(e => e.Mode));
        Assert.Equal((5u, 1u), (entries[1].RdevMajor, entries[1].RdevMinor));
        Assert.Equal("x", Encoding.ASCII.GetString(entries[4].Data));
        Assert.All(entries.SkipLast(1), e => Assert.Equal(1_700_000_000u, e.Mtime));
        Assert.All(entries, e => Assert.Equal((0u, 0u), (e.Uid, e.Gid)));
    }

    [Fact]
    public void Same_entries_in_any_order_give_the_same_bytes()
    {
        byte[] a = new Initramfs().AddFile("b", new byte[] { 1 }).AddFile("a/c", new byte[] { 2, 3 }).AddDirectory("a").Build();
        byte[] b = new Initramfs().AddDirectory("a").AddFile("a/c", new byte[] { 2, 3 }).AddFile("b", new byte[] { 1 }).Build();

        Assert.Equal(a, b);
    }

    [Fact]
    public void Init_archive_has_console_root_and_an_executable_init()
    {
        byte[] init = "#!/bin/sh\n"u8.ToArray();
        var entries = NewcReader.Read(Initramfs.WithInit(init).Build());

        Assert.Equal(["dev", "dev/console", "init", "root", "TRAILER!!!"], entries.Select(e => e.Name));
        Assert.Equal(0x81EDu, entries[2].Mode);
        Assert.Equal(init, entries[2].Data);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/../b")]
    [InlineData("a//b")]
    [InlineData("dir/")]
    public void Bad_paths_are_refused(string path)
    {
        var e = Assert.Throws<ArgumentException>(() => new Initramfs().AddFile(path, ReadOnlyMemory<byte>.Empty));
        Assert.Contains("relative path", e.Message);
    }

    [Fact]
    public void Duplicates_and_files_used_as_directories_are_refused()
    {
        Assert.Contains("added twice", Assert.Throws<ArgumentException>(() => new Initramfs().AddFile("a", ReadOnlyMemory<byte>.Empty).AddDirectory("/a")).Message);
        Assert.Contains("not a directory", Assert.Throws<ArgumentException>(() => new Initramfs().AddFile("a", ReadOnlyMemory<byte>.Empty).AddFile("a/b", ReadOnlyMemory<byte>.Empty).Build()).Message);
    }

    [Theory]
    [InlineData(null, 0u)]
    [InlineData("", 0u)]
    [InlineData("1700000000", 1_700_000_000u)]
    public void Source_date_epoch_gives_the_mtime(string? value, uint expected)
    {
        Assert.Equal(expected, Initramfs.ParseSourceDateEpoch(value));
    }

    [Fact]
    public void A_malformed_source_date_epoch_is_named_in_the_error()
    {
        var e = Assert.Throws<FormatException>(() => Initramfs.ParseSourceDateEpoch("yesterday"));
        Assert.Contains("SOURCE_DATE_EPOCH=\"yesterday\"", e.Message);
    }

    /// <summary>An independent newc reader for the assertions (not the writer's code).</summary>
    private static class NewcReader
    {
        public sealed record Entry(string Name, uint Inode, uint Mode, uint Uid, uint Gid, uint Mtime, uint RdevMajor, uint RdevMinor, byte[] Data);

        public static List<Entry> Read(byte[] archive)
        {
            var entries = new List<Entry>();
            int offset = 0;
            while (true)
            {
                string header = Encoding.ASCII.GetString(archive, offset, 110);
                Assert.Equal("070701", header[..6]);
                uint Field(int i) => uint.Parse(header.AsSpan(6 + i * 8, 8), NumberStyles.HexNumber);
                int nameSize = (int)Field(11), size = (int)Field(6);
                string name = Encoding.ASCII.GetString(archive, offset + 110, nameSize - 1);
                int data = (offset + 110 + nameSize + 3) & ~3;
                entries.Add(new Entry(name, Field(0), Field(1), Field(2), Field(3), Field(5), Field(9), Field(10), archive[data..(data + size)]));
                if (name == "TRAILER!!!") return entries;
                offset = (data + size + 3) & ~3;
            }
        }
    }
}
