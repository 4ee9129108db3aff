using Vmspec.Cli.Lab;
using Vmspec.GuestKernels;
using Vmspec.GuestKernels.Debian;
using Vmspec.Plans;
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
            var packages = result.Cases
                .Select(c => c.Plan.Guest)
                .OfType<LinuxGuestPlan>()
                .Select(g => g.Kernel)
                .OfType<DebianKernel>()
                .Distinct()
                .ToList();
            var failures = 0;
            foreach (var kernel in packages)
            {
                try
                {
                    // Inside the try: the spec grammar admits versions that Debian's (and so the package's constructor) does not.
                    var package = new DebianKernelPackage(kernel.Package, kernel.Version, kernel.Sha256);
                    var cached = package.FindCached();
                    var path = cached ?? await package.FetchAsync(cancellationToken: cancellation);
                    Console.WriteLine($"{(cached is null ? "fetched" : "cached ")} {package.Name}={package.Version}  {path}");
                }
                catch (KernelImageException e)
                {
                    failures++;
                    Console.Error.WriteLine($"error: {kernel.Package}={kernel.Version}: {e.Message}");
                }
            }
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
