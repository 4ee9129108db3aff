using Vmspec.Build.Framework;

namespace Vmspec.Build.Tests.Framework;

/// <summary>A small build whose targets record their execution, for the framework tests.</summary>
internal sealed class SampleBuild
{
    public List<string> Executed { get; } = [];

    [Parameter("Greeting to use")]
    public string Greeting { get; set; } = "hello";

    [Parameter("Run quickly")]
    public bool Fast { get; set; }

    [Parameter("How many")]
    public int Count { get; set; } = 1;

    public string FailIn { get; set; } = "";

    private Target Clean => _ => _.Description("Remove outputs").Executes(() => Record(nameof(Clean)));
    private Target Restore => _ => _.Executes(() => Record(nameof(Restore)));
    private Target Compile => _ => _.DependsOn(Restore).Executes(() => Record(nameof(Compile)));
    private Target Test => _ => _.DependsOn(Compile).Executes(async () =>
    {
        await Task.Yield();
        Record(nameof(Test));
    });
    private Target Pack => _ => _.DependsOn(Compile, Clean).Executes(() => Record(nameof(Pack)));
    private Target All => _ => _.DependsOn(Test, Pack).Executes(() => Record(nameof(All)));

    private void Record(string name)
    {
        if (FailIn == name)
            throw new BuildException($"{name} broke");
        Executed.Add(name);
    }
}

internal sealed class CyclicBuild
{
    private Target A => _ => _.DependsOn(B);
    private Target B => _ => _.DependsOn(C);
    private Target C => _ => _.DependsOn(A);
}
