using Vmspec.Abi.KvmPara;

namespace Vmspec.Runtime.AsyncPf.Verification;

/// <summary>A canary byte that no longer holds the canary after the run.</summary>
public readonly record struct ChangedByte(ulong Gpa, ulong Area, byte Value)
{
    public override string ToString() => $"0x{Gpa:x} (area 0x{Area:x} + {Gpa - Area}) = 0x{Value:x2}";
}

/// <summary>
/// The ABI evidence: before the run the host fills bytes 8..127 of each async #PF data area (the 56 pad bytes
/// and the 64 bytes where pre-6.9 guests kept <c>enabled</c>) with a canary; KVM may write only bytes 0-7, so
/// after the run every canary byte must be intact. Bytes outside plain RAM, inside the guest's own tables,
/// code, variables or stacks, or in bytes 0-7 of another area are left out.
/// </summary>
public sealed class AbiCanary
{
    public const byte Value = 0xa5;
    public const int FirstOffset = KvmVcpuPvApfData.PadOffset;
    public const int EndOffset = 2 * KvmVcpuPvApfData.Size;

    private AbiCanary(IReadOnlyList<ulong> areas, IReadOnlyList<(ulong Gpa, ulong Area)> bytes)
    {
        Areas = areas;
        Bytes = bytes;
    }

    public IReadOnlyList<ulong> Areas { get; }

    /// <summary>The canary bytes, ascending, each with the area it belongs to.</summary>
    public IReadOnlyList<(ulong Gpa, ulong Area)> Bytes { get; }

    /// <param name="areas">Data area GPAs (64-byte aligned).</param>
    /// <param name="isPlainRam">Whether the host can read and write a guest-physical byte (ordinary RAM, not userfaultfd).</param>
    /// <param name="layout">The guest's layout, whose structures must not be overwritten.</param>
    public static AbiCanary Plan(IEnumerable<ulong> areas, Func<ulong, bool> isPlainRam, GuestLayout layout)
    {
        var distinct = areas.Distinct().Order().ToArray();
        var reserved = ReservedRanges(layout);
        var bytes = new SortedDictionary<ulong, ulong>();
        foreach (ulong area in distinct)
        {
            for (ulong gpa = area + FirstOffset; gpa < area + EndOffset; gpa++)
            {
                bool hostWritable = distinct.Any(other => gpa >= other && gpa < other + KvmVcpuPvApfData.PadOffset);
                if (hostWritable || !isPlainRam(gpa) || reserved.Any(r => gpa >= r.Start && gpa < r.End))
                    continue;
                bytes.TryAdd(gpa, area);
            }
        }
        return new AbiCanary(distinct, bytes.Select(kv => (kv.Key, kv.Value)).ToArray());
    }

    public void Write(Action<ulong, byte> write)
    {
        foreach (var (gpa, _) in Bytes)
            write(gpa, Value);
    }

    public IReadOnlyList<ChangedByte> Changed(Func<ulong, byte> read) =>
        Bytes.Select(b => new ChangedByte(b.Gpa, b.Area, read(b.Gpa))).Where(c => c.Value != Value).ToArray();

    /// <summary>What the canary covers, for the check's expected text.</summary>
    public string Describe() => Bytes.Count == 0
        ? "no canary bytes (no area in plain RAM)"
        : $"{Bytes.Count} canary bytes 0x{Value:x2} in bytes {FirstOffset}-{EndOffset - 1} of area(s) {string.Join(", ", Areas.Select(a => $"0x{a:x}"))}";

    private static (ulong Start, ulong End)[] ReservedRanges(GuestLayout layout)
    {
        const ulong page = 4096, stack = 0x1_0000;
        ulong[] pages = [layout.Gdt, layout.Pml4, layout.Pdpt, layout.PageDirectory, layout.Tss, layout.Idt, layout.DataPage];
        return
        [
            .. pages.Select(p => (p, p + page)),
            (layout.Code, layout.CodeLimit),
            (layout.KernelStackTop - stack, layout.KernelStackTop),
            (layout.UserStackTop - stack, layout.UserStackTop),
        ];
    }
}
