using Vmspec.Shared.Io;

namespace Vmspec.TestSupport;

/// <summary>The vmspec checkout the test binaries were built in, and the checked-in folders tests read.</summary>
public static class TestRepository
{
    public static string Root { get; } = RepositoryRoot.FindAbove(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException($"{RepositoryRoot.Marker} not found above the test binary {AppContext.BaseDirectory}");

    public static string Specs => Path.Join(Root, "specs");

    public static string Images => Path.Join(Root, "images");
}
