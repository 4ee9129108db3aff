using Vmspec.Build.Framework;
using Vmspec.Build.Tools;
using Vmspec.Shared.Io;

namespace Vmspec.Build;

/// <summary>vmspec's build targets. Run <c>./build.sh --help</c> for the list.</summary>
internal sealed partial class Build
{
    public static Task<int> Main(string[] args) =>
        BuildRunner.RunAsync(new Build(), args, nameof(Compile), Console.Out, Environment.GetEnvironmentVariable);

    [Parameter("Build configuration")]
    public string Configuration { get; set; } = "Release";

    private static string Root { get; } = RepositoryRoot.FindAbove(Environment.CurrentDirectory)
        ?? throw new BuildException($"Run ./build.sh inside the vmspec checkout (no {RepositoryRoot.Marker} found above the current directory)");
    private static string Artifacts => Path.Combine(Root, "artifacts");
    private static string Solution => Path.Combine(Root, RepositoryRoot.Marker);

    private Target Restore => _ => _
        .Description("Restore NuGet packages")
        .Executes(() => Dotnet("restore", Solution));

    private Target Compile => _ => _
        .Description("Build every project")
        .DependsOn(Restore)
        .Executes(() => Dotnet("build", Solution, "-c", Configuration, "--no-restore"));

    private Target Publish => _ => _
        .Description("NativeAOT vmspec into artifacts/bin/vmspec")
        .DependsOn(Restore)
        .Executes(() => Dotnet("publish", Path.Combine(Root, "src", "Cli", "Cli.csproj"), "-c", "Release",
            "-r", "linux-x64", "-o", Path.Combine(Artifacts, "bin")));

    private static Task Dotnet(params string[] arguments) => ProcessRunner.RunAsync("dotnet", arguments, Root);
}
