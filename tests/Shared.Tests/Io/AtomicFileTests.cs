using Vmspec.Shared.Io;
using Vmspec.TestSupport;

namespace Vmspec.Shared.Tests.Io;

public sealed class AtomicFileTests
{
    [Fact]
    public void A_failed_write_keeps_the_old_file_and_leaves_no_temporary()
    {
        using var temp = new TempDirectory("vmspec-atomic-");
        string directory = temp.Path;
        var path = Path.Combine(directory, "sub", "a.json");
        AtomicFile.Write(path, "old");

        Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("half"u8);
            throw new IOException("disk full");
        }));

        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(Path.GetDirectoryName(path)!));
    }
}
