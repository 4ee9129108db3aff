using Vmspec.Shared.Io;

namespace Vmspec.Images.Tests;

/// <summary>The checked-in repository these tests run in.</summary>
internal static class Repository
{
    public static string Root { get; } = RepositoryRoot.FindAbove(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException($"{RepositoryRoot.Marker} not found above the test binary");
}
