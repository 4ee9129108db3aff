using System.Collections.Concurrent;
using Vmspec.GuestKernels.Debian;
using Vmspec.Shared.Debian;

namespace Vmspec.GuestKernels.Tests.Builders;

/// <summary>The real Debian kernels the tests pin; CI fetches them into the cache with <see cref="DebianKernelPackage.FetchCommand"/>.</summary>
internal static class DebianKernels
{
    public static DebianKernelPackage Cloud61 { get; } = new(
        "linux-image-6.1.0-56-cloud-amd64-unsigned", "6.1.192-2",
        "7ff7fc8da85d313242c20698c6b34542aea447673c7c1975b0d38bd6005100b5");

    /// <summary>Debian 12's generic 6.1 kernel: unlike the cloud flavour, its bzImage payload is xz (x86 BCJ + LZMA2, CRC32).</summary>
    public static DebianKernelPackage Generic61 { get; } = new(
        "linux-image-6.1.0-56-amd64-unsigned", "6.1.192-2",
        "530631662c9ad84758eca2d7609cf40623309afd4bccbeb563f33e9c7f220bdf");

    public static DebianKernelPackage Cloud612 { get; } = new(
        "linux-image-6.12.117+deb12-cloud-amd64-unsigned", "6.12.117-1~deb12u1",
        "670b2688bcf94c24693f7c7e1fc9776ff2e202ff15553a2614f79415d48a6607");

    private static readonly ConcurrentDictionary<string, Lazy<KernelImage>> Opened = new(StringComparer.Ordinal);

    /// <summary>The package opened as a kernel image, once per test run (decoding data.tar.xz takes about a second).</summary>
    public static KernelImage Open(DebianKernelPackage package) =>
        Opened.GetOrAdd(RequireCached(package), path => new Lazy<KernelImage>(() => KernelImage.Open(path))).Value;

    /// <summary>The verified cached .deb, or a skip that says how to fetch it.</summary>
    public static string RequireCached(DebianKernelPackage package)
    {
        string? path = package.FindCached();
        if (path is null)
            Assert.Skip($"{package.Name}={package.Version} is not in {DebCache.DefaultDirectory}; fetch it with: " +
                $"mkdir -p {DebCache.DefaultDirectory} && cd {DebCache.DefaultDirectory} && {package.FetchCommand}");
        package.Verify(path!);
        return path;
    }
}
