using Docker.DotNet;
using Docker.DotNet.Models;

namespace Vmspec.Images.Tests.Support;

/// <summary>
/// The Docker engine the real-engine tests use: DOCKER_HOST if set, else <see cref="DockerEndpoint.DefaultHost"/>
/// (.ci/dockerd.sh's engine). Tests skip with the reason when none answers.
/// </summary>
internal static class DockerEngine
{
    /// <summary>Tests that use the engine run one at a time (<see cref="DockerEngineCollection"/>), so each can compare the engine's state before and after.</summary>
    public const string Collection = "docker engine";

    public static async Task<DockerClient> ConnectOrSkipAsync()
    {
        var endpoint = DockerEndpoint.Resolve(Environment.GetEnvironmentVariable("DOCKER_HOST"));
        var client = new DockerClientConfiguration(new Uri(endpoint)).CreateClient();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await client.System.PingAsync(timeout.Token);
            return client;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            client.Dispose();
            Assert.Skip($"no Docker engine answers at {endpoint} (set DOCKER_HOST or start one with .ci/dockerd.sh start): {e.GetType().Name}");
            throw; // unreachable: Assert.Skip throws
        }
    }

    /// <summary>Loads an archive only after our verifier accepts it; fails on any load error the engine reports.</summary>
    public static async Task LoadVerifiedAsync(DockerClient client, string archive)
    {
        OciImageVerifier.Verify(archive);
        var errors = new List<string>();
        await using var stream = File.OpenRead(archive);
        await client.Images.LoadImageAsync(
            new ImageLoadParameters { Quiet = true },
            stream,
            new SynchronousProgress(m => { if (m.Error is { } error) { errors.Add(error.Message); } }));
        Assert.Empty(errors);
    }

    /// <summary>Runs the image's entrypoint with no network and a read-only root; returns exit code and stdout.</summary>
    public static async Task<(long ExitCode, string Stdout)> RunAsync(DockerClient client, string reference, IList<string>? command = null)
    {
        var container = await client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = reference,
            Cmd = command,
            NetworkDisabled = true,
            HostConfig = new HostConfig { NetworkMode = "none", ReadonlyRootfs = true },
        });
        try
        {
            await client.Containers.StartContainerAsync(container.ID, new ContainerStartParameters());
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var exit = await client.Containers.WaitContainerAsync(container.ID, timeout.Token);
            using var logs = await client.Containers.GetContainerLogsAsync(container.ID, tty: false, new ContainerLogsParameters { ShowStdout = true, ShowStderr = true }, timeout.Token);
            var (stdout, stderr) = await logs.ReadOutputToEndAsync(timeout.Token);
            Assert.True(exit.StatusCode == 0 || stderr.Length == 0, $"container stderr: {stderr}");
            return (exit.StatusCode, stdout);
        }
        finally
        {
            await client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true });
        }
    }

    public static async Task RemoveImageIfPresentAsync(DockerClient client, string reference)
    {
        try
        {
            await client.Images.DeleteImageAsync(reference, new ImageDeleteParameters { Force = true });
        }
        catch (DockerImageNotFoundException)
        {
            // Nothing was loaded (e.g. the verifier refused the archive).
        }
    }

    public static async Task<bool> ImageExistsAsync(DockerClient client, string reference)
    {
        try
        {
            await client.Images.InspectImageAsync(reference);
            return true;
        }
        catch (DockerImageNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Progress that runs inline, so messages are all seen before LoadImageAsync returns.</summary>
    private sealed class SynchronousProgress(Action<JSONMessage> report) : IProgress<JSONMessage>
    {
        public void Report(JSONMessage value) => report(value);
    }
}
