namespace Vmspec.TestSupport;

/// <summary>A scratch directory under the system temp folder, removed with everything in it on dispose.</summary>
public sealed class TempDirectory(string prefix = "vmspec-test-") : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        if (Directory.Exists(Path))
            Directory.Delete(Path, recursive: true);
    }
}
