namespace Vmspec.Runtime.Kvm;

/// <summary>A VM fd: one thin method per VM ioctl.</summary>
public sealed unsafe class KvmVmFd : IDisposable
{
    private readonly FileDescriptor _fd;
    private readonly int _vcpuMmapSize;

    internal KvmVmFd(FileDescriptor fd, int vcpuMmapSize)
    {
        _fd = fd;
        _vcpuMmapSize = vcpuMmapSize;
    }

    public void SetUserMemoryRegion(KvmUserspaceMemoryRegion region) =>
        NativeCalls.Ioctl(_fd, $"KVM_SET_USER_MEMORY_REGION(slot {region.Slot})", KvmIoctls.SetUserMemoryRegion, &region);

    public void CreateIrqchip() => NativeCalls.Ioctl(_fd, "KVM_CREATE_IRQCHIP", KvmIoctls.CreateIrqchip, 0);

    /// <summary>KVM_CREATE_PIT2: the i8254 in the kernel (needs the irqchip first).</summary>
    public void CreatePit2(uint flags)
    {
        var config = new KvmPitConfig { Flags = flags };
        NativeCalls.Ioctl(_fd, "KVM_CREATE_PIT2", KvmIoctls.CreatePit2, &config);
    }

    /// <summary>KVM_IRQ_LINE: drives GSI <paramref name="irq"/> of the in-kernel PIC and IOAPIC to <paramref name="level"/>.</summary>
    public void SetIrqLine(uint irq, bool level)
    {
        var line = new KvmIrqLevel { Irq = irq, Level = level ? 1u : 0u };
        NativeCalls.Ioctl(_fd, $"KVM_IRQ_LINE({irq}, {line.Level})", KvmIoctls.IrqLine, &line);
    }

    public int CheckExtension(KvmCap cap) =>
        NativeCalls.Ioctl(_fd, $"KVM_CHECK_EXTENSION({KvmCapNames.HeaderName(cap)}) on the VM", KvmIoctls.CheckExtension, (int)cap);

    /// <summary>KVM_CREATE_VCPU plus the mmap of its kvm_run area.</summary>
    public KvmVcpuFd CreateVcpu(int id)
    {
        var fd = new FileDescriptor(NativeCalls.Ioctl(_fd, $"KVM_CREATE_VCPU({id})", KvmIoctls.CreateVcpu, id));
        try
        {
            return new KvmVcpuFd(fd, NativeMapping.Shared(fd, (ulong)_vcpuMmapSize, "mmap(kvm_run)"));
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    public void Dispose() => _fd.Dispose();
}
