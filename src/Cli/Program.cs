using System.CommandLine;
using Vmspec.Cli.Commands;

namespace Vmspec.Cli;

internal static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("vmspec: verify KVM's paravirtual async #PF protocol with YAML-specified guests")
        {
            CheckCommand.Create(),
            CompileCommand.Create(),
            AbiCommand.Create(),
            HostCommand.Create(),
            SelftestCommand.Create(),
            RunCommand.Create(),
            VerifyCommand.Create(),
            ExplainCommand.Create(),
            FetchCommand.Create(),
            BenchCommand.Create(),
        };
        return root.Parse(args).Invoke();
    }
}
