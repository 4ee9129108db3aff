using Vmspec.Cli.Commands;
using Vmspec.Runtime.Kvm;

namespace Vmspec.Cli;

internal static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("vmspec: verify KVM's paravirtual async #PF protocol with YAML-specified guests" + ExitCodes.HelpText)
        {
            CheckCommand.Create(),
            CompileCommand.Create(),
            AbiCommand.Create(),
            HostCommand.Create(),
            SelftestCommand.Create(),
            RunCommand.Create(),
            VerifyCommand.Create(),
            MergeCommand.Create(),
            K8sJobCommand.Create(),
            ReportCommand.Create(),
            ExplainCommand.Create(),
            FetchCommand.Create(),
            LabCommand.Create(),
            BenchCommand.Create(),
        };
        try
        {
            return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or KvmException)
        {
            // The environment's fault (an unwritable -o path, a full disk, /dev/kvm refused): the message says it all.
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
        catch (Exception e)
        {
            // A bug: keep the trace, as System.CommandLine's default handler would, and its exit code.
            Console.Error.WriteLine($"vmspec: internal error: {e}");
            return 1;
        }
    }
}
