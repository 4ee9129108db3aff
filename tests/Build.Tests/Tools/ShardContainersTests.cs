using System.Text.RegularExpressions;
using Vmspec.Build.Tools;
using Vmspec.TestSupport;
using YamlDotNet.RepresentationModel;

namespace Vmspec.Build.Tests.Tools;

public sealed partial class ShardContainersTests
{
    [Fact]
    public void Shard_containers_run_what_the_Kubernetes_pods_of_README_run()
    {
        // README's manifest is vmspec k8s-job's output for 4 shards (Cli.Tests holds them equal).
        var readme = File.ReadAllText(Path.Combine(TestRepository.Root, "README.md")).ReplaceLineEndings("\n");
        var manifest = Assert.Single(KubernetesJob().Matches(readme)).Groups[1].Value;
        var stream = new YamlStream();
        stream.Load(new StringReader(manifest));
        var job = (YamlMappingNode)stream.Documents[0].RootNode;
        var spec = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)job["spec"])["template"])["spec"];
        var args = (YamlSequenceNode)((YamlMappingNode)((YamlSequenceNode)spec["containers"])[0])["args"];

        Assert.Equal(args.Children.Select(a => ((YamlScalarNode)a).Value), ShardContainers.Arguments(4));
    }

    [Theory]
    [InlineData(null, false, 0, false, null)]
    [InlineData(null, false, 1, false, null)]
    [InlineData(null, false, 4, false, null)]
    [InlineData("create failed: no space", false, 0, true, "the engine could not run its container: create failed: no space")]
    [InlineData(null, true, 137, true, "its container was killed after the 20 min timeout")]
    [InlineData(null, false, 139, true, "its container exited with code 139")]
    [InlineData(null, false, 2, false, "its container exited with code 2")]
    [InlineData(null, false, 0, true, "its container exited with code 0 without writing results.json")]
    public void A_container_that_died_timed_out_or_wrote_no_results_is_a_fault_and_a_verdict_is_not(
        string? engineError, bool timedOut, long exitCode, bool resultsMissing, string? fault) =>
        Assert.Equal(fault, ShardContainers.Fault(engineError, timedOut, TimeSpan.FromMinutes(20), exitCode, resultsMissing));

    [Fact]
    public void A_short_timeout_is_said_in_seconds() =>
        Assert.Equal("its container was killed after the 25 s timeout", ShardContainers.Fault(null, true, TimeSpan.FromSeconds(25), 137, true));

    [GeneratedRegex("\\*\\*On Kubernetes\\*\\*.*?```yaml\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex KubernetesJob();
}
