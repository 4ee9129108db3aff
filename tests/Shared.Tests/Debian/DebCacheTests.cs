using System.Security.Cryptography;
using Vmspec.Shared.Debian;
using Vmspec.Shared.Io;
using Vmspec.TestSupport;

namespace Vmspec.Shared.Tests.Debian;

public sealed class DebCacheTests : IDisposable
{
    private static readonly byte[] Deb = "!<arch>\nnot really a package"u8.ToArray();
    private static readonly DebianPin Pin = new("linux-image-test", "1:2.0-1", Convert.ToHexStringLower(SHA256.HashData(Deb)));
    private const string AptName = "linux-image-test_1%3a2.0-1_amd64.deb";

    private readonly TempDirectory _temp = new("vmspec-debs-");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_download_is_verified_cached_under_apts_name_and_reported()
    {
        var apt = new InMemoryAptGet(Deb, AptName);
        var cache = new DebCache(_temp.Path, apt);
        var log = new StringWriter();

        var first = await cache.FetchAsync(Pin, what => new DownloadProgress(log, terminal: false, what), TestContext.Current.CancellationToken);
        var second = await cache.FetchAsync(Pin, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(Path.Combine(_temp.Path, AptName), first);
        Assert.Equal(first, second);
        Assert.Equal(1, apt.Downloads);
        Assert.Equal([first], Directory.GetFileSystemEntries(_temp.Path)); // the staging folder is gone
        Assert.EndsWith($"downloaded {Pin}: 0.0 MB\n", log.ToString());
    }

    [Fact]
    public async Task A_download_whose_sha256_differs_is_refused_and_not_cached()
    {
        var wrong = new DebianPin(Pin.Name, Pin.Version, new string('0', 64));

        var error = await Assert.ThrowsAsync<DebianPackageException>(() =>
            new DebCache(_temp.Path, new InMemoryAptGet(Deb, AptName)).FetchAsync(wrong, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal($"{wrong}: downloaded {AptName} has sha256 {Pin.Sha256}, expected {wrong.Sha256}", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(_temp.Path));
    }

    [Fact]
    public async Task A_cached_file_whose_sha256_differs_is_an_error_not_a_silent_download()
    {
        File.WriteAllBytes(Path.Combine(_temp.Path, AptName), "damaged"u8.ToArray());
        var apt = new InMemoryAptGet(Deb, AptName);

        var error = await Assert.ThrowsAsync<DebianPackageException>(() =>
            new DebCache(_temp.Path, apt).FetchAsync(Pin, cancellationToken: TestContext.Current.CancellationToken));

        Assert.StartsWith($"{Path.Combine(_temp.Path, AptName)}: sha256 is ", error.Message);
        Assert.EndsWith($", expected {Pin.Sha256} for {Pin}", error.Message);
        Assert.Equal(0, apt.Downloads);
    }

    [Fact]
    public void The_directory_follows_the_environment()
    {
        Assert.Equal("/srv/cache", DebCache.ResolveDirectory("/srv/cache", "/home/u"));
        Assert.Equal("/home/u/.cache/vmspec/debs", DebCache.ResolveDirectory(null, "/home/u"));
        Assert.Equal("/home/u/.cache/vmspec/debs", DebCache.ResolveDirectory("", "/home/u"));
    }
}
