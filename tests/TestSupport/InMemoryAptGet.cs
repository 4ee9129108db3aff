using Vmspec.Shared.Debian;

namespace Vmspec.TestSupport;

/// <summary>
/// An apt-get that serves one .deb from memory under the file name apt-get download would give it, and counts
/// downloads; its candidate for any package is version <see cref="CandidateVersion"/>.
/// </summary>
public sealed class InMemoryAptGet(byte[] deb, string fileName) : AptGet
{
    public const string CandidateVersion = "2.36-9+deb12u99";

    public int Downloads { get; private set; }

    public override DebianPackage ResolveCandidate(string name) =>
        new(name, CandidateVersion, "amd64", new string('c', 64), $"{name}_{CandidateVersion}_amd64.deb");

    public override Task<long?> DownloadSizeAsync(DebianPin pin, CancellationToken cancellationToken) => Task.FromResult<long?>(deb.Length);

    public override Task<string> DownloadAsync(DebianPin pin, string directory, CancellationToken cancellationToken)
    {
        Downloads++;
        var path = Path.Combine(directory, fileName);
        File.WriteAllBytes(path, deb);
        return Task.FromResult(path);
    }
}
