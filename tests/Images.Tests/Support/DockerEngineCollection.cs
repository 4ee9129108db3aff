using Vmspec.TestSupport;

namespace Vmspec.Images.Tests.Support;

/// <summary>The engine's tests run one at a time here, and hold <see cref="DockerEngineLock"/> against other assemblies.</summary>
[CollectionDefinition(DockerEngine.Collection)]
public sealed class DockerEngineCollection : ICollectionFixture<DockerEngineCollection.HeldLock>
{
    public sealed class HeldLock : IAsyncLifetime
    {
        private DockerEngineLock? _lock;

        public async ValueTask InitializeAsync() => _lock = await DockerEngineLock.AcquireAsync(TimeSpan.FromMinutes(20));

        public ValueTask DisposeAsync()
        {
            _lock?.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
