using Vmspec.Abi.Kvm;
using Vmspec.Abi.KvmPara;
using Vmspec.Runtime.Building;
using Vmspec.Runtime.Cpuid;
using Vmspec.Runtime.Devices;
using Vmspec.Runtime.Guests;
using Vmspec.Runtime.Host;
using Vmspec.Runtime.Kvm;
using Vmspec.Runtime.Memory;
using Vmspec.Runtime.Running;
using Vmspec.Runtime.Tests.Support;
using Vmspec.Runtime.X86;
using Vmspec.TestSupport;
using static Iced.Intel.AssemblerRegisters;

namespace Vmspec.Runtime.Tests.Running;

/// <summary>Guests on real /dev/kvm (skipped with the probe's reason where KVM is unavailable).</summary>
public sealed class KvmGuestTests
{
    private static readonly GuestLayout Layout = GuestLayout.Default;

    private static RunResult Run(GuestProgram program, Func<VmConfig, VmConfig>? configure = null, Action<Vm, RunResult>? after = null,
        Action<Vm>? before = null)
    {
        KvmRequirement.RequireKvm();
        var config = new VmConfig { Program = program, Layout = Layout, Timeout = TimeSpan.FromSeconds(20) };
        using Vm vm = VmBuilder.Build(configure?.Invoke(config) ?? config);
        before?.Invoke(vm);
        RunResult result = vm.Run();
        after?.Invoke(vm, result);
        return result;
    }

    [Fact]
    public void Guest_sees_exactly_the_CPUID_set_including_edited_PV_feature_bits()
    {
        HostReport host = KvmRequirement.RequireKvm();
        CpuidEdit[] edits = [CpuidEdit.ClearPvFeature(KvmPvFeature.AsyncPfInt), CpuidEdit.SetPvFeature(KvmPvFeature.MmuOp)];
        uint[] leaves = [0, KvmPvFeatures.SignatureLeaf, KvmPvFeatures.Leaf, 1];
        var g = new GuestProgramBuilder(Layout);
        for (uint i = 0; i < leaves.Length; i++)
        {
            g.Cpuid(leaves[i]);
            g.ReportRegister(i * 4 + 0, rax).Asm.mov(rax, rbx);
            g.ReportRegister(i * 4 + 1, rax);
            g.ReportRegister(i * 4 + 2, rcx);
            g.ReportRegister(i * 4 + 3, rdx);
        }
        CpuidTable? given = null;

        RunResult result = Run(g.Done().Build(), c => c with { CpuidEdits = edits }, (vm, _) => given = vm.Cpuid);

        Assert.True(result.Succeeded, result.Format());
        var seen = result.Reports.ToDictionary(r => r.Kind, r => (uint)r.Value);
        for (uint i = 0; i < leaves.Length; i++)
        {
            KvmCpuidEntry2 e = given!.Find(leaves[i])!.Value;
            uint ecxMask = leaves[i] == 1 ? ~(1u << 27) : ~0u; // OSXSAVE mirrors CR4, which the guest leaves clear
            if (leaves[i] == 1 && host.Flavour == KvmFlavour.KvmPvm)
            {
                // kvm_pvm: leaf 1's ECX/EDX are the host CPU's, not KVM_SET_CPUID2's (measured: ECX 0xF7FA3203 where
                // 0x81200000 was set); its family/model (EAX) and APIC id/CLFLUSH (EBX) are still the table's.
                Assert.Equal([e.Eax, e.Ebx], [seen[i * 4], seen[i * 4 + 1]]);
                continue;
            }
            Assert.Equal([e.Eax, e.Ebx, e.Ecx & ecxMask, e.Edx], [seen[i * 4], seen[i * 4 + 1], seen[i * 4 + 2] & ecxMask, seen[i * 4 + 3]]);
        }
        uint pv = seen[2 * 4];
        Assert.Equal(0u, pv & KvmPvFeatures.Mask(KvmPvFeature.AsyncPfInt));
        Assert.NotEqual(0u, pv & KvmPvFeatures.Mask(KvmPvFeature.MmuOp));
        Assert.NotEqual(0u, seen[3 * 4 + 2] & CpuidTable.X2ApicEcxBit);
    }

    [Fact]
    public void MSR_written_by_the_guest_reads_back_in_the_guest_and_through_KVM_GET_MSRS()
    {
        GuestProgram program = new GuestProgramBuilder(Layout)
            .WrmsrSafe(KvmPvMsrs.AsyncPfInt, 0xec).AssertNoFault("WRMSR ASYNC_PF_INT faulted")
            .RdmsrSafe(KvmPvMsrs.AsyncPfInt).AssertNoFault("RDMSR ASYNC_PF_INT faulted")
            .ReportRegister(1, rax)
            .Done()
            .Build();
        ulong[] host = [];

        RunResult result = Run(program, after: (vm, _) => host = vm.GetMsrs(KvmPvMsrs.AsyncPfInt));

        Assert.True(result.Succeeded, result.Format());
        Assert.Equal(0xecUL, result.Reports.Single(r => r.Kind == 1).Value);
        Assert.Equal([0xecUL], host);
    }

    [Fact]
    public void A_refused_wrmsr_is_reported_as_a_recovered_gp_and_the_guest_continues()
    {
        GuestProgram program = new GuestProgramBuilder(Layout)
            .WrmsrSafe(KvmPvMsrs.AsyncPfInt, 0xec)
            .AssertFaulted(ExceptionNames.GeneralProtection, "WRMSR of a hidden PV MSR did not #GP")
            .Report(2, 0x600d)
            .Done()
            .Build();

        RunResult result = Run(program, c => c with
        {
            EnforcePvFeatureCpuid = true,
            CpuidEdits = [CpuidEdit.ClearPvFeature(KvmPvFeature.AsyncPfInt)],
        });

        Assert.True(result.Succeeded, result.Format());
        var gp = Assert.Single(result.Events.OfType<GuestException>());
        Assert.Equal(ExceptionNames.GeneralProtection, gp.Vector);
        Assert.True(gp.Recovered);
        Assert.Equal(program.Fixups[0].FaultRip, gp.Rip);
        Assert.Contains(new GuestReport(2, 0x600d), result.Events);
    }

    [Fact]
    public void A_triple_fault_ends_in_a_shutdown_verdict_with_the_faulting_registers_or_why_KVM_has_none()
    {
        HostReport host = KvmRequirement.RequireKvm();
        var g = new GuestProgramBuilder(Layout);
        g.Asm.push(0);
        g.Asm.push(0);
        g.Asm.lidt(__[rsp]); // limit 0: no IDT, so the #UD escalates to a triple fault
        g.Asm.ud2();

        RunResult result = Run(g.Done().Build());

        Assert.Equal(RunVerdict.Shutdown, result.Verdict);
        if (host.Flavour == KvmFlavour.KvmAmd)
        {
            // kvm_amd INITs the vCPU on the SHUTDOWN intercept: KVM returns reset state, which must not pass for the guest's.
            Assert.Null(result.Snapshot);
            Assert.NotNull(result.SnapshotUnavailable);
            Assert.Contains("kvm_amd's SHUTDOWN intercept reinitialises the VMCB", result.SnapshotUnavailable);
            Assert.Contains("RIP 0xfff0", result.SnapshotUnavailable); // what KVM actually returned, quoted
            Assert.Contains("registers unavailable: kvm_amd's SHUTDOWN intercept", result.Format());
            Assert.DoesNotContain("RIP=", result.Format());
        }
        else
        {
            Assert.Null(result.SnapshotUnavailable);
            Assert.NotNull(result.Snapshot);
            Assert.Contains(result.Snapshot!.Disassembly, line => line.Contains("ud2"));
        }
    }

    private const ulong SlotGpa = 0x40_0000;

    private static VmConfig WithUserfaultSlot(VmConfig config) => config with
    {
        UserfaultSlot = new UserfaultSlotConfig(1, SlotGpa, 0x2000, (index, page) => page.Fill((byte)(0xc0 + index)), TimeSpan.Zero),
    };

    /// <summary>Reads the first byte of each of the slot's two pages (IF=0, so KVM resolves them synchronously) and reports them as 1 and 2.</summary>
    private static GuestProgramBuilder TouchBothPages(GuestProgramBuilder g)
    {
        g.Asm.mov(rbx, SlotGpa);
        g.Asm.movzx(eax, __byte_ptr[rbx]);
        g.ReportRegister(1, rax);
        g.Asm.movzx(eax, __byte_ptr[rbx + 0x1000]);
        return g.ReportRegister(2, rax);
    }

    [Fact]
    public void A_page_release_carries_KVMs_view_of_IF_and_lets_the_held_page_through()
    {
        var g = new GuestProgramBuilder(Layout);
        g.Sti();
        g.Asm.mov(eax, 0);
        g.ReleaseUserfaultPage(eax); // IF=1
        g.Cli();
        g.Asm.mov(ecx, 1);
        g.ReleaseUserfaultPage(ecx); // IF=0
        IReadOnlyList<UserfaultEvent> faults = [];

        RunResult result = Run(TouchBothPages(g).Done().Build(), WithUserfaultSlot,
            before: vm => vm.UserfaultSlot!.HoldUntilReleased(TimeSpan.FromSeconds(15)),
            after: (vm, _) => faults = vm.UserfaultSlot!.Events);

        Assert.True(result.Succeeded, result.Format());
        Assert.Equal([new GuestPageRelease(0, true), new GuestPageRelease(1, false)], result.Events.OfType<GuestPageRelease>());
        Assert.Equal([0xc0UL, 0xc1UL], result.Reports.Select(r => r.Value));
        Assert.Equal([UserfaultResolution.Released, UserfaultResolution.Released], faults.Select(f => f.Resolution));
    }

    [Fact]
    public void A_page_the_guest_never_releases_is_resolved_when_the_hold_bound_runs_out_and_the_run_completes()
    {
        var bound = TimeSpan.FromMilliseconds(500);
        IReadOnlyList<UserfaultEvent> faults = [];

        RunResult result = Run(TouchBothPages(new GuestProgramBuilder(Layout)).Done().Build(), WithUserfaultSlot,
            before: vm => vm.UserfaultSlot!.HoldUntilReleased(bound),
            after: (vm, _) => faults = vm.UserfaultSlot!.Events);

        Assert.True(result.Succeeded, result.Format());
        Assert.Equal([0xc0UL, 0xc1UL], result.Reports.Select(r => r.Value));
        Assert.Equal([UserfaultResolution.HoldExpired, UserfaultResolution.HoldAbandoned], faults.Select(f => f.Resolution));
        Assert.True(faults[0].Resolved - faults[0].Received >= bound, $"held {(faults[0].Resolved - faults[0].Received).TotalMilliseconds} ms");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_release_of_a_page_outside_the_slot_or_without_a_slot_ends_the_run_as_a_protocol_violation(bool withSlot)
    {
        var g = new GuestProgramBuilder(Layout);
        g.Asm.mov(eax, 7);
        g.ReleaseUserfaultPage(eax);

        RunResult result = Run(g.Done().Build(), withSlot ? WithUserfaultSlot : null);

        Assert.Equal(RunVerdict.UnexpectedExit, result.Verdict);
        Assert.Contains(withSlot ? "release of page 7, but the userfaultfd slot has 2 page(s)" : "but the VM has no userfaultfd slot", result.Detail);
        Assert.IsType<ReportProtocolViolation>(result.Events[^1]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_endless_loop_ends_in_a_timeout_verdict_within_the_timeout(bool userMode)
    {
        var g = new GuestProgramBuilder(Layout);
        if (userMode) g.EnterUser(rflagsIf: false);
        var loop = g.Asm.CreateLabel();
        g.Asm.Label(ref loop);
        g.Asm.jmp(loop);
        var timeout = TimeSpan.FromMilliseconds(300);

        RunResult result = Run(g.Build(), c => c with { Timeout = timeout });

        Assert.Equal(RunVerdict.Timeout, result.Verdict);
        Assert.InRange(result.Elapsed, timeout, timeout + TimeSpan.FromSeconds(2));
        Assert.Contains(result.Snapshot!.Disassembly, line => line.Contains("jmp"));
        Assert.Equal(userMode ? 3 : 0, result.Snapshot.Cpl);
    }

    [Fact]
    public void A_failed_guest_assert_carries_its_message()
    {
        GuestProgram program = new GuestProgramBuilder(Layout).Cpuid(0).AssertEqual(rax, 0xffff_ffff, "max leaf is not 0xffffffff").Done().Build();

        RunResult result = Run(program);

        Assert.Equal(RunVerdict.GuestAssertFailed, result.Verdict);
        Assert.Contains("max leaf is not 0xffffffff", result.Detail);
        Assert.NotEmpty(result.Snapshot!.Disassembly);
    }
}
