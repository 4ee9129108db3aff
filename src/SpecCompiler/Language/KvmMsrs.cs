namespace Vmspec.SpecCompiler.Language;

/// <summary>The async #PF MSRs specs may name (Documentation/virt/kvm/x86/msr.rst).</summary>
public static class KvmMsrs
{
    public const uint AsyncPfEn = 0x4b56_4d02;
    public const uint AsyncPfInt = 0x4b56_4d06;
    public const uint AsyncPfAck = 0x4b56_4d07;

    public static readonly IReadOnlyList<KeyValuePair<string, uint>> Names =
    [
        new("async-pf-en", AsyncPfEn),
        new("async-pf-int", AsyncPfInt),
        new("async-pf-ack", AsyncPfAck),
    ];

    public static uint? ByName(string name) =>
        Names.FirstOrDefault(n => n.Key == name) is { Key: not null } found ? found.Value : null;
}
