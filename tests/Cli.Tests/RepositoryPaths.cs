using Vmspec.Shared.Io;

namespace Vmspec.Cli.Tests;

/// <summary>Paths of the checked-in repository the tests read (specs/).</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = RepositoryRoot.FindAbove(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException($"{RepositoryRoot.Marker} not found above the test binary");

    public static string Specs => Path.Combine(Root, "specs");
}
