using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace Vmspec.Images.Tests.Support;

/// <summary>Builds a small .deb (ar: debian-binary, control.tar.gz, data.tar.gz) the way dpkg-deb lays it out.</summary>
internal static class SyntheticDeb
{
    public static byte[] Create()
    {
        using var deb = new MemoryStream();
        deb.Write("!<arch>\n"u8);
        AddMember(deb, "debian-binary", "2.0\n"u8.ToArray());
        AddMember(deb, "control.tar.gz", Gzip(Tar(w => AddFile(w, "./control", "Package: demo\n", 0b110_100_100))));
        AddMember(deb, "data.tar.gz", Gzip(Tar(w =>
        {
            w.WriteEntry(new GnuTarEntry(TarEntryType.Directory, "./"));
            w.WriteEntry(new GnuTarEntry(TarEntryType.Directory, "./usr/"));
            w.WriteEntry(new GnuTarEntry(TarEntryType.Directory, "./usr/bin/"));
            AddFile(w, "./usr/bin/tool", "#!/bin/sh\necho tool\n", 0b111_101_101);
            w.WriteEntry(new GnuTarEntry(TarEntryType.HardLink, "./usr/bin/tool-again") { LinkName = "./usr/bin/tool" });
            w.WriteEntry(new GnuTarEntry(TarEntryType.SymbolicLink, "./usr/bin/t") { LinkName = "tool" });
            AddFile(w, "./usr/share/doc/demo/copyright", "text", 0b110_100_100);
            AddFile(w, "./etc/demo.conf", "odd", 0b110_100_000);
        })));
        return deb.ToArray();
    }

    private static void AddMember(Stream ar, string name, byte[] content)
    {
        var header = $"{name + "/",-16}{0,-12}{0,-6}{0,-6}{"100644",-8}{content.Length,-10}`\n";
        ar.Write(Encoding.ASCII.GetBytes(header));
        ar.Write(content);
        if (content.Length % 2 == 1)
        {
            ar.WriteByte((byte)'\n');
        }
    }

    private static void AddFile(TarWriter writer, string name, string content, int mode) =>
        writer.WriteEntry(new GnuTarEntry(TarEntryType.RegularFile, name)
        {
            Mode = (UnixFileMode)mode,
            DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
        });

    private static byte[] Tar(Action<TarWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, leaveOpen: true))
        {
            write(writer);
        }

        return buffer.ToArray();
    }

    private static byte[] Gzip(byte[] content)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(content);
        }

        return buffer.ToArray();
    }
}
