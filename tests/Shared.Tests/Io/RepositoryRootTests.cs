using Vmspec.Shared.Io;

namespace Vmspec.Shared.Tests.Io;

public sealed class RepositoryRootTests
{
    [Fact]
    public void The_root_is_the_nearest_directory_above_holding_the_solution()
    {
        var root = Directory.CreateTempSubdirectory("vmspec-root-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(root, RepositoryRoot.Marker), "<Solution />\n");
            var nested = Directory.CreateDirectory(Path.Combine(root, "specs", "hosts")).FullName;
            var file = Path.Combine(nested, "not-yet-written.yaml");

            Assert.Equal(root, RepositoryRoot.FindAbove(nested));
            Assert.Equal(root, RepositoryRoot.FindAbove(file));
            Assert.Equal(root, RepositoryRoot.FindAbove(root));
            Assert.Null(RepositoryRoot.FindAbove(Path.GetTempPath()));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
