namespace Vmspec.Runtime.Memory;

/// <summary>The resolver threads' loop: poll the userfaultfd, hand each page fault (page-aligned host address, faulting thread) on, until stopped.</summary>
internal static class UserfaultLoop
{
    private const int PollMilliseconds = 20;

    /// <summary>
    /// Serves faults until <paramref name="stop"/> is set; returns null then, or the exception that ended the loop. After a
    /// failure nobody resolves a fault any more, so the uffd is closed: that wakes every waiter (a vCPU in a synchronous
    /// fault waits killably, so no signal would) and the unregistered range then faults in zero pages.
    /// </summary>
    public static Exception? Serve(Userfaultfd uffd, ManualResetEventSlim stop, Action<ulong, int> onPageFault)
    {
        try
        {
            while (!stop.IsSet)
            {
                if (!uffd.Poll(PollMilliseconds)) continue;
                while (!stop.IsSet && uffd.TryRead(out UffdMsg message))
                {
                    if (message.Event == UffdIoctls.EventPagefault)
                        onPageFault(message.PagefaultAddress & ~(ulong)(Userfaultfd.PageSize - 1), (int)message.PagefaultPtid);
                }
            }
            return null;
        }
        catch (Exception e)
        {
            uffd.Dispose();
            return e;
        }
    }
}
