using Vmspec.GuestKernels;
using Vmspec.GuestKernels.Debian;
using Vmspec.Plans;

namespace Vmspec.Cli.Specs;

/// <summary>
/// The Debian guest kernels that cases boot, fetched, verified and unpacked into the cache. The lab needs this done on
/// the host beforehand: inside it the network is absent and the cache is read-only.
/// </summary>
internal static class GuestKernelFetch
{
    public static IReadOnlyList<DebianKernel> KernelsOf(IEnumerable<CompiledCase> cases) => cases
        .Select(c => c.Plan.Guest)
        .OfType<LinuxGuestPlan>()
        .Select(g => g.Kernel)
        .OfType<DebianKernel>()
        .Distinct()
        .ToList();

    /// <summary>Writes one line per kernel (fetched or cached) and one per error; returns the number of kernels that failed.</summary>
    public static async Task<int> FetchAsync(IReadOnlyList<DebianKernel> kernels, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        var failures = 0;
        foreach (var kernel in kernels)
        {
            try
            {
                // Inside the try: the spec grammar admits versions that Debian's (and so the package's constructor) does not.
                var package = new DebianKernelPackage(kernel.Package, kernel.Version, kernel.Sha256);
                var wasCached = package.FindCached() is not null;
                var vmlinuz = await package.FetchVmlinuzAsync(cancellationToken: cancellationToken);
                output.WriteLine($"{(wasCached ? "cached " : "fetched")} {package.Name}={package.Version}  {vmlinuz}");
            }
            catch (Exception e) when (e is KernelImageException or IOException or UnauthorizedAccessException)
            {
                failures++;
                errors.WriteLine($"error: {kernel.Package}={kernel.Version}: {e.Message}");
            }
        }
        return failures;
    }
}
