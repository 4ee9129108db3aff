namespace Vmspec.Runtime.Devices;

/// <summary>
/// The guest-to-host report channel: port I/O on 0xE0-0xEF (a vmspec convention, like the selftests' ucall).
/// Every write is a 32-bit OUT except <see cref="MessageByte"/> (8-bit).
/// </summary>
public static class ReportPorts
{
    /// <summary>Latches the kind of the next report.</summary>
    public const ushort Kind = 0xE0;
    /// <summary>Latches bits 31:0 of the report value.</summary>
    public const ushort ValueLow = 0xE1;
    /// <summary>Bits 63:32 of the value; completes a <see cref="GuestReport"/>.</summary>
    public const ushort ValueHigh = 0xE2;
    /// <summary>Appends one byte (UTF-8) to the pending assertion message.</summary>
    public const ushort MessageByte = 0xE3;
    /// <summary>The failed assertion's id; ends the run with the pending message.</summary>
    public const ushort AssertFailed = 0xE4;
    /// <summary>One 32-bit field of an exception record: vector, error code, RIP low, RIP high, CR2 low, CR2 high.</summary>
    public const ushort ExceptionField = 0xE5;
    /// <summary>Completes an exception record: 0 = resumed at a fixup, 1 = unhandled (the guest stops).</summary>
    public const ushort ExceptionEnd = 0xE6;
    /// <summary>
    /// Releases page N (the value) of the VM's userfaultfd slot: a slot that holds its missing pages resolves a
    /// page only once the guest has released it (see <see cref="Memory.UserfaultfdSlot.HoldUntilReleased"/>).
    /// One OUT and no latch, so unlike a report it may be sent with interrupts on. The run loop, not the decoder,
    /// handles it: it records a <see cref="GuestPageRelease"/> with RFLAGS.IF as KVM reported it at this exit.
    /// </summary>
    public const ushort ReleasePage = 0xE7;
    /// <summary>
    /// A Linux guest's /init has filled its workload buffer (the value: its page count) and waits while the host
    /// evicts those pages, to give them back on demand. A device claims it; without one the run ends.
    /// </summary>
    public const ushort EvictWorkload = 0xE8;
    /// <summary>The guest finished; the value is its status.</summary>
    public const ushort Done = 0xEF;

    public const int ExceptionFieldCount = 6;
    public const uint ExceptionRecovered = 0, ExceptionFatal = 1;

    public static bool Contains(ushort port) => port is >= 0xE0 and <= 0xEF;
}
