namespace Vmspec.Runtime.Kvm;

/// <summary>
/// The signal that interrupts a thread blocked in KVM_RUN: with a native no-op handler (and no SA_RESTART) KVM_RUN
/// returns EINTR. <see cref="ThreadSignalTimer"/> sends it.
/// The handler is one `ret` byte in an executable page: a managed handler must not run in signal context.
/// </summary>
public static unsafe class VcpuKick
{
    public static readonly int Signal = LibC.SIGUSR1;

    private static readonly Lock InstallLock = new();
    private static nint _handler;

    /// <summary>Installs the no-op handler once per process; refuses to replace someone else's handler.</summary>
    public static void EnsureHandlerInstalled()
    {
        lock (InstallLock)
        {
            if (_handler != 0) return;
            nint stub = MapReturnStub();
            sigaction old = default;
            if (LibC.sigaction(Signal, null, &old) != 0) throw new KvmException("sigaction(query)", LibC.errno);
            if (old.sa_handler != null)
                throw new KvmException("sigaction(SIGUSR1)", "the signal already has a handler in this process");
            sigaction act = default;
            act.sa_handler = (void*)stub;
            act.sa_flags = 0; // no SA_RESTART: the interrupted KVM_RUN must return EINTR
            LibC.sigemptyset(&act.sa_mask);
            if (LibC.sigaction(Signal, &act, null) != 0) throw new KvmException("sigaction(SIGUSR1)", LibC.errno);
            _handler = stub;
        }
    }

    /// <summary>The calling thread's kernel id, for a <see cref="ThreadSignalTimer"/> aimed at it.</summary>
    public static int CurrentThreadId() => NativeCalls.GetThreadId();

    private static nint MapReturnStub()
    {
        const int page = 4096;
        void* p = LibC.mmap(null, page, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS, -1, 0);
        if (p == LibC.MAP_FAILED) throw new KvmException("mmap(signal stub)", LibC.errno);
        *(byte*)p = 0xC3; // ret
        if (LibC.mprotect(p, page, LibC.PROT_READ | LibC.PROT_EXEC) != 0)
        {
            int errno = LibC.errno;
            LibC.munmap(p, page);
            throw new KvmException("mprotect(signal stub)", errno);
        }
        return (nint)p; // lives for the process: the handler stays installed
    }
}
