namespace Vmspec.Runtime.Kvm;

/// <summary>Symbolic names for the errno values KVM and userfaultfd return (x86_64 Linux).</summary>
public static class ErrnoNames
{
    public const int EPERM = 1, ENOENT = 2, EINTR = 4, EIO = 5, E2BIG = 7, EBADF = 9, EAGAIN = 11,
        ENOMEM = 12, EACCES = 13, EFAULT = 14, EBUSY = 16, EEXIST = 17, ENODEV = 19, EINVAL = 22,
        ENOTTY = 25, ENOSPC = 28, EPIPE = 32, ENOSYS = 38, EOPNOTSUPP = 95;

    public static string Name(int errno) => errno switch
    {
        EPERM => "EPERM",
        ENOENT => "ENOENT",
        EINTR => "EINTR",
        EIO => "EIO",
        E2BIG => "E2BIG",
        EBADF => "EBADF",
        EAGAIN => "EAGAIN",
        ENOMEM => "ENOMEM",
        EACCES => "EACCES",
        EFAULT => "EFAULT",
        EBUSY => "EBUSY",
        EEXIST => "EEXIST",
        ENODEV => "ENODEV",
        EINVAL => "EINVAL",
        ENOTTY => "ENOTTY",
        ENOSPC => "ENOSPC",
        EPIPE => "EPIPE",
        ENOSYS => "ENOSYS",
        EOPNOTSUPP => "EOPNOTSUPP",
        _ => $"errno {errno}",
    };
}
