namespace Vmspec.Runtime.AsyncPf.Guests;

/// <summary>
/// The guest variables the async #PF guests keep in the layout's DataPage (addresses below 2 GiB, so the
/// guest code reaches them with absolute 32-bit displacements).
/// </summary>
public sealed record GuestVariables(ulong DataPage)
{
    /// <summary>Pages whose read values fit in the page after the counters.</summary>
    public const int MaxPages = (4096 - ValuesOffset) / 8;

    private const int ValuesOffset = 0x100;

    public static GuestVariables For(GuestLayout layout) =>
        layout.DataPage + 4096 <= int.MaxValue
            ? new GuestVariables(layout.DataPage)
            : throw new ArgumentException($"the data page 0x{layout.DataPage:x} must lie below 2 GiB");

    /// <summary>u64: GPA of the async #PF data area the page-ready handler reads (set before each EN write).</summary>
    public int AreaGpa => Address(0x00);

    /// <summary>u32: token of the last page-ready the handler consumed.</summary>
    public int LastReadyToken => Address(0x08);

    /// <summary>u32: interrupts that found a token (page-ready and wakeup-all).</summary>
    public int PageReadyCount => Address(0x0c);

    /// <summary>u32: WRMSR MSR_KVM_ASYNC_PF_ACK = 1 completed by the handler.</summary>
    public int AckCount => Address(0x10);

    /// <summary>u32: 'page not present' #PFs taken.</summary>
    public int NotPresentCount => Address(0x14);

    /// <summary>u64: TSC when the last page-ready arrived.</summary>
    public int ReadyTsc => Address(0x18);

    /// <summary>u64: TSC at the guest's first instruction.</summary>
    public int StartTsc => Address(0x20);

    /// <summary>u32: page touches completed.</summary>
    public int TouchesDone => Address(0x28);

    /// <summary>u64: GPA of the next free entry of the <see cref="ReportLog"/>.</summary>
    public int LogCursor => Address(0x30);

    /// <summary>u64[MaxPages]: the first quadword read from each touched page.</summary>
    public int Values => Address(ValuesOffset);

    private int Address(int offset) => (int)DataPage + offset;
}
