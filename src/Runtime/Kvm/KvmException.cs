using System.Runtime.InteropServices;

namespace Vmspec.Runtime.Kvm;

/// <summary>A failed system call or ioctl, named, with its errno.</summary>
public sealed class KvmException : Exception
{
    public KvmException(string operation, int errno)
        : base($"{operation} failed: {ErrnoNames.Name(errno)} ({Marshal.GetPInvokeErrorMessage(errno)})")
    {
        Operation = operation;
        Errno = errno;
    }

    public KvmException(string operation, string detail)
        : base($"{operation} failed: {detail}")
    {
        Operation = operation;
    }

    public string Operation { get; }

    /// <summary>The errno, or 0 when the failure was not an errno (e.g. a short read).</summary>
    public int Errno { get; }
}
