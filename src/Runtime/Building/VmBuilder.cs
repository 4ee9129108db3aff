using Vmspec.Runtime.Cpuid;
using Vmspec.Runtime.Kvm;
using Vmspec.Runtime.Memory;
using Vmspec.Runtime.X86;

namespace Vmspec.Runtime.Building;

/// <summary>Assembles a VM from a <see cref="VmConfig"/> in one place (Firecracker's builder.rs), in the prototype's order.</summary>
public static class VmBuilder
{
    private const uint RamSlot = 0;

    /// <summary>Builds on <paramref name="system"/>, or opens /dev/kvm (owned by the VM) when null. Partial state is released on failure.</summary>
    public static Vm Build(VmConfig config, KvmSystem? system = null)
    {
        KvmSystem kvm = system ?? KvmSystem.Open();
        var vm = new Vm(config, system is null ? kvm : null);
        try
        {
            Assemble(vm, kvm, config);
            return vm;
        }
        catch
        {
            vm.Dispose();
            throw;
        }
    }

    private static void Assemble(Vm vm, KvmSystem kvm, VmConfig config)
    {
        GuestLayout layout = config.Layout;
        if (config.Program.LoadAddress != layout.Code)
            throw new ArgumentException($"the program loads at 0x{config.Program.LoadAddress:x} but the layout's code is at 0x{layout.Code:x}");

        vm.VmFd = kvm.CreateVm();
        if (config.Irqchip) vm.VmFd.CreateIrqchip();

        AddSlot(vm, RamSlot, 0, layout.RamSize);
        foreach (var extra in config.ExtraSlots) AddSlot(vm, extra.Id, extra.GuestPhysicalAddress, extra.Size);
        if (config.UserfaultSlot is { } u)
        {
            GuestMemorySlot slot = AddSlot(vm, u.Id, u.GuestPhysicalAddress, u.Size);
            vm.UserfaultSlot = new UserfaultfdSlot(slot, u.Resolver, u.ResolveDelay);
        }

        vm.Vcpu = vm.VmFd.CreateVcpu(0);
        var cpuid = new CpuidTable(kvm.GetSupportedCpuid());
        if (config.ForceX2Apic) cpuid.ForceX2Apic();
        cpuid.ApplyAll(config.CpuidEdits);
        vm.Vcpu.SetCpuid2(cpuid.ToArray());
        vm.Cpuid = cpuid;
        if (config.EnforcePvFeatureCpuid) vm.Vcpu.EnableCap(KvmCap.EnforcePvFeatureCpuid, 1);

        LongModeSetup.WriteTables(vm.Memory, layout, config.Program.InterruptHandlers);
        vm.Memory.Write(config.Program.LoadAddress, config.Program.Code);
        config.InitializeMemory?.Invoke(vm.Memory);
        vm.Vcpu.SetSregs(LongModeSetup.Sregs(vm.Vcpu.GetSregs(), layout));
        vm.Vcpu.SetRegs(LongModeSetup.EntryRegs(layout, config.Program.Entry));
    }

    private static GuestMemorySlot AddSlot(Vm vm, uint id, ulong gpa, ulong size)
    {
        GuestMemorySlot slot = vm.Memory.AddSlot(id, gpa, size);
        vm.VmFd!.SetUserMemoryRegion(slot.ToRegion());
        return slot;
    }
}
