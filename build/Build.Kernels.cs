using Vmspec.Build.Framework;
using Vmspec.Build.Tools;

namespace Vmspec.Build;

internal sealed partial class Build
{
    private Target FetchKernels => _ => _
        .Description("Fetch and verify the Debian kernels the specs pin (a failure only warns: their tests then skip)")
        .DependsOn(Compile)
        .Executes(async () =>
        {
            var vmspecDll = Path.Combine(Root, "src", "Cli", "bin", Configuration, "net10.0", "vmspec.dll");
            var exitCode = await ProcessRunner.RunForExitCodeAsync("dotnet", [vmspecDll, "fetch", Path.Combine(Root, "specs")], Root);
            if (exitCode != 0)
                Console.WriteLine("warning: some kernel packages could not be fetched; the tests that need them will be skipped with the reason");
        });
}
