namespace Vmspec.Runtime.Kvm;

/// <summary>The /dev/kvm system fd: one thin method per system ioctl.</summary>
public sealed unsafe class KvmSystem : IDisposable
{
    public const string DevicePath = "/dev/kvm";
    public const int ExpectedApiVersion = 12;
    private const int MaxCpuidEntries = 256;

    private readonly FileDescriptor _fd;

    private KvmSystem(FileDescriptor fd) => _fd = fd;

    /// <summary>Opens /dev/kvm and checks KVM_GET_API_VERSION == 12.</summary>
    public static KvmSystem Open(string path = DevicePath)
    {
        var fd = NativeCalls.Open(path, LibC.O_RDWR | LibC.O_CLOEXEC);
        var system = new KvmSystem(fd);
        try
        {
            int version = system.GetApiVersion();
            if (version != ExpectedApiVersion)
                throw new KvmException("KVM_GET_API_VERSION", $"API version {version}, expected {ExpectedApiVersion}");
            return system;
        }
        catch
        {
            system.Dispose();
            throw;
        }
    }

    public int GetApiVersion() => NativeCalls.Ioctl(_fd, "KVM_GET_API_VERSION", KvmIoctls.GetApiVersion, 0);

    /// <summary>KVM_CHECK_EXTENSION: 0 when absent, otherwise the capability's value.</summary>
    public int CheckExtension(KvmCap cap) => NativeCalls.Ioctl(_fd, $"KVM_CHECK_EXTENSION({KvmCapNames.HeaderName(cap)})", KvmIoctls.CheckExtension, (int)cap);

    public int GetVcpuMmapSize() => NativeCalls.Ioctl(_fd, "KVM_GET_VCPU_MMAP_SIZE", KvmIoctls.GetVcpuMmapSize, 0);

    /// <summary>KVM_GET_SUPPORTED_CPUID with room for 256 entries (KVM answers E2BIG if that is too few).</summary>
    public KvmCpuidEntry2[] GetSupportedCpuid()
    {
        var buffer = KvmArray.Create<KvmCpuidEntry2>(MaxCpuidEntries);
        fixed (byte* p = buffer)
            NativeCalls.Ioctl(_fd, "KVM_GET_SUPPORTED_CPUID", KvmIoctls.GetSupportedCpuid, p);
        return KvmArray.Entries<KvmCpuidEntry2>(buffer).ToArray();
    }

    public KvmVmFd CreateVm()
    {
        int vmFd = NativeCalls.Ioctl(_fd, "KVM_CREATE_VM", KvmIoctls.CreateVm, 0);
        return new KvmVmFd(new FileDescriptor(vmFd), GetVcpuMmapSize());
    }

    public void Dispose() => _fd.Dispose();
}
