using System.Text.RegularExpressions;
using Vmspec.Cli.Cluster;
using Vmspec.Shared.Io;

namespace Vmspec.Cli.Commands;

/// <summary>
/// <c>vmspec k8s-job --shards N --image REF [--host all|NAMES]</c>: prints the Kubernetes Indexed Job that runs the lab image's
/// verify as N shards (<see cref="IndexedJob"/>); the same options always give the same bytes. Exits 2 on a bad option.
/// </summary>
internal static partial class K8sJobCommand
{
    public static Command Create()
    {
        var shards = new Option<int>("--shards") { HelpName = "N", Description = "pods, one shard each (completions = parallelism = N)", Required = true };
        var image = new Option<string>("--image") { HelpName = "REF", Description = "the lab image (images/vmspec-lab.yaml) as the cluster pulls it", Required = true };
        var host = new Option<string>("--host") { Description = "verify's --host: all, or host kernel names, comma-separated", DefaultValueFactory = _ => "all" };
        var name = new Option<string>("--name") { Description = "the Job's name", DefaultValueFactory = _ => "vmspec-verify" };
        var ns = new Option<string?>("--namespace") { Description = "the Job's namespace (default: kubectl's)" };
        var memory = new Option<string>("--memory")
        {
            Description = "each pod's memory request (a lab VM takes about 0.5 GiB; a pod runs one at a time per CPU)",
            DefaultValueFactory = _ => "1Gi",
        };
        var memoryLimit = new Option<string>("--memory-limit") { Description = "each pod's memory limit", DefaultValueFactory = _ => "2Gi" };
        var cpu = new Option<string>("--cpu") { Description = "each pod's CPU request: one lab VM per CPU", DefaultValueFactory = _ => "1" };
        var claim = new Option<string?>("--results-claim")
        {
            HelpName = "PVC",
            Description = "a PersistentVolumeClaim (ReadWriteMany) for the results: pod I writes shard-I/ there, ready for vmspec merge; default an emptyDir per pod",
        };
        var output = new Option<string?>("--output", "-o") { HelpName = "FILE", Description = "write the manifest to FILE instead of standard output" };
        var command = new Command("k8s-job", "Print a Kubernetes Indexed Job that runs the lab image's verify as N shards, least privileged" + HelpText)
        {
            shards, image, host, name, ns, memory, memoryLimit, cpu, claim, output,
        };
        command.SetAction(parse => Run(new IndexedJobOptions(parse.GetValue(name)!, parse.GetValue(ns), parse.GetValue(image)!, parse.GetValue(shards),
            parse.GetValue(host)!, parse.GetValue(memory)!, parse.GetValue(memoryLimit)!, parse.GetValue(cpu)!, parse.GetValue(claim)), parse.GetValue(output)));
        return command;
    }

    private const string HelpText = """


        Pod I (JOB_COMPLETION_INDEX, from 0) runs 'vmspec verify --shards N', shard I+1 of N, and exits as verify does; each index
        fails on its own. Gather the pods' results.json (--results-claim puts them in shard-I/ of one volume) and join them with
        'vmspec merge --expect N'. The image needs no device and no privilege: the lab runs KVM under QEMU's TCG.
        """;

    private static int Run(IndexedJobOptions options, string? outputPath)
    {
        if (Problem(options) is { } problem)
        {
            Console.Error.WriteLine($"error: {problem}");
            return ExitCodes.Usage;
        }
        var manifest = IndexedJob.Manifest(options);
        if (outputPath is null)
            Console.Out.Write(manifest);
        else
            AtomicFile.Write(outputPath, stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(manifest)));
        return 0;
    }

    internal static string? Problem(IndexedJobOptions options) =>
        options.Shards < 1 ? $"--shards {options.Shards}: the number of shards must be at least 1"
        : !DnsLabel().IsMatch(options.Name) || options.Name.Length > 52
            ? $"--name {options.Name}: a Job name is lower-case letters, digits and '-', at most 52 characters (its pods add the index)"
        : options.Namespace is { } ns && !DnsLabel().IsMatch(ns) ? $"--namespace {ns}: not a namespace name"
        : options.Image.Length == 0 || options.Image.Any(char.IsWhiteSpace) ? $"--image '{options.Image}': not an image reference"
        : !Hosts().IsMatch(options.Hosts) ? $"--host {options.Hosts}: expected all or host kernel names, comma-separated"
        : new[] { options.MemoryRequest, options.MemoryLimit, options.CpuRequest }.FirstOrDefault(q => !Quantity().IsMatch(q)) is { } bad
            ? $"'{bad}' is not a Kubernetes quantity (e.g. 1Gi, 500m, 2)"
        : options.ResultsClaim is { } pvc && !DnsLabel().IsMatch(pvc) ? $"--results-claim {pvc}: not a claim name"
        : null;

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex DnsLabel();

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]*(,[a-z0-9][a-z0-9.-]*)*$")]
    private static partial Regex Hosts();

    [GeneratedRegex("^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$")]
    private static partial Regex Quantity();
}
