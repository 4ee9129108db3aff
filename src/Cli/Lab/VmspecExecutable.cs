namespace Vmspec.Cli.Lab;

/// <summary>How to start this same vmspec again, e.g. inside the lab: the command's first words.</summary>
internal static class VmspecExecutable
{
    /// <summary>
    /// The running executable (the NativeAOT binary or the apphost), or, when the process is the <c>dotnet</c> host
    /// running vmspec.dll (tests, <c>dotnet vmspec.dll</c>), <c>[dotnet, vmspec.dll]</c>. The .dll is found next to the
    /// application (<see cref="AppContext.BaseDirectory"/>), which NativeAOT also knows, unlike Assembly.Location.
    /// </summary>
    public static IReadOnlyList<string> Command() =>
        Command(Environment.ProcessPath, AppContext.BaseDirectory, typeof(VmspecExecutable).Assembly.GetName().Name ?? "vmspec");

    internal static IReadOnlyList<string> Command(string? processPath, string baseDirectory, string assemblyName)
    {
        if (string.IsNullOrEmpty(processPath))
            throw new InvalidOperationException("the path of the running executable is not known");
        if (Path.GetFileNameWithoutExtension(processPath) != "dotnet")
            return [processPath];
        var dll = Path.Combine(baseDirectory, assemblyName + ".dll");
        if (!File.Exists(dll))
            throw new InvalidOperationException($"running under {processPath}, but {dll} does not exist");
        return [processPath, dll];
    }
}
