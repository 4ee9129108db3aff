using System.Collections;
using Vmspec.Runtime.Host;

namespace Vmspec.Cli.Lab;

/// <summary>What a command run in the lab gets as its environment.</summary>
internal static class LabEnvironment
{
    /// <summary>
    /// This process's environment, less the shell's own bookkeeping (PWD, OLDPWD, SHLVL, _), which are not the caller's
    /// settings, and less VMSPEC_KVM_DEVICE, which names this machine's KVM device: the lab has its own /dev/kvm.
    /// </summary>
    public static Dictionary<string, string> Current() => From(Environment.GetEnvironmentVariables());

    internal static Dictionary<string, string> From(IDictionary variables)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in variables)
            environment[(string)entry.Key] = (string?)entry.Value ?? "";
        foreach (string name in (string[])["PWD", "OLDPWD", "SHLVL", "_", HostPaths.DeviceVariable])
            environment.Remove(name);
        return environment;
    }
}
