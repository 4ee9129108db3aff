using Vmspec.Shared.Io;
using Vmspec.TestSupport;

namespace Vmspec.Shared.Tests.Io;

public sealed class RepositoryRootTests
{
    [Fact]
    public void The_root_is_the_nearest_directory_above_holding_the_solution()
    {
        using var temp = new TempDirectory("vmspec-root-");
        string root = temp.Path;
        File.WriteAllText(Path.Combine(root, RepositoryRoot.Marker), "<Solution />\n");
        var nested = Directory.CreateDirectory(Path.Combine(root, "specs", "hosts")).FullName;
        var file = Path.Combine(nested, "not-yet-written.yaml");

        Assert.Equal(root, RepositoryRoot.FindAbove(nested));
        Assert.Equal(root, RepositoryRoot.FindAbove(file));
        Assert.Equal(root, RepositoryRoot.FindAbove(root));
        Assert.Null(RepositoryRoot.FindAbove(Path.GetTempPath()));
    }
}
