using Vmspec.TestSupport;

namespace Vmspec.SpecCompiler.Tests.Support;

/// <summary>A scratch directory to write spec files into, removed on dispose.</summary>
internal sealed class TestFiles : IDisposable
{
    private readonly TempDirectory _directory = new("vmspec-spec-tests-");

    public string Dir => _directory.Path;

    /// <summary>Writes a file below the scratch directory and returns its path.</summary>
    public string Write(string relative, string text)
    {
        var path = Path.Join(Dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose() => _directory.Dispose();
}
