using Vmspec.Runtime.Boot;
using Vmspec.Runtime.Cpuid;
using Vmspec.Runtime.Guests;
using Vmspec.Runtime.Host;

namespace Vmspec.Runtime.Building;

/// <summary>Assembles a VM from a <see cref="VmConfig"/> in one place (Firecracker's builder.rs), in the prototype's order.</summary>
public static class VmBuilder
{
    private const uint RamSlot = 0;

    /// <summary>Builds on <paramref name="system"/>, or opens /dev/kvm (owned by the VM) when null. Partial state is released on failure.</summary>
    public static Vm Build(VmConfig config, KvmSystem? system = null)
    {
        Validate(config);
        KvmSystem kvm = system ?? KvmSystem.Open();
        var vm = new Vm(config, system is null ? kvm : null) { Flavour = KvmModules.Detect(HostPaths.System) };
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

    /// <summary>Config errors that need no KVM, reported before /dev/kvm is opened.</summary>
    private static void Validate(VmConfig config)
    {
        if ((config.Program is null) == (config.Boot is null))
            throw new ArgumentException("a VM config needs exactly one of Program and Boot");
        if (config.Pit && !config.Irqchip)
            throw new ArgumentException("an in-kernel PIT needs the in-kernel irqchip");
        if (!config.Irqchip && config.Devices.OfType<IInterruptSource>().Any())
            throw new ArgumentException("devices that raise interrupts need the in-kernel irqchip");
        if (config.Program is { } p && p.LoadAddress != config.Layout.Code)
            throw new ArgumentException($"the program loads at 0x{p.LoadAddress:x} but the layout's code is at 0x{config.Layout.Code:x}");
    }

    private static void Assemble(Vm vm, KvmSystem kvm, VmConfig config)
    {
        GuestLayout layout = config.Layout;
        vm.VmFd = kvm.CreateVm();
        if (config.Irqchip) vm.VmFd.CreateIrqchip();
        if (config.Pit) vm.VmFd.CreatePit2(KvmPitConfig.SpeakerDummy);
        foreach (IInterruptSource source in config.Devices.OfType<IInterruptSource>())
            source.Connect(new KvmIrqLine(vm.VmFd, source.Irq));

        AddSlot(vm, RamSlot, 0, config.Boot?.RamSize ?? layout.RamSize);
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

        if (config.Boot is { } boot)
            LoadBootImage(vm, vm.Vcpu, boot, config);
        else
            LoadProgram(vm, vm.Vcpu, config.Program!, config);
    }

    private static void LoadProgram(Vm vm, KvmVcpuFd vcpu, GuestProgram program, VmConfig config)
    {
        LongModeSetup.WriteTables(vm.Memory, config.Layout, program.InterruptHandlers);
        vm.Memory.Write(program.LoadAddress, program.Code);
        config.InitializeMemory?.Invoke(vm.Memory);
        vcpu.SetSregs(LongModeSetup.Sregs(vcpu.GetSregs(), config.Layout));
        vcpu.SetRegs(LongModeSetup.EntryRegs(config.Layout, program.Entry));
    }

    private static void LoadBootImage(Vm vm, KvmVcpuFd vcpu, BootImage boot, VmConfig config)
    {
        foreach (BootMemoryWrite write in boot.Writes) vm.Memory.Write(write.Address, write.Data.Span);
        config.InitializeMemory?.Invoke(vm.Memory);
        vcpu.SetSregs(boot.Cpu.ApplyTo(vcpu.GetSregs()));
        vcpu.SetRegs(boot.Regs);
    }

    private static GuestMemorySlot AddSlot(Vm vm, uint id, ulong gpa, ulong size)
    {
        GuestMemorySlot slot = vm.Memory.AddSlot(id, gpa, size);
        vm.VmFd!.SetUserMemoryRegion(slot.ToRegion());
        return slot;
    }
}
