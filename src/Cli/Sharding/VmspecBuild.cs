using System.Reflection;
using System.Security.Cryptography;
using Vmspec.Cli.Lab;

namespace Vmspec.Cli.Sharding;

/// <summary>
/// Which vmspec ran a shard, for a merge to refuse shards of different builds: <c>VERSION sha256:HEX</c>, the assembly's
/// informational version and a digest of the code that ran: the SHA-256 of the NativeAOT binary, which holds all of vmspec
/// (and is bit-identical from any clean checkout of one commit); run as <c>dotnet vmspec.dll</c>, the SHA-256 of the .dll
/// files' SHA-256s beside it, in name order, so that a change in any vmspec library changes it too.
/// </summary>
internal static class VmspecBuild
{
    public static string Current()
    {
        var command = VmspecExecutable.Command();
        var digest = command.Count == 1 ? Sha256(command[0]) : SHA256.HashData(Directory.GetFiles(AppContext.BaseDirectory, "*.dll")
            .Order(StringComparer.Ordinal).SelectMany(Sha256).ToArray());
        var version = typeof(VmspecBuild).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        return $"{version} sha256:{Convert.ToHexStringLower(digest)}";
    }

    private static byte[] Sha256(string file)
    {
        using var stream = File.OpenRead(file);
        return SHA256.HashData(stream);
    }
}
