using System.Globalization;
using Vmspec.Cli.Sharding;
using Vmspec.SpecCompiler.Model;

namespace Vmspec.Cli.Cluster;

/// <summary>What <c>vmspec k8s-job</c> was asked for.</summary>
/// <param name="Hosts">verify's --host: all, or host kernel names</param>
/// <param name="ResultsClaim">a PersistentVolumeClaim the pods write their results into (shard-I/ each); null: an emptyDir per pod</param>
internal sealed record IndexedJobOptions(string Name, string? Namespace, string Image, int Shards, string Hosts, string MemoryRequest,
    string MemoryLimit, string CpuRequest, string? ResultsClaim);

/// <summary>
/// The Kubernetes Indexed Job that runs a lab image's <c>vmspec verify --shards N</c>: N pods, each taking its shard from
/// JOB_COMPLETION_INDEX, with the least privilege the lab needs, which is none: a non-root user, a read-only root, no
/// privilege escalation, every capability dropped, the runtime's default seccomp profile, no service account token, no
/// host path, no device. Writable: /tmp (the lab's sockets and initramfs) and /results. Each index fails on its own
/// (backoffLimitPerIndex 0): a shard whose cases failed, or whose pod died, leaves the others running, and its index is
/// named in the Job's failedIndexes.
/// </summary>
internal static class IndexedJob
{
    public const string Container = "verify";

    /// <summary>The lab image's user (images/*.yaml's default) and its writable results folder.</summary>
    public const int User = 10001;
    public const string ResultsPath = "/results";

    /// <summary>Where the image keeps its specs (/opt/vmspec/specs).</summary>
    public static string SpecsPath => ImagePlan.InstallPath("specs");

    /// <summary>The pod's arguments to the image's vmspec: every shard the same, the index comes from the pod.</summary>
    public static IReadOnlyList<string> Arguments(IndexedJobOptions options) =>
        ["verify", SpecsPath, "--host", options.Hosts, "--shards", options.Shards.ToString(CultureInfo.InvariantCulture), "--results", ResultsPath];

    public static string Manifest(IndexedJobOptions options)
    {
        var metadata = new YamlMap { { "name", options.Name } };
        if (options.Namespace is not null)
            metadata.Add("namespace", options.Namespace);
        metadata.Add("labels", Labels(options));

        var results = new YamlMap { { "name", "results" }, { "mountPath", ResultsPath } };
        if (options.ResultsClaim is not null)
            results.Add("subPathExpr", $"shard-$({ShardSpec.CompletionIndexVariable})");
        var container = new YamlMap
        {
            { "name", Container },
            { "image", options.Image },
            { "args", Arguments(options).Cast<object>().ToList() },
            { "securityContext", new YamlMap
                {
                    { "allowPrivilegeEscalation", false },
                    { "privileged", false },
                    { "readOnlyRootFilesystem", true },
                    { "runAsNonRoot", true },
                    { "capabilities", new YamlMap { { "drop", new List<object> { "ALL" } } } },
                    { "seccompProfile", new YamlMap { { "type", "RuntimeDefault" } } },
                }
            },
            { "resources", new YamlMap
                {
                    { "requests", new YamlMap { { "cpu", options.CpuRequest }, { "memory", options.MemoryRequest } } },
                    { "limits", new YamlMap { { "memory", options.MemoryLimit } } },
                }
            },
            { "volumeMounts", new List<object> { results, new YamlMap { { "name", "tmp" }, { "mountPath", "/tmp" } } } },
        };
        var resultsVolume = new YamlMap { { "name", "results" } };
        resultsVolume.Add(options.ResultsClaim is null ? "emptyDir" : "persistentVolumeClaim",
            options.ResultsClaim is null ? new YamlMap() : new YamlMap { { "claimName", options.ResultsClaim } });

        var job = new YamlMap
        {
            { "apiVersion", "batch/v1" },
            { "kind", "Job" },
            { "metadata", metadata },
            { "spec", new YamlMap
                {
                    { "completionMode", "Indexed" },
                    { "completions", options.Shards },
                    { "parallelism", options.Shards },
                    { "backoffLimitPerIndex", 0 },
                    { "template", new YamlMap
                        {
                            { "metadata", new YamlMap { { "labels", Labels(options) } } },
                            { "spec", new YamlMap
                                {
                                    { "restartPolicy", "Never" },
                                    { "automountServiceAccountToken", false },
                                    { "enableServiceLinks", false },
                                    { "securityContext", new YamlMap
                                        {
                                            { "runAsNonRoot", true },
                                            { "runAsUser", User },
                                            { "runAsGroup", User },
                                            { "seccompProfile", new YamlMap { { "type", "RuntimeDefault" } } },
                                        }
                                    },
                                    { "containers", new List<object> { container } },
                                    { "volumes", new List<object> { resultsVolume, new YamlMap { { "name", "tmp" }, { "emptyDir", new YamlMap() } } } },
                                }
                            },
                        }
                    },
                }
            },
        };
        return $"# vmspec k8s-job: {options.Shards} shard(s) of 'vmspec verify --host {options.Hosts}' in {options.Image}; "
            + $"each pod runs shard {ShardSpec.CompletionIndexVariable}+1\n" + YamlText.Write(job);
    }

    private static YamlMap Labels(IndexedJobOptions options) =>
        new() { { "app.kubernetes.io/name", "vmspec" }, { "app.kubernetes.io/instance", options.Name } };
}
