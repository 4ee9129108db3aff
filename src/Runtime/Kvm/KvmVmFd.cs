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
