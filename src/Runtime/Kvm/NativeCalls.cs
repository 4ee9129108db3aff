using System.Text;

namespace Vmspec.Runtime.Kvm;

/// <summary>Thin checked wrappers over libc calls: every failure becomes a <see cref="KvmException"/>.</summary>
internal static unsafe class NativeCalls
{
    // x86_64 syscall numbers (asm/unistd_64.h); Tmds.LibC has no constants for these.
    internal const int SysGettid = 186, SysUserfaultfd = 323, SysTimerCreate = 222, SysTimerSettime = 223, SysTimerDelete = 226;

    public static FileDescriptor Open(string path, int flags)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes)
        {
            int fd = LibC.open(p, flags, 0);
            if (fd < 0) throw new KvmException($"open({path})", LibC.errno);
            return new FileDescriptor(fd);
        }
    }

    /// <summary>ioctl returning its non-negative result; errors throw naming <paramref name="name"/>.</summary>
    public static int Ioctl(FileDescriptor fd, string name, uint request, void* arg)
    {
        (int rc, int errno) = TryIoctl(fd, request, arg);
        if (rc < 0) throw new KvmException(name, errno);
        return rc;
    }

    public static int Ioctl(FileDescriptor fd, string name, uint request, int arg)
    {
        int errno = 0;
        int rc = fd.Use(raw =>
        {
            int r = LibC.ioctl(raw, unchecked((int)request), arg);
            if (r < 0) errno = LibC.errno;
            return r;
        });
        if (rc < 0) throw new KvmException(name, errno);
        return rc;
    }

    /// <summary>ioctl that reports errno instead of throwing (KVM_RUN's EINTR is not an error).</summary>
    public static (int Rc, int Errno) TryIoctl(FileDescriptor fd, uint request, void* arg)
    {
        nint a = (nint)arg;
        int errno = 0;
        int rc = fd.Use(raw =>
        {
            int r = LibC.ioctl(raw, unchecked((int)request), (void*)a);
            if (r < 0) errno = LibC.errno;
            return r;
        });
        return (rc, errno);
    }

    public static int GetThreadId() => (int)LibC.syscall(SysGettid);
}
