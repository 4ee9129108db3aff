using System.Formats.Tar;
using System.Text;

namespace Vmspec.GuestKernels.Tests.Builders;

/// <summary>Writes .deb files: an ar archive of debian-binary, control.tar.gz and a data.tar member.</summary>
internal static class DebBuilder
{
    /// <summary>tar --format=gnu of ./boot/config-6.0.0-test and ./boot/vmlinuz-6.0.0-test ("vmspec fake vmlinuz\n"), xz-compressed by xz-utils.</summary>
    public static readonly byte[] FakeDataTarXz = Convert.FromBase64String(
        "/Td6WFoAAATm1rRGAgAhARYAAAB0L+Wj4Cf/AJRdABcLyMfqmSTo3iBRO7nSzb2a/8H0YkMagclkS7+UKlav4w9hCTRGVkkAhCxVS9tfUiScavN2Re1crsRfI1HhxHLoweZAEhRdP6TBm7ELM07iATN8GlhWz2UumiPzvJvf1a2cYda5xP0RbWe87gP05i8H9H2zJ8g4f8ts6vMZiMLVDZLjXdDLPZ9uNJ02eQPzf/5+lwAA8i8sFcOpqtAAAbABgFAAAJN2GmWxxGf7AgAAAAAEWVo=");

    public static byte[] Tar(params (string Name, byte[] Contents)[] files)
    {
        var output = new MemoryStream();
        using (var tar = new TarWriter(output, TarEntryFormat.Gnu, leaveOpen: true))
        {
            tar.WriteEntry(new GnuTarEntry(TarEntryType.Directory, "./boot/"));
            foreach (var (name, contents) in files)
                tar.WriteEntry(new GnuTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(contents) });
        }
        return output.ToArray();
    }

    public static byte[] Deb(string dataMemberName, byte[] dataMember) =>
        Ar(("debian-binary", Encoding.ASCII.GetBytes("2.0\n")),
           ("control.tar.gz", Payloads.Gzip(Tar())),
           (dataMemberName, dataMember));

    public static byte[] Ar(params (string Name, byte[] Contents)[] members)
    {
        var output = new MemoryStream();
        output.Write("!<arch>\n"u8);
        foreach (var (name, contents) in members)
        {
            string header = $"{name + "/",-16}{"0",-12}{"0",-6}{"0",-6}{"100644",-8}{contents.Length,-10}`\n";
            output.Write(Encoding.ASCII.GetBytes(header));
            output.Write(contents);
            if (contents.Length % 2 == 1)
                output.WriteByte((byte)'\n');
        }
        return output.ToArray();
    }
}
