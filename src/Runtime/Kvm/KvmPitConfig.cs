using System.Runtime.InteropServices;

namespace Vmspec.Runtime.Kvm;

/// <summary>struct kvm_pit_config (linux/kvm.h), the argument of KVM_CREATE_PIT2.</summary>
[StructLayout(LayoutKind.Sequential, Size = 64)]
public unsafe struct KvmPitConfig
{
    /// <summary>KVM_PIT_SPEAKER_DUMMY: KVM answers port 0x61 (speaker and PIT channel 2 gate) itself.</summary>
    public const uint SpeakerDummy = 1;

    public uint Flags;
    public fixed uint Pad[15];
}
