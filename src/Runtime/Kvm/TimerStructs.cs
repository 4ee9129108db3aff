using System.Runtime.InteropServices;

namespace Vmspec.Runtime.Kvm;

/// <summary>struct sigevent (64 bytes on x86_64) as timer_create reads it for SIGEV_THREAD_ID.</summary>
[StructLayout(LayoutKind.Explicit, Size = 64)]
internal struct SigEvent
{
    /// <summary>Notify one thread (sigev_notify_thread_id) instead of the process.</summary>
    public const int NotifyThreadId = 4;

    [FieldOffset(0)] public ulong Value;
    [FieldOffset(8)] public int Signo;
    [FieldOffset(12)] public int Notify;
    [FieldOffset(16)] public int ThreadId;
}

[StructLayout(LayoutKind.Sequential)]
internal struct Timespec
{
    public long Seconds;
    public long Nanoseconds;

    public static Timespec From(TimeSpan span) =>
        new() { Seconds = span.Ticks / TimeSpan.TicksPerSecond, Nanoseconds = span.Ticks % TimeSpan.TicksPerSecond * 100 };
}

/// <summary>struct itimerspec: the first expiry (it_value) and the period after it (it_interval).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ITimerSpec
{
    public Timespec Interval;
    public Timespec Value;
}
