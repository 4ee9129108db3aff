using Vmspec.TestSupport;

namespace Vmspec.Images.Tests.Support;

public sealed class DockerEngineLockTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Second_holder_waits_for_the_first_and_gives_up_naming_the_file()
    {
        var path = _temp.Combine("engine.lock");
        var first = await DockerEngineLock.AcquireAsync(path, TimeSpan.Zero, Token);

        var refused = await Assert.ThrowsAsync<TimeoutException>(() => DockerEngineLock.AcquireAsync(path, TimeSpan.FromMilliseconds(300), Token));
        Assert.Contains(path, refused.Message);

        var waiting = DockerEngineLock.AcquireAsync(path, TimeSpan.FromSeconds(30), Token);
        Assert.False(waiting.IsCompleted);
        first.Dispose();
        (await waiting).Dispose();
    }
}
