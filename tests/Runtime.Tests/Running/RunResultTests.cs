using Vmspec.Runtime.Kvm;
using Vmspec.Runtime.Running;

namespace Vmspec.Runtime.Tests.Running;

public sealed class RunResultTests
{
    [Fact]
    public void A_run_whose_registers_are_not_the_guests_says_why_instead_of_showing_them()
    {
        var run = new RunResult(RunVerdict.Shutdown, "KVM_EXIT_SHUTDOWN (triple fault)", [], null, TimeSpan.FromMilliseconds(3), 2,
            "kvm_amd's SHUTDOWN intercept reinitialises the VMCB, so KVM returns the vCPU's reset state (RIP 0xfff0, CS base 0xffff0000, CR0 0x60000010), not the state at the triple fault");

        Assert.Equal("Shutdown: KVM_EXIT_SHUTDOWN (triple fault)\nregisters unavailable: kvm_amd's SHUTDOWN intercept reinitialises the VMCB, "
            + "so KVM returns the vCPU's reset state (RIP 0xfff0, CS base 0xffff0000, CR0 0x60000010), not the state at the triple fault", run.Format());
    }

    [Fact]
    public void A_snapshot_is_shown_with_its_registers_and_code()
    {
        var snapshot = new FailureSnapshot(new KvmRegs { Rip = 0x1234 }, 0x80000011, 0, 0x1000, 0x20, 0x500, 0x8, ["0000000000001234  0f0b  ud2"]);
        var run = new RunResult(RunVerdict.GuestException, "unhandled #UD", [], snapshot, TimeSpan.Zero, 1);

        string text = run.Format();

        Assert.StartsWith("GuestException: unhandled #UD\nRIP=0000000000001234", text);
        Assert.EndsWith("ud2", text);
        Assert.DoesNotContain("registers unavailable", text);
    }
}
