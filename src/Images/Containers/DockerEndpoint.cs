using Docker.DotNet;

namespace Vmspec.Images;

/// <summary>Finds and connects to the Docker engine: DOCKER_HOST, else the project's own engine.</summary>
public static class DockerEndpoint
{
    /// <summary>
    /// The socket of the project's private engine (<c>.ci/dockerd.sh start</c>), the one default that
    /// ContainerVerify, the build's --help and the real-engine tests share; never a system engine's.
    /// </summary>
    public const string DefaultHost = "unix:///tmp/vmspec-docker.sock";

    public static string Resolve(string? dockerHost) => dockerHost is { Length: > 0 } ? dockerHost : DefaultHost;

    /// <summary>A client whose engine answered a ping within 5 s; otherwise a clear error naming the socket and how to start one.</summary>
    public static async Task<DockerClient> ConnectAsync(string? dockerHost, CancellationToken cancellationToken = default)
    {
        var endpoint = Resolve(dockerHost);
        DockerClient client;
        try
        {
            client = new DockerClientConfiguration(new Uri(endpoint)).CreateClient();
        }
        catch (UriFormatException e)
        {
            throw new ContainerEngineException($"DOCKER_HOST='{endpoint}' is not a URI such as {DefaultHost}", e);
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await client.System.PingAsync(timeout.Token);
            return client;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException or DockerApiException or TimeoutException)
        {
            client.Dispose();
            throw new ContainerEngineException(
                $"no Docker engine answers at {endpoint} ({e.GetType().Name}: {e.Message}); start one with "
                + "`eval \"$(.ci/dockerd.sh start)\"` (sets DOCKER_HOST) or point DOCKER_HOST at a running engine", e);
        }
    }
}
