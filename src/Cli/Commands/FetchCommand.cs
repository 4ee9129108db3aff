using Vmspec.Cli.Lab;
using Vmspec.Cli.Specs;
using Vmspec.Shared.Debian;

namespace Vmspec.Cli.Commands;

/// <summary><c>vmspec fetch [PATH...]</c>: downloads and verifies every Debian kernel the specs pin, into the cache.</summary>
internal static class FetchCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("path") { Description = "spec files or directories (default: specs)", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("fetch", $"Fetch the Debian kernels pinned by the specs and specs/hosts into the cache (${DebCache.EnvironmentVariable}, default {DebCache.DefaultDirectory})") { paths };
        command.SetAction(async (parse, cancellation) =>
        {
            var result = SpecInputs.Compile(parse.GetValue(paths) is { Length: > 0 } given ? given : ["specs"]);
            SpecInputs.Report(result, Console.Error);
            if (!result.Succeeded)
                return 1;
            var packages = GuestKernelFetch.KernelsOf(result.Cases);
            var failures = await GuestKernelFetch.FetchAsync(packages, Console.Out, Console.Error, cancellation);
            Console.WriteLine($"{packages.Count - failures} of {packages.Count} kernel package(s) ready");
            return failures == 0 && await FetchHostKernelsAsync(cancellation) ? 0 : 1;
        });
        return command;
    }

    /// <summary>The lab's host kernels (specs/hosts), fetched, verified and unpacked, when that folder exists.</summary>
    private static async Task<bool> FetchHostKernelsAsync(CancellationToken cancellation)
    {
        if (!Directory.Exists(HostKernels.Directory))
            return true;
        try
        {
            foreach (var host in HostKernels.LoadCatalog().Hosts)
            {
                var kernel = await HostKernels.PrepareAsync(host, message => Console.WriteLine($"{host.Name}: {message}"), cancellation);
                Console.WriteLine($"host kernel {host.Name} ready: {kernel.Release}  {kernel.BootImagePath}");
            }
            return true;
        }
        catch (LabException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return false;
        }
    }
}
