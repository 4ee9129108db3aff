using Vmspec.Abi.Kvm;
using Vmspec.Abi.KvmPara;
using Vmspec.Plans.Hosts;

namespace Vmspec.SpecCompiler.Binding;

/// <summary>The common expectations and the <c>when</c> entries that override them on the hosts they match.</summary>
internal sealed class ExpectBinder(BindingErrors errors)
{
    /// <summary>Expectations that only a booted Linux kernel can meet, with their field paths.</summary>
    public static IEnumerable<(YamlNode Node, string Path)> LinuxOnly(YamlMapping? expect)
    {
        if (Get(expect, "kernelAbi") is { } abi)
            yield return (abi, "expect.kernelAbi");
        foreach (var found in Everywhere(expect, "guestEnablesAsyncPf").Concat(Everywhere(expect, "guestTakesAsyncPf")))
            yield return found;
    }

    /// <summary>Where <c>guestTakesAsyncPf: true</c> is said, common or in a <c>when</c> entry: each needs the Linux workload.</summary>
    public static IEnumerable<(YamlNode Node, string Path)> TakesAsyncPf(YamlMapping? expect) =>
        Everywhere(expect, "guestTakesAsyncPf").Where(found => Boolean(found.Node) is true);

    /// <summary><paramref name="key"/> in the common expectations and in every <c>when</c> entry, with its field path.</summary>
    private static IEnumerable<(YamlNode Node, string Path)> Everywhere(YamlMapping? expect, string key)
    {
        if (Get(expect, key) is { } common)
            yield return (common, $"expect.{key}");
        var entries = Items(Get(expect, "when"));
        for (int i = 0; i < entries.Count; i++)
        {
            if (Get(entries[i], key) is { } node)
                yield return (node, $"expect.when[{i}].{key}");
        }
    }

    public CaseExpectations Bind(YamlMapping? expect)
    {
        var when = new List<HostExpectations>();
        var entries = Items(Get(expect, "when"));
        for (int i = 0; i < entries.Count; i++)
        {
            if (Condition(entries[i], $"expect.when[{i}]") is { } condition)
                when.Add(new HostExpectations(condition, Read(entries[i] as YamlMapping)));
        }
        return new CaseExpectations(Read(expect) with { KernelAbi = KernelAbi(Text(Get(expect, "kernelAbi"))) }, when);
    }

    private HostCondition? Condition(YamlNode entry, string path)
    {
        var flavourNode = Get(entry, "flavour");
        var kernelNode = Get(entry, "kernel");
        if (flavourNode is null && kernelNode is null)
        {
            errors.Add(entry, path, "a when entry needs flavour or kernel (or both): it would apply to every host");
            return null;
        }
        KernelRange? range = null;
        if (kernelNode is not null && Text(kernelNode) is { } text && !KernelRange.TryParse(text, out range, out string error))
            errors.Add(kernelNode, $"{path}.kernel", error);
        return new HostCondition(KvmFlavours.Parse(Text(flavourNode)), range);
    }

    private static Expectations Read(YamlMapping? node)
    {
        var events = Map(node, "events");
        var abi = Map(node, "abi");
        return new Expectations(
            new EventExpectations(
                Count(Get(events, "pageNotPresent")),
                Count(Get(events, "pageReady")),
                Count(Get(events, "wakeupAll")),
                Boolean(Get(events, "tokensPaired")),
                Integer(Get(events, "vector")) is { } v and <= byte.MaxValue ? (byte)v : null),
            new AbiExpectations(Boolean(Get(abi, "canaryIntact"))),
            null,
            Boolean(Get(node, "guestEnablesAsyncPf")),
            GatedMsrHostReads.Names.FirstOrDefault(n => n.Key == Text(Get(node, "hostReadOfGatedMsr"))) is { Key: not null } read ? read.Value : null,
            Boolean(Get(node, "guestTakesAsyncPf")));
    }

    private static ApfDataAbi? KernelAbi(string? name) =>
        ApfDataLayouts.Names.FirstOrDefault(n => n.Key == name) is { Key: not null } match ? match.Value : null;

    private static uint? Count(YamlNode? node) => Integer(node) is { } n and <= uint.MaxValue ? (uint)n : null;
}
