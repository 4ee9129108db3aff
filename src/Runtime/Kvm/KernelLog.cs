using System.Text;

namespace Vmspec.Runtime.Kvm;

/// <summary>Reads the kernel log (/dev/kmsg records "prio,seq,usec,flags;message") to quote why a KVM module did not bind.</summary>
public static unsafe class KernelLog
{
    public const string DevicePath = "/dev/kmsg";
    private const int MaxReads = 100_000;

    /// <summary>The log's messages, oldest first; empty when the log cannot be read (e.g. dmesg_restrict without root).</summary>
    public static IReadOnlyList<string> ReadMessages(string path = DevicePath)
    {
        FileDescriptor fd;
        try
        {
            fd = NativeCalls.Open(path, LibC.O_RDONLY | LibC.O_NONBLOCK | LibC.O_CLOEXEC);
        }
        catch (KvmException)
        {
            return [];
        }
        var messages = new List<string>();
        var buffer = new byte[8192];
        using (fd)
        {
            for (int i = 0; i < MaxReads; i++)
            {
                int errno = 0;
                long n = fd.Use(raw =>
                {
                    fixed (byte* p = buffer)
                    {
                        long r = (long)LibC.read(raw, p, (size_t)buffer.Length);
                        if (r < 0) errno = LibC.errno;
                        return r;
                    }
                });
                if (n == 0) break;
                if (n < 0)
                {
                    if (errno == ErrnoNames.EPIPE) continue; // the record we were at was overwritten; the next read resumes
                    break; // EAGAIN: end of the log
                }
                foreach (string line in Encoding.UTF8.GetString(buffer, 0, (int)n).Split('\n'))
                {
                    int semicolon = line.IndexOf(';');
                    if (semicolon > 0 && !line.StartsWith(' ')) messages.Add(line[(semicolon + 1)..]);
                }
            }
        }
        return messages;
    }
}
