using System.Text.RegularExpressions;
using Vmspec.TestSupport;

namespace Vmspec.Images.Tests.Containers;

/// <summary>One Docker socket default: the project's own engine, as .ci/dockerd.sh starts it.</summary>
public sealed class DockerEndpointTests
{
    [Fact]
    public void Without_Docker_host_the_projects_engine_is_used() =>
        Assert.Equal(DockerEndpoint.DefaultHost, DockerEndpoint.Resolve(null));

    [Fact]
    public void Dockerd_script_starts_its_engine_at_the_default_socket()
    {
        var script = File.ReadAllText(Path.Combine(TestRepository.Root, ".ci", "dockerd.sh"));

        var socket = Regex.Match(script, @"socket=\$\{VMSPEC_DOCKER_SOCKET:-([^}]+)\}");

        Assert.True(socket.Success, "no socket= default in .ci/dockerd.sh");
        Assert.Equal(DockerEndpoint.DefaultHost, $"unix://{socket.Groups[1].Value}");
    }
}
