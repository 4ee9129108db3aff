namespace Vmspec.Runtime.Kvm;

/// <summary>A vCPU fd and its mmap'ed kvm_run: one thin method per vCPU ioctl.</summary>
public sealed unsafe class KvmVcpuFd : IDisposable
{
    private readonly FileDescriptor _fd;
    private readonly NativeMapping _run;

    internal KvmVcpuFd(FileDescriptor fd, NativeMapping run)
    {
        _fd = fd;
        _run = run;
    }

    /// <summary>The kvm_run header shared with KVM (valid until Dispose).</summary>
    public ref KvmRunHeader Run => ref *(KvmRunHeader*)_run.Pointer;

    /// <summary>The data bytes of the current KVM_EXIT_MMIO (len of kvm_run.mmio.data, at offset 40 of kvm_run).</summary>
    public Span<byte> MmioData => _run.Slice(MmioDataOffset, (int)Math.Min(Run.Mmio.Len, 8));

    private const ulong MmioDataOffset = 40;

    /// <summary>The bytes of the current KVM_EXIT_IO (size * count at data_offset).</summary>
    public Span<byte> IoData
    {
        get
        {
            ref KvmRunIo io = ref Run.Io;
            return _run.Slice(io.DataOffset, io.Size * (int)io.Count);
        }
    }

    /// <summary>KVM_RUN: 0 on an exit to read from <see cref="Run"/>, otherwise the errno (EINTR when kicked).</summary>
    public int RunOnce()
    {
        (int rc, int errno) = NativeCalls.TryIoctl(_fd, KvmIoctls.Run, null);
        return rc < 0 ? errno : 0;
    }

    public KvmRegs GetRegs() => Get<KvmRegs>("KVM_GET_REGS", KvmIoctls.GetRegs);

    public void SetRegs(in KvmRegs regs) => Set("KVM_SET_REGS", KvmIoctls.SetRegs, regs);

    public KvmSregs GetSregs() => Get<KvmSregs>("KVM_GET_SREGS", KvmIoctls.GetSregs);

    public void SetSregs(in KvmSregs sregs) => Set("KVM_SET_SREGS", KvmIoctls.SetSregs, sregs);

    /// <summary>KVM_GET_MSRS; the buffer is built by hand: {u32 nmsrs, u32 pad} then 16-byte entries.</summary>
    public ulong[] GetMsrs(ReadOnlySpan<uint> indices)
    {
        byte[] buffer = KvmArray.Create<KvmMsrEntry>(indices.Length);
        Span<KvmMsrEntry> entries = KvmArray.Entries<KvmMsrEntry>(buffer);
        for (int i = 0; i < indices.Length; i++) entries[i].Index = indices[i];
        int read;
        fixed (byte* p = buffer) read = NativeCalls.Ioctl(_fd, "KVM_GET_MSRS", KvmIoctls.GetMsrs, p);
        if (read != indices.Length)
            throw new KvmException("KVM_GET_MSRS", $"read {read} of {indices.Length} MSRs; MSR 0x{indices[read]:x} was refused");
        var values = new ulong[indices.Length];
        for (int i = 0; i < values.Length; i++) values[i] = entries[i].Data;
        return values;
    }

    /// <summary>KVM_SET_MSRS; all entries must be accepted.</summary>
    public void SetMsrs(ReadOnlySpan<KvmMsrEntry> msrs)
    {
        byte[] buffer = KvmArray.Create<KvmMsrEntry>(msrs.Length);
        msrs.CopyTo(KvmArray.Entries<KvmMsrEntry>(buffer));
        int written;
        fixed (byte* p = buffer) written = NativeCalls.Ioctl(_fd, "KVM_SET_MSRS", KvmIoctls.SetMsrs, p);
        if (written != msrs.Length)
            throw new KvmException("KVM_SET_MSRS", $"set {written} of {msrs.Length} MSRs; MSR 0x{msrs[written].Index:x} was refused");
    }

    public void SetCpuid2(ReadOnlySpan<KvmCpuidEntry2> entries)
    {
        var buffer = KvmArray.Create<KvmCpuidEntry2>(entries.Length);
        entries.CopyTo(KvmArray.Entries<KvmCpuidEntry2>(buffer));
        fixed (byte* p = buffer) NativeCalls.Ioctl(_fd, "KVM_SET_CPUID2", KvmIoctls.SetCpuid2, p);
    }

    /// <summary>KVM_ENABLE_CAP on this vCPU with args[0] = <paramref name="arg0"/>.</summary>
    public void EnableCap(KvmCap cap, ulong arg0)
    {
        var request = new KvmEnableCap { Cap = (uint)cap };
        request.Args[0] = arg0;
        NativeCalls.Ioctl(_fd, $"KVM_ENABLE_CAP({KvmCapNames.HeaderName(cap)})", KvmIoctls.EnableCap, &request);
    }

    /// <summary>An ioctl that fills one uapi struct.</summary>
    private T Get<T>(string name, uint request) where T : unmanaged
    {
        T value;
        NativeCalls.Ioctl(_fd, name, request, &value);
        return value;
    }

    /// <summary>An ioctl that reads one uapi struct.</summary>
    private void Set<T>(string name, uint request, in T value) where T : unmanaged
    {
        fixed (T* p = &value) NativeCalls.Ioctl(_fd, name, request, p);
    }

    public void Dispose()
    {
        _run.Dispose();
        _fd.Dispose();
    }
}
