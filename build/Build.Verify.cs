using Vmspec.Build.Framework;
using Vmspec.Build.Tools;

namespace Vmspec.Build;

internal sealed partial class Build
{
    [Parameter("Only the cases whose name matches this glob (Verify)")]
    public string Spec { get; set; } = "";

    private static string Vmspec => Path.Combine(Artifacts, "bin", "vmspec");

    private Target Verify => _ => _
        .Description("Verify every spec under specs/ on this host; results in artifacts/results/")
        .DependsOn(Publish)
        .Executes(async () =>
        {
            List<string> arguments = ["verify", Path.Combine(Root, "specs"), "--results", Path.Combine(Artifacts, "results")];
            if (Spec.Length > 0)
                arguments.AddRange(["--spec", Spec]);
            var exitCode = await ProcessRunner.RunForExitCodeAsync(Vmspec, arguments, Root);
            if (exitCode != 0)
                throw new BuildException($"vmspec verify failed (exit code {exitCode}); see artifacts/results/results.json");
        });
}
