namespace Vmspec.Runtime.Kvm;

/// <summary>A userfaultfd: creation (syscall, else /dev/userfaultfd), API handshake, MISSING registration, poll/read, UFFDIO_COPY.</summary>
public sealed unsafe class Userfaultfd : IDisposable
{
    public const string DevicePath = "/dev/userfaultfd";
    public const int PageSize = 4096;

    private readonly FileDescriptor _fd;

    private Userfaultfd(FileDescriptor fd) => _fd = fd;

    /// <summary>Opens a non-blocking userfaultfd with the thread-id feature and the API handshake done.</summary>
    public static Userfaultfd Create()
    {
        var uffd = new Userfaultfd(OpenFd());
        try
        {
            var api = new UffdioApi { Api = UffdIoctls.UffdApi, Features = UffdIoctls.FeatureThreadId };
            NativeCalls.Ioctl(uffd._fd, "UFFDIO_API", UffdIoctls.Api, &api);
            return uffd;
        }
        catch
        {
            uffd.Dispose();
            throw;
        }
    }

    private static FileDescriptor OpenFd()
    {
        int flags = LibC.O_CLOEXEC | LibC.O_NONBLOCK;
        int fd = (int)LibC.syscall(NativeCalls.SysUserfaultfd, flags);
        if (fd >= 0) return new FileDescriptor(fd);
        int syscallErrno = LibC.errno;
        // vm.unprivileged_userfaultfd=0 refuses the syscall; the device (Linux >= 6.1) is the sanctioned alternative.
        FileDescriptor device;
        try
        {
            device = NativeCalls.Open(DevicePath, LibC.O_RDWR | LibC.O_CLOEXEC);
        }
        catch (KvmException e)
        {
            throw new KvmException("userfaultfd", $"syscall: {ErrnoNames.Name(syscallErrno)}; {e.Message}");
        }
        using (device)
            return new FileDescriptor(NativeCalls.Ioctl(device, "USERFAULTFD_IOC_NEW", UffdIoctls.DeviceNew, flags));
    }

    /// <summary>UFFDIO_REGISTER in MISSING mode for [start, start + length).</summary>
    public void RegisterMissing(ulong start, ulong length)
    {
        var reg = new UffdioRegister { Range = new UffdioRange { Start = start, Len = length }, Mode = UffdIoctls.RegisterModeMissing };
        NativeCalls.Ioctl(_fd, "UFFDIO_REGISTER", UffdIoctls.Register, &reg);
    }

    /// <summary>Waits up to <paramref name="timeoutMs"/> for an event; true when one is readable.</summary>
    public bool Poll(int timeoutMs) => _fd.Use(raw =>
    {
        var p = new pollfd { fd = raw, events = LibC.POLLIN };
        int rc = LibC.poll(&p, 1, timeoutMs);
        if (rc < 0 && LibC.errno != ErrnoNames.EINTR) throw new KvmException("poll(userfaultfd)", LibC.errno);
        return rc > 0;
    });

    /// <summary>Reads one uffd_msg; false when none is pending.</summary>
    public bool TryRead(out UffdMsg message)
    {
        UffdMsg m = default;
        nint buffer = (nint)(&m);
        long n = _fd.Use(raw => (long)LibC.read(raw, (void*)buffer, (size_t)sizeof(UffdMsg)));
        message = m;
        if (n == sizeof(UffdMsg)) return true;
        if (n < 0)
        {
            int errno = LibC.errno;
            if (errno is ErrnoNames.EAGAIN or ErrnoNames.EINTR) return false;
            throw new KvmException("read(userfaultfd)", errno);
        }
        throw new KvmException("read(userfaultfd)", $"short read of {n} bytes");
    }

    /// <summary>UFFDIO_COPY of one page from <paramref name="page"/> to the faulting host address <paramref name="destination"/>.</summary>
    public void CopyPage(ulong destination, ReadOnlySpan<byte> page)
    {
        if (page.Length != PageSize) throw new ArgumentException($"a page is {PageSize} bytes, got {page.Length}", nameof(page));
        fixed (byte* src = page)
        {
            var copy = new UffdioCopy { Dst = destination, Src = (ulong)src, Len = PageSize };
            (int rc, int errno) = NativeCalls.TryIoctl(_fd, UffdIoctls.Copy, &copy);
            // EEXIST: the page was populated meanwhile (e.g. a racing fault); the guest sees it either way.
            if (rc < 0 && errno != ErrnoNames.EEXIST) throw new KvmException($"UFFDIO_COPY(0x{destination:x})", errno);
        }
    }

    public void Dispose() => _fd.Dispose();
}
