using Vmspec.Lab.Running;

namespace Vmspec.Lab.Tests.Running;

public sealed class LabStatusAndConsoleTests
{
    [Fact]
    public void Status_lines_give_release_readiness_and_exit_code_and_nothing_defaults_to_zero()
    {
        var status = new StatusChannel();
        Assert.Null(status.ExitCode);
        status.Accept("release 6.12.117+deb12-amd64", TimeSpan.FromSeconds(1));
        status.Accept("ready", TimeSpan.FromSeconds(5));
        status.Accept("exit 3", TimeSpan.FromSeconds(6));
        Assert.Equal(("6.12.117+deb12-amd64", TimeSpan.FromSeconds(5), 3, (string?)null), (status.Release, status.ReadyAt, status.ExitCode, status.Error));
        status.Accept("garbage", TimeSpan.Zero);
        Assert.Equal("unexpected status line \"garbage\"", status.Error);
    }

    [Fact]
    public void A_beat_is_only_a_sign_of_life()
    {
        var status = new StatusChannel();
        Assert.Null(status.LastHeardAt);

        status.Accept("release 6.1.0-56-amd64", TimeSpan.FromSeconds(1));
        status.Accept("beat", TimeSpan.FromSeconds(6));

        Assert.Equal(TimeSpan.FromSeconds(6), status.LastHeardAt);
        Assert.Equal(("6.1.0-56-amd64", (TimeSpan?)null, (int?)null, (string?)null), (status.Release, status.ReadyAt, status.ExitCode, status.Error));
    }

    [Fact]
    public void A_panic_or_oops_on_the_console_is_found()
    {
        Assert.Equal("[    4.1] Kernel panic - not syncing: Attempted to kill init!",
            ConsoleLog.FindCrash(["[    1.0] ok", "[    4.1] Kernel panic - not syncing: Attempted to kill init!"]));
        Assert.NotNull(ConsoleLog.FindCrash(["[    2.0] Oops: general protection fault, probably for non-canonical address"]));
        Assert.Null(ConsoleLog.FindCrash(["[    1.0] kvm_amd: Nested Virtualization enabled"]));
    }

    [Fact]
    public void The_console_excerpt_starts_at_the_crash_or_else_is_the_tail()
    {
        string[] lines = ["a", "b", "BUG: kernel NULL pointer dereference", "c", "d"];
        Assert.Equal(["BUG: kernel NULL pointer dereference", "c"], ConsoleLog.Excerpt(lines, 2));
        Assert.Equal(["c", "d"], ConsoleLog.Excerpt(["a", "b", "c", "d"], 2));
    }

    [Fact]
    public void Lab_failures_have_their_own_exit_codes()
    {
        LabResult Of(LabOutcome outcome, int? code) => new(outcome, code, null, null, "tcg", "7.2", null, TimeSpan.Zero, []);
        Assert.Equal([0, 7, 124, 125, 130],
            [Of(LabOutcome.Exited, 0).ExitCode, Of(LabOutcome.Exited, 7).ExitCode, Of(LabOutcome.TimedOut, null).ExitCode,
             Of(LabOutcome.Failed, null).ExitCode, Of(LabOutcome.Cancelled, null).ExitCode]);
    }
}
