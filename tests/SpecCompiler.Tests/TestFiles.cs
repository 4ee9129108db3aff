using Vmspec.Shared.Io;

namespace Vmspec.SpecCompiler.Tests;

/// <summary>Paths into the repository and a scratch directory that is removed on dispose.</summary>
internal sealed class TestFiles : IDisposable
{
    public static string RepoRoot { get; } = RepositoryRoot.FindAbove(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException($"{RepositoryRoot.Marker} not found above the test binaries");
    public static string SpecsDir => Path.Join(RepoRoot, "specs");
    public static string ImagesDir => Path.Join(RepoRoot, "images");

    public string Dir { get; } = Directory.CreateTempSubdirectory("vmspec-spec-tests-").FullName;

    /// <summary>Writes a file below the scratch directory and returns its path.</summary>
    public string Write(string relative, string text)
    {
        var path = Path.Join(Dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}
