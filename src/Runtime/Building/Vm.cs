using Vmspec.Runtime.Cpuid;
using Vmspec.Runtime.Running;

namespace Vmspec.Runtime.Building;

/// <summary>A built VM: runs its guest once and releases fds, mappings and the resolver thread on Dispose.</summary>
public sealed class Vm : IDisposable
{
    private KvmSystem? _ownedSystem;
    private bool _ran;

    internal Vm(VmConfig config, KvmSystem? ownedSystem)
    {
        Config = config;
        _ownedSystem = ownedSystem;
    }

    public VmConfig Config { get; }
    public GuestMemory Memory { get; } = new();
    public CpuidTable? Cpuid { get; internal set; }
    public UserfaultfdSlot? UserfaultSlot { get; internal set; }
    /// <summary>The KVM this VM runs on (from /sys/module when it was built).</summary>
    public KvmFlavour Flavour { get; internal set; }
    internal KvmVmFd? VmFd { get; set; }
    internal KvmVcpuFd? Vcpu { get; set; }

    /// <summary>Runs the guest to a verdict on the calling thread (once per VM).</summary>
    public RunResult Run()
    {
        KvmVcpuFd vcpu = Vcpu ?? throw new ObjectDisposedException(nameof(Vm));
        if (_ran) throw new InvalidOperationException("a VM runs its guest once; build a new VM to run again");
        _ran = true;
        return VcpuRunner.Run(vcpu, Memory, Config.Layout, Config.Timeout, Config.Devices, UserfaultSlot, Flavour, Config.MmioDevices);
    }

    /// <summary>KVM_GET_MSRS of the vCPU after (or before) the run.</summary>
    public ulong[] GetMsrs(params uint[] indices) =>
        (Vcpu ?? throw new ObjectDisposedException(nameof(Vm))).GetMsrs(indices);

    public void Dispose()
    {
        Vcpu?.Dispose();
        Vcpu = null;
        UserfaultSlot?.Dispose(); // joins the resolver before its memory goes away
        UserfaultSlot = null;
        VmFd?.Dispose();
        VmFd = null;
        Memory.Dispose();
        _ownedSystem?.Dispose();
        _ownedSystem = null;
    }
}
