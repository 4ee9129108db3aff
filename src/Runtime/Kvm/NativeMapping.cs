namespace Vmspec.Runtime.Kvm;

/// <summary>An mmap'ed region, unmapped exactly once on Dispose.</summary>
public sealed unsafe class NativeMapping : IDisposable
{
    private nint _address;

    private NativeMapping(nint address, ulong length)
    {
        _address = address;
        Length = length;
    }

    public ulong Length { get; }

    /// <summary>The host virtual address (for KVM_SET_USER_MEMORY_REGION and userfaultfd ranges).</summary>
    public ulong Address => (ulong)Live();

    /// <summary>Private anonymous memory, zero-filled on first touch, with no swap reservation (guest RAM).</summary>
    public static NativeMapping Anonymous(ulong length) =>
        Map(length, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS | LibC.MAP_NORESERVE, -1, "mmap(anonymous)");

    /// <summary>A shared mapping of <paramref name="fd"/> at offset 0 (the vCPU's kvm_run).</summary>
    internal static NativeMapping Shared(FileDescriptor fd, ulong length, string what) =>
        fd.Use(raw => Map(length, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, raw, what));

    private static NativeMapping Map(ulong length, int prot, int flags, int fd, string what)
    {
        if (length == 0) throw new ArgumentOutOfRangeException(nameof(length), "mapping length must be positive");
        void* p = LibC.mmap(null, (size_t)length, prot, flags, fd, 0);
        if (p == LibC.MAP_FAILED) throw new KvmException(what, LibC.errno);
        return new NativeMapping((nint)p, length);
    }

    /// <summary>A span over [offset, offset + length) of the mapping, bounds-checked.</summary>
    public Span<byte> Slice(ulong offset, int length)
    {
        if (length < 0 || offset > Length || (ulong)length > Length - offset)
            throw new ArgumentOutOfRangeException(nameof(offset), $"[0x{offset:x}, +0x{length:x}) is outside the 0x{Length:x}-byte mapping");
        return new Span<byte>((byte*)Live() + offset, length);
    }

    /// <summary>MADV_DONTNEED over [offset, offset + length): the pages are dropped; a private anonymous mapping reads them as missing again.</summary>
    public void Discard(ulong offset, ulong length)
    {
        if (offset > Length || length > Length - offset)
            throw new ArgumentOutOfRangeException(nameof(offset), $"[0x{offset:x}, +0x{length:x}) is outside the 0x{Length:x}-byte mapping");
        if (LibC.madvise((byte*)Live() + offset, (size_t)length, LibC.MADV_DONTNEED) != 0)
            throw new KvmException($"madvise(MADV_DONTNEED, +0x{offset:x}, 0x{length:x})", LibC.errno);
    }

    internal byte* Pointer => (byte*)Live();

    private nint Live() => _address != 0 ? _address : throw new ObjectDisposedException(nameof(NativeMapping));

    public void Dispose()
    {
        nint a = Interlocked.Exchange(ref _address, 0);
        if (a != 0) LibC.munmap((void*)a, (size_t)Length);
    }
}
