using Vmspec.Abi.KvmPara;
using Vmspec.Plans;
using Vmspec.Runtime.AsyncPf.Oracle;

namespace Vmspec.Runtime.AsyncPf.Tests.Oracle;

/// <summary>The oracle's page-ready state machine: done list, slot, IRR and the guest's handler, driven by accesses and waits.</summary>
public class PageReadyQueueTests
{
    private const ulong AreaA = 0x6009;
    private const ulong AreaB = 0x6409;
    private const uint AllAsyncPf = (1u << 4) | (1u << 10) | (1u << 14);
    private const uint X2ApicIrr = 0x820;

    private static EnableProtocolOracle Oracle() => new(new OracleHost(AllAsyncPf, Enforced: true, InKernelLapic: true, [new GuestRam(0, 8 << 20)]));

    private static void Do(EnableProtocolOracle oracle, params MsrAccess[] accesses)
    {
        foreach (var access in accesses)
            Assert.False(oracle.Predict(access).GeneralProtection, $"{access} is accepted");
    }

    private static MsrAccess Int(ulong vector) => MsrAccess.Write(KvmPvMsrs.AsyncPfInt, vector);

    private static MsrAccess En(ulong value) => MsrAccess.Write(KvmPvMsrs.AsyncPfEn, value);

    private static MsrAccess Ack(ulong value) => MsrAccess.Write(KvmPvMsrs.AsyncPfAck, value);

    private static ulong? Irr(EnableProtocolOracle oracle, int word) => oracle.Predict(MsrAccess.Read(X2ApicIrr + (uint)word)).ReadValue;

    private static string Taken(WaitPrediction wait) => string.Join(", ", wait.Interrupts);

    [Fact]
    public void INT_never_written_raises_vector_0_which_stays_in_the_IRR_and_keeps_the_slot_busy()
    {
        var oracle = Oracle();
        Do(oracle, En(AreaA));
        Assert.Equal(0x1UL, Irr(oracle, 0));
        var wait = oracle.Wait();
        Assert.False(wait.PageReady);
        Assert.Empty(wait.Interrupts);
        Assert.Contains(HostRules.VectorBelowSixteenNeverInjected, wait.Because);
        Assert.Equal(KvmVcpuPvApfData.WakeupAllToken, oracle.SlotToken);

        // The next wakeup-all waits for the slot; neither a valid vector nor an ACK frees it.
        Do(oracle, En(AreaA), Int(0xec), Ack(1));
        wait = oracle.Wait();
        Assert.False(wait.PageReady);
        Assert.Contains(HostRules.PageReadyWaitsForFreeSlot, wait.Because);
        Assert.Equal(0x1UL, Irr(oracle, 0));
        Assert.Equal(0x0UL, Irr(oracle, 7));
        Assert.Equal(0, oracle.WakeupAllsTaken);
    }

    [Theory]
    [InlineData(0x0fUL, false)]
    [InlineData(0x10UL, true)]
    [InlineData(0x1fUL, true)]
    [InlineData(0x20UL, true)]
    public void Only_vectors_from_16_are_injected(ulong vector, bool injected)
    {
        var oracle = Oracle();
        int word = (int)vector / 32;
        ulong bit = 1UL << (int)(vector % 32);
        Do(oracle, Int(vector), En(AreaA));
        Assert.Equal(bit, Irr(oracle, word));
        var wait = oracle.Wait();
        Assert.Equal(injected, wait.PageReady);
        Assert.Equal(injected ? $"0xffffffff on 0x{vector:x2}" : "", Taken(wait));
        Assert.Equal(injected ? 0UL : bit, Irr(oracle, word));
        Assert.Equal(injected ? 0u : KvmVcpuPvApfData.WakeupAllToken, oracle.SlotToken);
    }

    [Fact]
    public void A_second_enabling_write_queues_behind_the_busy_slot_and_follows_the_first_in_one_wait()
    {
        var oracle = Oracle();
        Do(oracle, Int(0xec));
        Assert.True(oracle.Predict(En(AreaA)).QueuesWakeupAll);
        Assert.True(oracle.Predict(En(AreaA)).QueuesWakeupAll);
        var wait = oracle.Wait();
        Assert.Equal("0xffffffff on 0xec, 0xffffffff on 0xec", Taken(wait));
        Assert.Contains(HostRules.PageReadyWaitsForFreeSlot, wait.Because);
        Assert.Equal(2, oracle.WakeupAllsTaken);
        Assert.Equal(0u, oracle.SlotToken);
    }

    [Fact]
    public void A_third_enabling_write_queues_nothing_while_one_is_queued()
    {
        var oracle = Oracle();
        Do(oracle, Int(0xec), En(AreaA), En(AreaA));
        var third = oracle.Predict(En(AreaA));
        Assert.False(third.QueuesWakeupAll);
        Assert.Contains(HostRules.WakeupAllOnlyOnEmptyQueue, third.Because);
        Assert.Equal(2, oracle.Wait().Interrupts.Count);
        Assert.True(oracle.Predict(En(AreaA)).QueuesWakeupAll);
        Assert.Single(oracle.Wait().Interrupts);
        Assert.Equal(3, oracle.WakeupAllsTaken);
    }

    [Fact]
    public void Disabling_keeps_the_wakeup_all_already_in_the_slot_and_the_IRR()
    {
        var oracle = Oracle();
        Do(oracle, Int(0xec), En(AreaA));
        Assert.Equal(1UL << (0xec - 224), Irr(oracle, 7));
        Do(oracle, En(0));
        Assert.Equal("0xffffffff on 0xec", Taken(oracle.Wait()));
        Assert.Equal(1, oracle.WakeupAllsTaken);
    }

    [Fact]
    public void Disabling_drops_the_queued_wakeup_all_so_enabling_on_a_free_area_delivers_at_once()
    {
        var oracle = Oracle();
        Do(oracle, Int(0xec), En(AreaA), En(AreaA), En(0));
        Assert.True(oracle.Predict(En(AreaB)).QueuesWakeupAll);
        var wait = oracle.Wait();
        Assert.Contains(HostRules.DisableDropsQueue, wait.Because);
        // The vector raised by wakeup-all 1 and again by 3 is one interrupt; the handler reads area B.
        Assert.Equal("0xffffffff on 0xec", Taken(wait));
        Assert.Equal(0u, oracle.SlotToken);
        Assert.Empty(oracle.Wait().Interrupts);
    }

    [Fact]
    public void ACK_without_bit_0_leaves_the_queue_and_ACK_with_it_rescans()
    {
        var oracle = Oracle();
        // 1 fills A, 2 waits behind it, the third write moves the area to free B without queueing or rescanning.
        Do(oracle, Int(0xec), En(AreaA), En(AreaA), En(AreaB), Ack(0xfffffffffffffffe));
        var withoutBit0 = oracle.Wait();
        Assert.False(withoutBit0.PageReady);
        Assert.Equal("0x0 on 0xec", Taken(withoutBit0));
        Do(oracle, Ack(0x3));
        var withBit0 = oracle.Wait();
        Assert.Equal("0xffffffff on 0xec", Taken(withBit0));
        Assert.Contains(HostRules.QueueRescans, withBit0.Because);
        Assert.Equal(1, oracle.WakeupAllsTaken);
        Assert.Equal(0u, oracle.SlotToken);
    }

    [Fact]
    public void A_page_ready_raised_by_the_handlers_ACK_on_a_low_vector_stays_pending()
    {
        var oracle = Oracle();
        Do(oracle, Int(0xec), En(AreaA), Int(5), En(AreaA));
        var wait = oracle.Wait();
        Assert.Equal("0xffffffff on 0xec", Taken(wait));
        Assert.Contains(HostRules.VectorBelowSixteenNeverInjected, wait.Because);
        Assert.Equal(1UL << 5, Irr(oracle, 0));
        Assert.Equal(KvmVcpuPvApfData.WakeupAllToken, oracle.SlotToken);
    }

    [Fact]
    public void Nothing_arrives_without_an_enabling_write_and_the_guest_has_no_slot()
    {
        var oracle = Oracle();
        Do(oracle, Int(0xec), En(0x6001));
        var wait = oracle.Wait();
        Assert.Empty(wait.Interrupts);
        Assert.Equal([HostRules.PageReadyWritesTokenAndRaisesVector], wait.Because);
        Assert.Null(oracle.SlotToken);
    }

    [Fact]
    public void An_enabling_write_whose_area_is_not_RAM_leaves_async_pf_enabled_with_nowhere_to_write()
    {
        var oracle = Oracle();
        Do(oracle, Int(0xec), En(AreaA));
        Assert.True(oracle.Predict(En(0x800009)).GeneralProtection);
        Do(oracle, Ack(1));
        // Wakeup-all 1 was in A before; the guest kept A as its area and still takes it.
        Assert.Equal("0xffffffff on 0xec", Taken(oracle.Wait()));
        Assert.True(oracle.AsyncPfEnabled);
    }
}
