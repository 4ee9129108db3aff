using Vmspec.Runtime.AsyncPf.Evidence;

namespace Vmspec.Runtime.AsyncPf.Tests.Evidence;

public class KvmTraceRecordTests
{
    [Fact]
    public void Counts_events_and_collects_tokens()
    {
        string[] trace =
        [
            "# tracer: nop",
            "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION",
            "          vmspec-4242    [001] ..... 1201.000001: kvm_async_pf_ready: token 0xffffffff gva 0",
            "          vmspec-4242    [001] ..... 1201.000100: kvm_try_async_get_page: gva = 0x400000, gfn = 0x400",
            "          vmspec-4242    [001] ..... 1201.000101: kvm_async_pf_not_present: token 0x1000 gva 0x400000",
            "     kworker/1:2-77      [001] ..... 1201.000900: kvm_async_pf_completed: gva 0x400000 address 0x7f0000400000",
            "          vmspec-4242    [001] ..... 1201.001000: kvm_async_pf_ready: token 0x1000 gva 0x400000",
            "          vmspec-4242    [001] ..... 1201.001100: kvm_async_pf_repeated_fault: gva = 0x401000, gfn = 0x401",
        ];
        var record = KvmTraceRecord.Parse(trace);
        Assert.Equal(1, record.Count("kvm_try_async_get_page"));
        Assert.Equal(1, record.Count("kvm_async_pf_not_present"));
        Assert.Equal(2, record.Count("kvm_async_pf_ready"));
        Assert.Equal(1, record.Count("kvm_async_pf_completed"));
        Assert.Equal(1, record.Count("kvm_async_pf_repeated_fault"));
        Assert.Equal([0x1000UL], record.NotPresentTokens);
        Assert.Equal([0xffffffffUL, 0x1000UL], record.ReadyTokens);
    }

    [Fact]
    public void Keeps_each_events_time_and_counts_only_ACK_writes_of_KVM_MSR()
    {
        string[] trace =
        [
            "          vmspec-4242    [001] ..... 1201.000101: kvm_async_pf_not_present: token 0x1000 gva 0x400000",
            "          vmspec-4242    [001] ..... 1201.001000: kvm_async_pf_ready: token 0x1000 gva 0x400000",
            "          vmspec-4242    [001] ..... 1201.001070: kvm_msr: msr_write 4b564d07 = 0x1",
            "          vmspec-4242    [001] ..... 1201.001080: kvm_msr: msr_write 4b564d02 = 0x6009",
            "          vmspec-4242    [001] ..... 1201.001090: kvm_msr: msr_read 4b564d07 = 0x0",
        ];
        var record = KvmTraceRecord.Parse(trace);
        Assert.Equal(1, record.Count(KvmTraceSession.MsrEvent));
        Assert.Equal(
            [new KvmTraceEvent("kvm_async_pf_not_present", 1201.000101, 0x1000), new KvmTraceEvent("kvm_async_pf_ready", 1201.001, 0x1000),
             new KvmTraceEvent(KvmTraceSession.MsrEvent, 1201.00107, null)],
            record.Timeline);
        Assert.False(record.MonotonicClock);
    }

    [Fact]
    public void Ignores_other_events_and_comments() =>
        Assert.All(KvmTraceRecord.Parse(["# kvm_async_pf_ready: token 0x1", "  x-1 [000] 1.0: kvm_exit: reason HLT"]).Counts.Values,
            count => Assert.Equal(0, count));
}
