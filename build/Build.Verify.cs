using Vmspec.Build.Framework;
using Vmspec.Build.Tools;

namespace Vmspec.Build;

internal sealed partial class Build
{
    [Parameter("Only the cases whose name matches this glob (Verify)")]
    public string Spec { get; set; } = "";

    [Parameter("Where Verify runs: all (every pinned host kernel in the lab), native (this machine's /dev/kvm) or host names, comma-separated")]
    public string Hosts { get; set; } = "all";

    private static string Vmspec => Path.Combine(Artifacts, "bin", "vmspec");

    private Target Verify => _ => _
        .Description("Verify every spec under specs/ on every pinned host kernel (the lab) or --host native; results.json, junit.xml and report.html in artifacts/results/")
        .DependsOn(Publish)
        .Executes(async () =>
        {
            if (Hosts != "native" && !await DebianPackages.EnsureLabAsync())
                throw new BuildException("the KVM lab cannot run here (see above); install its packages or use --hosts native");
            List<string> arguments = ["verify", Path.Combine(Root, "specs"), "--host", Hosts, "--results", Path.Combine(Artifacts, "results")];
            if (Spec.Length > 0)
                arguments.AddRange(["--spec", Spec]);
            var exitCode = await ProcessRunner.RunForExitCodeAsync(Vmspec, arguments, Root);
            if (exitCode != 0)
                throw new BuildException($"vmspec verify failed (exit code {exitCode}); see artifacts/results/results.json");
        });
}
