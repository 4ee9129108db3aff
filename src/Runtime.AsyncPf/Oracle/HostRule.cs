namespace Vmspec.Runtime.AsyncPf.Oracle;

/// <summary>One rule KVM applies, with the line of the kernel source or documentation it comes from.</summary>
public sealed record HostRule(string Id, string Statement, string Source)
{
    public override string ToString() => $"{Id}: {Statement} ({Source})";
}
