using System.Buffers;
using System.Runtime.InteropServices;

namespace Vmspec.GuestKernels.Buffers;

/// <summary>
/// A native buffer for tens of MiB that are written once: 2 MiB aligned and advised MADV_HUGEPAGE, so the
/// first touch of its memory costs one fault per 2 MiB instead of one per 4 KiB. On a virtualised host
/// every fault is a trip to the hypervisor; with 4 KiB pages a 57 MiB vmlinux spent more time faulting
/// than decompressing. Where the advice is refused the buffer simply uses small pages.
/// No finalizer (CA2015): owners dispose it with <c>using</c> once no span of it is left.
/// </summary>
internal sealed unsafe partial class HugePageBuffer : MemoryManager<byte>
{
    private const nuint HugePageSize = 2 << 20;
    private const int MadvHugePage = 14; // MADV_HUGEPAGE in <asm-generic/mman-common.h>

    private byte* _pointer;

    public int Length { get; }

    public HugePageBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
        _pointer = (byte*)NativeMemory.AlignedAlloc((nuint)Math.Max(length, 1), HugePageSize);
        if (OperatingSystem.IsLinux() && length >= (int)HugePageSize)
            _ = Madvise(_pointer, (nuint)length, MadvHugePage); // only a hint: failure leaves small pages
    }

    public Span<byte> Span => GetSpan();

    public override Span<byte> GetSpan()
    {
        ObjectDisposedException.ThrowIf(_pointer is null, this);
        return new Span<byte>(_pointer, Length);
    }

    /// <summary>The memory is native and never moves.</summary>
    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(elementIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(elementIndex, Length);
        return new MemoryHandle(GetSpan().IsEmpty ? _pointer : _pointer + elementIndex);
    }

    public override void Unpin() { }

    protected override void Dispose(bool disposing)
    {
        if (_pointer is null)
            return;
        NativeMemory.AlignedFree(_pointer);
        _pointer = null;
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(void* address, nuint length, int advice);
}
