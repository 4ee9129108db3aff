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
        };
        return root.Parse(args).Invoke();
    }
}
