using System.Buffers.Binary;
using Vmspec.Runtime.AsyncPf.Evidence;
using Vmspec.Runtime.AsyncPf.Programs;
using Vmspec.Runtime.Devices;
using Vmspec.Runtime.AsyncPf.Guests;
using Vmspec.Runtime.AsyncPf.Verification;
using Vmspec.Runtime.Memory;
using Vmspec.Runtime.Running;

namespace Vmspec.Runtime.AsyncPf.Tests.Verification;

/// <summary>The host-side judgement of a Linux boot, on observations built by hand (the lab runs the real ones).</summary>
public sealed class LinuxChecksTests
{
    private const ulong Gpa = 0x1F42_0000;
    private const ulong En = Gpa | 0x9; // enabled | delivery-as-int

    private static byte[] Area(uint at64 = 0, byte pad = 0)
    {
        var area = new byte[LinuxBoot.AreaBytes];
        area.AsSpan(8, 56).Fill(pad);
        BinaryPrimitives.WriteUInt32LittleEndian(area.AsSpan(64), at64);
        return area;
    }

    private static LinuxBootObservation Observation(RunResult? run = null, byte[]? before = null, byte[]? after = null,
        KvmTraceRecord? trace = null, string console = "", IReadOnlyList<UnclaimedAccess>? io = null, ulong? mismatches = 0,
        string? resolverFailure = null) =>
        new(run ?? Completed(mismatches),
            En, 0xf3, 0x2000_0000, before ?? Area(), after ?? Area(),
            new WorkloadEvicted(4, 4, [0x1000, 0x2000, 0x3000, 0x4000], TimeSpan.FromMilliseconds(3), null),
            [new RestoredPage(1, 7, TimeSpan.Zero, TimeSpan.FromMilliseconds(1)), new RestoredPage(2, 7, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(2))],
            resolverFailure, trace, trace is null ? "no tracefs" : null, console, io ?? []);

    private static RunResult Completed(ulong? mismatches) =>
        new(RunVerdict.Completed, "done with status 0",
            [.. mismatches is { } m ? new GuestEvent[] { new GuestReport(GuestReports.WorkloadMismatches, m) } : [], new GuestDone(0)],
            null, TimeSpan.FromSeconds(20), 12345);

    private static KvmTraceRecord Trace(ulong[] notPresent, ulong[] ready, int acks) =>
        new(new Dictionary<string, int> { ["kvm_msr"] = acks }, notPresent, ready);

    [Fact]
    public void A_failed_boot_shows_the_console_tail_the_reports_and_the_unemulated_IO()
    {
        var run = new RunResult(RunVerdict.Timeout, "no verdict within 300000 ms", [new GuestReport(GuestReports.InitStarted, 0)], null, TimeSpan.FromMinutes(5), 9);
        var io = new List<UnclaimedAccess> { new("port", 0x1234, null, 3, 0, "1-byte read"), new("port", 0x80, "POST code (io_delay)", 0, 9, "1-byte write of 0x0") };

        var boot = Assert.Single(LinuxChecks.Boot(Observation(run, console: "[    0.1] hello\n[    9.9] last words\n", io: io), 0));

        Assert.Equal(Outcome.Failed, boot.Status);
        Assert.True(boot.Required);
        Assert.Contains("[    9.9] last words", boot.Observed);
        Assert.Contains("/init's reports (kind=value): 0x60=0x0", boot.Observed);
        Assert.Contains("port 0x1234: 3 read(s)", boot.Observed);
        Assert.DoesNotContain("POST code", boot.Observed);
    }

    [Fact]
    public void EN_with_the_enabling_flags_and_INT_0xf3_pass()
    {
        var checks = LinuxChecks.AsyncPfEnabled(Observation(), expectEnabled: true).ToList();

        Assert.All(checks, c => Assert.Equal(Outcome.Passed, c.Status));
        Assert.Equal("EN = 0x1f420009 (enabled | delivery-as-int, GPA 0x1f420000)", checks[0].Observed);
    }

    [Theory]
    [InlineData("legacy-68", 1u, Outcome.Passed)]
    [InlineData("legacy-68", 0u, Outcome.Failed)]
    [InlineData("fixed-64", 0x1234u, Outcome.Passed)]
    public void The_area_is_judged_by_the_BTF_layout_the_legacy_one_needs_enabled_at_64(string btf, uint at64, Outcome expected) =>
        Assert.Equal(expected, LinuxChecks.Layout(Observation(after: Area(at64)), btf).Status);

    [Fact]
    public void A_byte_in_8_to_63_that_changed_across_the_faults_fails_the_ABI_check()
    {
        var after = Area();
        after[40] = 0x5A;

        var check = LinuxChecks.HostWritesOnlyFlagsAndToken(Observation(after: after));

        Assert.Equal(Outcome.Failed, check.Status);
        Assert.Equal("+40: 0x00 -> 0x5a", check.Observed);
    }

    [Fact]
    public void Async_PFs_pass_when_each_token_pairs_and_the_guest_ACKs_and_fail_on_an_unpaired_token()
    {
        var paired = Trace([0x1000, 0x2000], [0xffffffff, 0x1000, 0x2000], acks: 3);
        var unpaired = Trace([0x1000, 0x2000], [0x1000], acks: 1);

        var good = LinuxChecks.Workload(Observation(trace: paired), 4, takesAsyncPf: true).ToList();
        var bad = LinuxChecks.Workload(Observation(trace: unpaired), 4, takesAsyncPf: true).Last();

        Assert.All(good, c => Assert.Equal(Outcome.Passed, c.Status));
        Assert.Equal("2 page-not-present, 2 token(s) paired 1:1, 3 ACK write(s)", good[1].Observed);
        Assert.Equal(Outcome.Failed, bad.Status);
        Assert.Contains("token 0x2000: no 'page ready'", bad.Observed);
    }

    [Fact]
    public void Wrong_pages_fail_the_workload_and_a_missing_trace_skips_the_async_PF_check_as_required()
    {
        var checks = LinuxChecks.Workload(Observation(mismatches: 2), 4, takesAsyncPf: true).ToList();

        Assert.Equal(Outcome.Failed, checks[0].Status);
        Assert.Contains("2 page(s) wrong", checks[0].Observed);
        Assert.Equal((Outcome.Skipped, true, "no tracefs"), (checks[1].Status, checks[1].Required, checks[1].Observed));
    }

    [Fact]
    public void A_resolver_that_failed_fails_the_workload_with_its_error_even_when_the_guest_found_no_wrong_page()
    {
        var check = LinuxChecks.Workload(Observation(resolverFailure: "UFFDIO_COPY(0x7f0000001000): ENOMEM"), 4, takesAsyncPf: null).First();

        Assert.Equal(Outcome.Failed, check.Status);
        Assert.Contains("the userfaultfd resolver failed, later pages read as zeros: UFFDIO_COPY(0x7f0000001000): ENOMEM", check.Observed);
        Assert.Equal(Outcome.Passed, LinuxChecks.Workload(Observation(), 4, takesAsyncPf: null).First().Status);
    }
}
