using System.Collections;

namespace Vmspec.Cli.Lab;

/// <summary>What a command run in the lab gets as its environment.</summary>
internal static class LabEnvironment
{
    /// <summary>This process's environment, less the shell's own bookkeeping (PWD, OLDPWD, SHLVL, _), which are not the caller's settings.</summary>
    public static Dictionary<string, string> Current()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
            environment[(string)entry.Key] = (string?)entry.Value ?? "";
        foreach (string name in (string[])["PWD", "OLDPWD", "SHLVL", "_"])
            environment.Remove(name);
        return environment;
    }
}
