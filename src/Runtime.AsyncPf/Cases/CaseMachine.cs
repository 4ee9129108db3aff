using Vmspec.Runtime.AsyncPf.Programs;

namespace Vmspec.Runtime.AsyncPf.Cases;

/// <summary>
/// The machine a case runs on, decided before any KVM call: slot 0 of the case's RAM size, the program's guest and
/// userfaultfd region, the data areas whose canary proves the 64-byte ABI, and the RAM the oracle counts as
/// writable memslots.
/// </summary>
public sealed record CaseMachine(
    GuestLayout Layout,
    GuestProgram Program,
    UserfaultRegion? Userfault,
    IReadOnlyList<GuestRam> Ram,
    AbiCanary Canary)
{
    public const uint UserfaultSlotId = 1;

    /// <exception cref="ArgumentException">The plan cannot be run (names the field).</exception>
    public static CaseMachine Plan(VmPlan plan, GeneratedProgram program)
    {
        ulong ram = plan.Machine.MemoryBytes;
        var layout = GuestLayout.Default with { RamSize = ram };
        if (ram % 4096 != 0 || ram < layout.UserStackTop || ram > layout.IdentityMapSize)
            throw new ArgumentException($"machine.memory 0x{ram:x}: must be a multiple of 4 KiB from 0x{layout.UserStackTop:x} (the user stack) to 0x{layout.IdentityMapSize:x} (the identity map)");

        var setup = program.Build(plan, layout);
        List<GuestRam> writable = [new GuestRam(0, ram)];
        if (setup.Userfault is { } region)
            writable.Add(new GuestRam(region.Base, region.Size));
        var canary = AbiCanary.Plan(setup.DataAreas, gpa => gpa < ram, layout);
        return new CaseMachine(layout, setup.Program, setup.Userfault, writable, canary);
    }

    public VmConfig ToConfig(VmPlan plan) => new()
    {
        Program = Program,
        Layout = Layout,
        UserfaultSlot = Userfault is { } region
            ? new UserfaultSlotConfig(UserfaultSlotId, region.Base, region.Size, PagePattern.Fill, region.ResolveDelay)
            : null,
        CpuidEdits = CaseCpuid.Edits(plan.Cpuid),
        EnforcePvFeatureCpuid = plan.Machine.EnforcePvFeatureCpuid,
        Timeout = plan.Timeout,
        InitializeMemory = memory => Canary.Write((gpa, value) => memory.Span(gpa, 1)[0] = value),
    };
}
