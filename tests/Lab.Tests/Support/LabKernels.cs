using Vmspec.GuestKernels.Debian;
using Vmspec.Lab.Kernels;

namespace Vmspec.Lab.Tests.Support;

/// <summary>The host kernels specs/hosts pins, prepared (fetched, verified, unpacked) once per test run.</summary>
internal static class LabKernels
{
    public static DebianKernelPackage Debian612Package { get; } = new(
        "linux-image-6.12.117+deb12-amd64-unsigned", "6.12.117-1~deb12u1",
        "5de3e329c887173debec07ff1325c975cf4f286d364929d17fecb1e1325c5c46");

    public static DebianKernelPackage Debian61Package { get; } = new(
        "linux-image-6.1.0-56-amd64-unsigned", "6.1.192-2",
        "530631662c9ad84758eca2d7609cf40623309afd4bccbeb563f33e9c7f220bdf");

    private static readonly Lazy<Task<LabKernel>> Debian612Kernel = new(() => DebianLabKernels.PrepareAsync("debian-6.12", Debian612Package));
    private static readonly Lazy<Task<LabKernel>> Debian61Kernel = new(() => DebianLabKernels.PrepareAsync("debian-6.1", Debian61Package));

    public static Task<LabKernel> Prepare(string host) => host switch
    {
        "debian-6.12" => Debian612Kernel.Value,
        "debian-6.1" => Debian61Kernel.Value,
        _ => throw new ArgumentException($"no pinned host kernel {host}"),
    };
}
