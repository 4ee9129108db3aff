using Vmspec.Cli.Cluster;
using Vmspec.Cli.Commands;
using Vmspec.Cli.Sharding;
using Vmspec.SpecCompiler;
using Vmspec.TestSupport;
using YamlDotNet.RepresentationModel;

namespace Vmspec.Cli.Tests.Cluster;

/// <summary>The Indexed Job of <c>vmspec k8s-job</c>, read back with YamlDotNet: its shape, its least privilege, and its shards.</summary>
public sealed class IndexedJobTests
{
    private static IndexedJobOptions Options(int shards = 4, string? claim = null) =>
        new("vmspec-verify", null, "registry.example/vmspec-lab:1.0", shards, "all", "1Gi", "2Gi", "1", claim);

    private static YamlMappingNode Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return (YamlMappingNode)Assert.Single(stream.Documents).RootNode;
    }

    private static YamlNode At(YamlNode node, params object[] path)
    {
        foreach (var step in path)
            node = step is int index ? ((YamlSequenceNode)node).Children[index] : ((YamlMappingNode)node).Children[new YamlScalarNode((string)step)];
        return node;
    }

    private static string Text(YamlNode node, params object[] path) => ((YamlScalarNode)At(node, path)).Value!;

    private static IEnumerable<YamlNode> Descendants(YamlNode node) => node switch
    {
        YamlMappingNode map => map.Children.SelectMany(c => Descendants(c.Value).Prepend(c.Key).Prepend(c.Value)),
        YamlSequenceNode list => list.Children.SelectMany(c => Descendants(c).Prepend(c)),
        _ => [],
    };

    [Fact]
    public void It_is_an_indexed_job_of_N_pods_at_once_each_index_failing_on_its_own()
    {
        var job = Parse(IndexedJob.Manifest(Options()));

        Assert.Equal(("batch/v1", "Job", "vmspec-verify"), (Text(job, "apiVersion"), Text(job, "kind"), Text(job, "metadata", "name")));
        Assert.Equal(("Indexed", "4", "4", "0"), (Text(job, "spec", "completionMode"), Text(job, "spec", "completions"),
            Text(job, "spec", "parallelism"), Text(job, "spec", "backoffLimitPerIndex")));
        Assert.Equal("Never", Text(job, "spec", "template", "spec", "restartPolicy"));
        var container = At(job, "spec", "template", "spec", "containers", 0);
        Assert.Equal("registry.example/vmspec-lab:1.0", Text(container, "image"));
        Assert.Equal(["verify", "/opt/vmspec/specs", "--host", "all", "--shards", "4", "--results", "/results"],
            ((YamlSequenceNode)At(container, "args")).Children.Select(a => ((YamlScalarNode)a).Value));
    }

    [Fact]
    public void Pods_run_least_privileged_with_no_device_no_host_path_and_only_tmp_and_results_writable()
    {
        var job = Parse(IndexedJob.Manifest(Options()));
        var pod = At(job, "spec", "template", "spec");
        var container = At(pod, "containers", 0);

        Assert.Equal(("true", "10001", "10001", "RuntimeDefault"), (Text(pod, "securityContext", "runAsNonRoot"),
            Text(pod, "securityContext", "runAsUser"), Text(pod, "securityContext", "runAsGroup"), Text(pod, "securityContext", "seccompProfile", "type")));
        Assert.Equal("false", Text(pod, "automountServiceAccountToken"));
        Assert.Equal(("false", "false", "true", "true", "ALL", "RuntimeDefault"), (Text(container, "securityContext", "allowPrivilegeEscalation"),
            Text(container, "securityContext", "privileged"), Text(container, "securityContext", "readOnlyRootFilesystem"),
            Text(container, "securityContext", "runAsNonRoot"), Text(container, "securityContext", "capabilities", "drop", 0),
            Text(container, "securityContext", "seccompProfile", "type")));
        var keys = Descendants(job).OfType<YamlScalarNode>().Select(s => s.Value).ToList();
        Assert.DoesNotContain("hostPath", keys);
        Assert.DoesNotContain("volumeDevices", keys);
        Assert.DoesNotContain("hostNetwork", keys);
        Assert.DoesNotContain("add", keys);
        Assert.Equal([("results", "/results"), ("tmp", "/tmp")], ((YamlSequenceNode)At(container, "volumeMounts")).Children
            .Select(m => (Text(m, "name"), Text(m, "mountPath"))));
        Assert.Equal(["emptyDir", "emptyDir"], ((YamlSequenceNode)At(pod, "volumes")).Children
            .Select(v => ((YamlMappingNode)v).Children.Keys.Cast<YamlScalarNode>().Single(k => k.Value != "name").Value));
    }

    [Fact]
    public void A_results_claim_gives_each_pod_its_shards_folder_of_one_volume()
    {
        var pod = At(Parse(IndexedJob.Manifest(Options(claim: "vmspec-results"))), "spec", "template", "spec");

        Assert.Equal("shard-$(JOB_COMPLETION_INDEX)", Text(pod, "containers", 0, "volumeMounts", 0, "subPathExpr"));
        Assert.Equal("vmspec-results", Text(pod, "volumes", 0, "persistentVolumeClaim", "claimName"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(50)]
    public void Pod_I_runs_shard_I_plus_1_and_the_pods_together_run_the_lab_images_matrix_once(int shards)
    {
        var args = ((YamlSequenceNode)At(Parse(IndexedJob.Manifest(Options(shards))), "spec", "template", "spec", "containers", 0, "args"))
            .Children.Select(a => ((YamlScalarNode)a).Value!).ToList();
        var count = int.Parse(args[args.IndexOf("--shards") + 1], System.Globalization.CultureInfo.InvariantCulture);
        var image = Assert.Single(ImageCompilation.CompileFile(Path.Combine(TestRepository.Images, "vmspec-lab.yaml")).Images);
        var matrix = ShardMatrix.Of(image.Cases, image.Plan.LabHosts.Select(h => h.Name));

        var pairs = new List<string>();
        for (var index = 0; index < shards; index++)
        {
            var environment = new Dictionary<string, string> { [ShardSpec.CompletionIndexVariable] = $"{index}" };
            var shard = ShardSpec.Resolve(null, count, name => environment.GetValueOrDefault(name));
            Assert.Equal(new ShardSpec(index + 1, shards), shard);
            pairs.AddRange(ShardAssignment.Of(matrix, shard!).Select(p => $"{p.Case} on {p.Host}"));
        }

        Assert.Equal(matrix.PairCount, pairs.Count);
        Assert.Equal(matrix.Hosts.SelectMany(h => matrix.Cases.Select(c => $"{c.Name} on {h}")).Order(StringComparer.Ordinal), pairs.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_same_options_give_the_same_bytes_and_README_shows_them()
    {
        var options = Options() with { Image = "ghcr.io/example/vmspec-lab:TAG" };
        var manifest = IndexedJob.Manifest(options);

        Assert.Equal(manifest, IndexedJob.Manifest(options));
        Assert.Contains("```yaml\n" + manifest + "```", File.ReadAllText(Path.Combine(TestRepository.Root, "README.md")).ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("true")]
    [InlineData("4")]
    [InlineData("0x1F")]
    [InlineData("--host")]
    [InlineData("a: b")]
    [InlineData("#not a comment")]
    [InlineData("")]
    [InlineData("say \"hi\"\\")]
    [InlineData("~")]
    public void A_string_reads_back_as_that_string(string value)
    {
        var yaml = Cli.Io.YamlText.Write(new Cli.Io.YamlMap { { "key", value }, { "list", new List<object> { value } } });

        var node = Parse(yaml);
        Assert.Equal(value, Text(node, "key"));
        Assert.Equal(value, Text(node, "list", 0));
        Assert.False(((YamlScalarNode)At(node, "key")).Style == YamlDotNet.Core.ScalarStyle.Plain && value is "true" or "4" or "0x1F" or "~" or "");
    }

    [Theory]
    [InlineData(0, "vmspec-verify", "1Gi", "--shards 0: the number of shards must be at least 1")]
    [InlineData(2, "Vmspec", "1Gi", "--name Vmspec: a Job name is lower-case letters")]
    [InlineData(2, "vmspec-verify", "lots", "'lots' is not a Kubernetes quantity")]
    public void Unusable_options_are_refused(int shards, string name, string memory, string message) =>
        Assert.StartsWith(message, K8sJobCommand.Problem(Options(shards) with { Name = name, MemoryRequest = memory }));
}
