using Vmspec.Runtime.AsyncPf.Oracle;
using Vmspec.Runtime.AsyncPf.Programs;
using Vmspec.Runtime.AsyncPf.Protocol;
using Vmspec.Runtime.AsyncPf.Verification;
using Vmspec.Runtime.Building;
using Vmspec.Runtime.Guests;
using Vmspec.Runtime.X86;

namespace Vmspec.Runtime.AsyncPf.Cases;

/// <summary>
/// The machine a case runs on, decided before any KVM call: slot 0 of the case's RAM size, the userfaultfd slot
/// of an async-pf workload (2 MiB-aligned, at or above 4 MiB as in the prototype), the guest program, the data
/// areas whose canary proves the 64-byte ABI, and the RAM the oracle counts as writable memslots.
/// </summary>
public sealed record CaseMachine(
    GuestLayout Layout,
    GuestProgram Program,
    ulong? UserfaultBase,
    ulong UserfaultSize,
    IReadOnlyList<GuestRam> Ram,
    AbiCanary Canary)
{
    public const uint UserfaultSlotId = 1;
    private const ulong TwoMiB = 0x20_0000;
    private const ulong PrototypeSlotBase = 0x40_0000;

    public static string ProgramName(CaseProgram program) => program switch
    {
        CaseProgram.Minimal => MinimalProgram.Name,
        CaseProgram.MsrProtocol => MsrProtocolGuest.Name,
        _ => AsyncPfGuest.Name,
    };

    /// <exception cref="ArgumentException">The definition cannot be run (names the field).</exception>
    public static CaseMachine Plan(CaseDefinition definition)
    {
        ulong ram = definition.Machine.MemoryBytes;
        var layout = GuestLayout.Default with { RamSize = ram };
        if (ram % 4096 != 0 || ram < layout.UserStackTop || ram > layout.IdentityMapSize)
            throw new ArgumentException($"machine.memory 0x{ram:x}: must be a multiple of 4 KiB from 0x{layout.UserStackTop:x} (the user stack) to 0x{layout.IdentityMapSize:x} (the identity map)");

        ulong? uffdBase = null;
        ulong uffdSize = 0;
        GuestProgram program;
        IEnumerable<ulong> areas = [];
        switch (definition.Program)
        {
            case CaseProgram.Minimal:
                program = MinimalProgram.Build(layout);
                break;
            case CaseProgram.MsrProtocol:
                program = MsrProtocolGuest.Build(layout, definition.Accesses.Select(a => a.Access).ToArray());
                areas = definition.Accesses
                    .Where(a => a.Access is { Msr: AsyncPfMsrs.Enable, Operation: MsrOperation.Write, Value: not 0 })
                    .Select(a => AsyncPfEnable.Gpa(a.Access.Value));
                break;
            default:
                var setup = definition.AsyncPf ?? throw new ArgumentException("asyncPf: the async-pf guest needs an asyncPf section");
                var workload = setup.Workload ?? throw new ArgumentException("asyncPf.workload: the async-pf guest needs a fault workload");
                uffdBase = Math.Max(PrototypeSlotBase, (ram + TwoMiB - 1) / TwoMiB * TwoMiB);
                uffdSize = (ulong)Math.Max(workload.Pages, 1) * AsyncPfGuest.PageSize;
                if (uffdBase + uffdSize > layout.IdentityMapSize)
                    throw new ArgumentException($"asyncPf.workload.pages {workload.Pages}: the slot would end beyond the identity map");
                program = AsyncPfGuest.Build(layout, setup, uffdBase.Value);
                if (setup.EnableValue != 0)
                    areas = [AsyncPfEnable.Gpa(setup.EnableValue)];
                break;
        }

        List<GuestRam> writable = [new GuestRam(0, ram)];
        if (uffdBase is { } b)
            writable.Add(new GuestRam(b, uffdSize));
        var canary = AbiCanary.Plan(areas, gpa => gpa < ram, layout);
        return new CaseMachine(layout, program, uffdBase, uffdSize, writable, canary);
    }

    public VmConfig ToConfig(CaseDefinition definition) => new()
    {
        Program = Program,
        Layout = Layout,
        UserfaultSlot = UserfaultBase is { } gpa
            ? new UserfaultSlotConfig(UserfaultSlotId, gpa, UserfaultSize, PagePattern.Fill, definition.AsyncPf!.Workload!.ResolveDelay)
            : null,
        CpuidEdits = definition.Machine.CpuidEdits,
        EnforcePvFeatureCpuid = definition.Machine.EnforcePvFeatureCpuid,
        Timeout = definition.Timeout,
        InitializeMemory = memory => Canary.Write((gpa, value) => memory.Span(gpa, 1)[0] = value),
    };
}
