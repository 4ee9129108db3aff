using Vmspec.Abi.KvmPara;

namespace Vmspec.SpecCompiler.Binding;

/// <summary>Expectations with each flavour's overrides applied field by field over the common ones.</summary>
internal static class ExpectBinder
{
    /// <summary>Expectations that only a booted Linux kernel can meet, with their field paths.</summary>
    public static IEnumerable<(YamlNode Node, string Path)> LinuxOnly(YamlMapping? expect)
    {
        foreach (var key in new[] { "kernelAbi", "guestEnablesAsyncPf" })
        {
            if (Get(expect, key) is { } node)
                yield return (node, $"expect.{key}");
        }
        foreach (var flavour in new[] { FlavourExpectations.HardwareName, FlavourExpectations.KvmPvmName })
        {
            if (Get(Map(Map(expect, "flavours"), flavour), "guestEnablesAsyncPf") is { } node)
                yield return (node, $"expect.flavours.{flavour}.guestEnablesAsyncPf");
        }
    }

    public static FlavourExpectations Bind(YamlMapping? expect)
    {
        var common = Read(expect, null);
        var flavours = Map(expect, "flavours");
        return new FlavourExpectations(
            Read(Map(flavours, FlavourExpectations.HardwareName), common),
            Read(Map(flavours, FlavourExpectations.KvmPvmName), common));
    }

    private static Expectations Read(YamlMapping? node, Expectations? fallback)
    {
        var events = Map(node, "events");
        var abi = Map(node, "abi");
        var baseEvents = fallback?.Events;
        return new Expectations(
            new EventExpectations(
                Count(Get(events, "pageNotPresent")) ?? baseEvents?.PageNotPresent,
                Count(Get(events, "pageReady")) ?? baseEvents?.PageReady,
                Count(Get(events, "wakeupAll")) ?? baseEvents?.WakeupAll,
                Boolean(Get(events, "tokensPaired")) ?? baseEvents?.TokensPaired,
                Integer(Get(events, "vector")) is { } v and <= byte.MaxValue ? (byte)v : baseEvents?.Vector),
            new AbiExpectations(Boolean(Get(abi, "canaryIntact")) ?? fallback?.Abi.CanaryIntact),
            // The shape has no kernelAbi under flavours: the image's layout does not depend on the host.
            fallback is null ? KernelAbi(Text(Get(node, "kernelAbi"))) : fallback.KernelAbi,
            Boolean(Get(node, "guestEnablesAsyncPf")) ?? fallback?.GuestEnablesAsyncPf);
    }

    private static ApfDataAbi? KernelAbi(string? name) =>
        ApfDataLayouts.Names.FirstOrDefault(n => n.Key == name) is { Key: not null } match ? match.Value : null;

    private static uint? Count(YamlNode? node) => Integer(node) is { } n and <= uint.MaxValue ? (uint)n : null;
}
