using Vmspec.Plans;
using Vmspec.Runtime.AsyncPf.Cases;
using Vmspec.Runtime.AsyncPf.Programs;

namespace Vmspec.Runtime.AsyncPf.Tests.Cases;

public class CaseProgramsTests
{
    private sealed record UnregisteredGuest : GuestPlan
    {
        public override string Program => "no-such-program";
    }

    [Fact]
    public void Every_program_a_plan_can_name_has_one_unit()
    {
        string[] planNames = [.. TestPrograms.Names.Select(n => n.Key), LinuxGuestPlan.ProgramName];
        Assert.Equal(planNames.Order(), CasePrograms.All.Select(p => p.Name).Order());
        Assert.Same(MinimalProgram.Instance, CasePrograms.For(new TestGuestPlan(TestProgram.Minimal, [])));
        Assert.Same(LinuxProgram.Instance, CasePrograms.For(new LinuxGuestPlan(new FileReference("bzImage", new string('0', 64)), null, "")));
    }

    [Fact]
    public void An_unknown_program_is_an_error_never_a_default()
    {
        var e = Assert.Throws<ArgumentException>(() => CasePrograms.For(new UnregisteredGuest()));
        Assert.StartsWith("guest program 'no-such-program' is not one vmspec runs (minimal, msr-protocol, async-pf, linux)", e.Message);
    }
}
