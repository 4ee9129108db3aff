using System.Runtime.InteropServices;

namespace Vmspec.Runtime.Kvm;

/// <summary>An owned Linux file descriptor, closed exactly once.</summary>
public sealed class FileDescriptor : SafeHandle
{
    public FileDescriptor(int fd) : base(-1, ownsHandle: true) => SetHandle(fd);

    public override bool IsInvalid => handle == -1;

    protected override bool ReleaseHandle() => LibC.close((int)handle) == 0;

    /// <summary>Runs <paramref name="call"/> with the raw fd while holding a reference, so a concurrent Dispose cannot close it underneath.</summary>
    internal T Use<T>(Func<int, T> call)
    {
        bool added = false;
        DangerousAddRef(ref added);
        try
        {
            return call((int)handle);
        }
        finally
        {
            if (added) DangerousRelease();
        }
    }
}
