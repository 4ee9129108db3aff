namespace Vmspec.TestSupport;

/// <summary>
/// One Docker engine serves every test assembly, and `dotnet test` runs assemblies at once: a test that compares the
/// engine's whole state before and after must not see another assembly's containers come and go. Every test that uses
/// the engine holds this lock, an exclusive flock on a file in the temp folder (.NET takes flock for FileShare.None).
/// </summary>
public sealed class DockerEngineLock : IDisposable
{
    private static readonly string LockPath = Path.Combine(Path.GetTempPath(), "vmspec-docker-engine-tests.lock");
    private readonly FileStream _file;

    private DockerEngineLock(FileStream file) => _file = file;

    /// <summary>Waits until no other process holds the lock; fails, naming the file, after <paramref name="patience"/>.</summary>
    public static Task<DockerEngineLock> AcquireAsync(TimeSpan patience, CancellationToken cancellation = default) =>
        AcquireAsync(LockPath, patience, cancellation);

    /// <summary>The same on another file, for the lock's own test.</summary>
    public static async Task<DockerEngineLock> AcquireAsync(string lockPath, TimeSpan patience, CancellationToken cancellation = default)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            try
            {
                return new DockerEngineLock(new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellation);
            }
            catch (IOException e)
            {
                throw new TimeoutException($"another test process held {lockPath} (the Docker engine) for over {patience}", e);
            }
        }
    }

    public void Dispose() => _file.Dispose();
}
