namespace Vmspec.Runtime.Tests.Support;

/// <summary>Tests that count the process's fds and mappings run alone, so other tests cannot move the counts.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ResourceAccounting
{
    public const string Name = "resource accounting";
}
