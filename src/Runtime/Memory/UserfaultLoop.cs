namespace Vmspec.Runtime.Memory;

/// <summary>The resolver threads' loop: poll the userfaultfd, hand each page fault (page-aligned host address, faulting thread) on, until stopped.</summary>
internal static class UserfaultLoop
{
    private const int PollMilliseconds = 20;

    public static void Serve(Userfaultfd uffd, ManualResetEventSlim stop, Action<ulong, int> onPageFault)
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
    }
}
