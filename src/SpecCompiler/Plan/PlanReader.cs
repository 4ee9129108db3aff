using System.Text.Json;
using Vmspec.Abi.Kvm;
using Vmspec.Abi.KvmPara;
using Vmspec.Plans.Hosts;

namespace Vmspec.SpecCompiler.Plan;

/// <summary>
/// Loads a plan written by <see cref="PlanWriter"/> back into the typed model (for <c>vmspec run PLAN</c>).
/// Strict: unknown or missing members, a wrong digest, or bytes that are not the canonical form of
/// the plan they describe throw <see cref="PlanFormatException"/>.
/// </summary>
public static class PlanReader
{
    public static VmPlan Read(ReadOnlyMemory<byte> bytes) =>
        CanonicalPlanReader.Read(bytes, 16, VmPlan.FormatVersion, ReadPlan, PlanWriter.Write,
            "the plan is not in canonical form; recompile the spec instead of editing the plan");

    private static VmPlan ReadPlan(JsonFields root)
    {
        var spec = SpecInfoJson.Read(root.Object("spec"));
        var machine = root.Object("machine");
        var machinePlan = new MachinePlan(machine.UInt("memoryBytes"), (uint)machine.UInt("vcpus", 64), machine.Bool("enforcePvFeatureCpuid"));
        machine.NoOthers();

        var expect = root.Object("expect");
        var expectations = new CaseExpectations(ReadExpectations(expect), expect.Array("when").Select(ReadHostExpectations).ToArray());
        expect.NoOthers();

        return new VmPlan(
            root.String("name"),
            spec,
            root.StringMap("matrix"),
            machinePlan,
            ReadCpuid(root.Object("cpuid")),
            ReadGuest(root.Object("guest")),
            root.Optional("asyncPf") is { } apf ? ReadAsyncPf(new JsonFields(apf, root.PathOf("asyncPf"))) : null,
            expectations,
            root.UInt("timeoutMs"));
    }

    private static CpuidPlan ReadCpuid(JsonFields cpuid)
    {
        var featuresObject = cpuid.Object("kvmFeatures");
        var features = featuresObject.Names
            .Select(name => new KvmFeatureSetting(
                KvmPvFeatures.TryParse(name, out var feature) ? feature : throw new PlanFormatException($"{featuresObject.PathOf(name)}: unknown KVM PV feature"),
                featuresObject.Enum(name, PlanNames.FeatureModes)))
            .OrderBy(f => f.Feature)
            .ToArray();
        var modifiers = cpuid.Array("modifiers").Select(entry =>
        {
            var m = new JsonFields(entry.Item, entry.Path);
            var modifier = new CpuidModifier((uint)m.UInt("leaf", uint.MaxValue), (uint)m.UInt("subleaf", uint.MaxValue),
                m.Enum("register", PlanNames.Registers), (uint)m.UInt("mask", uint.MaxValue), (uint)m.UInt("value", uint.MaxValue));
            m.NoOthers();
            return modifier;
        }).ToArray();
        cpuid.NoOthers();
        return new CpuidPlan(features, modifiers);
    }

    private static GuestPlan ReadGuest(JsonFields guest)
    {
        GuestPlan plan = guest.String("type") switch
        {
            "test" => new TestGuestPlan(guest.Enum("program", TestPrograms.Names), guest.Array("accesses").Select(entry =>
            {
                var a = new JsonFields(entry.Item, entry.Path);
                var access = new MsrAccess((uint)a.UInt("msr", uint.MaxValue), a.Enum("op", PlanNames.Ops), a.OptionalUInt("value"),
                    a.Enum("expect", PlanNames.AccessExpectations), a.OptionalUInt("readBack"), a.Bool("wait"), a.OptionalBool("expectPageReady"));
                a.NoOthers();
                return access;
            }).ToArray()),
            "linux" => ReadLinux(guest),
            var other => throw new PlanFormatException($"{guest.PathOf("type")}: expected test or linux, found '{other}'"),
        };
        guest.NoOthers();
        return plan;
    }

    private static LinuxGuestPlan ReadLinux(JsonFields linux)
    {
        var kernel = linux.Object("kernel");
        KernelSource source;
        if (kernel.Optional("debian") is { } debianElement)
        {
            var d = new JsonFields(debianElement, kernel.PathOf("debian"));
            source = new DebianKernel(d.String("package"), d.String("version"), d.String("sha256"));
            d.NoOthers();
        }
        else
        {
            source = ReadFile(kernel.Object("file"));
        }
        kernel.NoOthers();
        var initramfs = linux.Optional("initramfs") is { } i ? ReadFile(new JsonFields(i, linux.PathOf("initramfs"))) : null;
        LinuxWorkload? workload = null;
        if (linux.Optional("workload") is { } w)
        {
            var f = new JsonFields(w, linux.PathOf("workload"));
            workload = new LinuxWorkload((uint)f.UInt("pages", LinuxWorkload.MaxPages));
            f.NoOthers();
            if (workload.Pages == 0)
                throw new PlanFormatException($"{f.PathOf("pages")}: expected at least 1 page");
            if (initramfs is not null)
                throw new PlanFormatException($"{linux.PathOf("workload")}: the workload runs in the /init vmspec generates, and this plan brings its own initramfs");
        }
        return new LinuxGuestPlan(source, initramfs, linux.String("cmdline"), workload, 
            linux.Optional("entry") is null ? LinuxEntry.BootProtocol64 : linux.Enum("entry", LinuxEntries.Names));
    }

    private static FileReference ReadFile(JsonFields file)
    {
        var reference = new FileReference(file.String("path"), file.String("sha256"));
        file.NoOthers();
        return reference;
    }

    private static AsyncPfPlan ReadAsyncPf(JsonFields apf)
    {
        FaultWorkload? workload = null;
        if (apf.Optional("workload") is { } w)
        {
            var f = new JsonFields(w, apf.PathOf("workload"));
            workload = new FaultWorkload((uint)f.UInt("pages", 1024), f.UInt("resolveDelayMs"), (byte)f.UInt("cpl", 3), f.Bool("interruptsEnabled"));
            f.NoOthers();
        }
        var plan = new AsyncPfPlan((byte?)apf.OptionalUInt("vector", byte.MaxValue), apf.UInt("enValue"), apf.Bool("enRaw"), workload);
        apf.NoOthers();
        return plan;
    }

    private static HostExpectations ReadHostExpectations((JsonElement Item, string Path) entry)
    {
        var e = new JsonFields(entry.Item, entry.Path);
        KvmFlavour? flavour = e.Optional("flavour") is not null
            ? KvmFlavours.Parse(e.String("flavour")) ?? throw new PlanFormatException($"{e.PathOf("flavour")}: unknown KVM flavour")
            : null;
        KernelRange? kernel = null;
        if (e.Optional("kernel") is not null && !KernelRange.TryParse(e.String("kernel"), out kernel, out string error))
            throw new PlanFormatException($"{e.PathOf("kernel")}: {error}");
        var overrides = ReadExpectations(e);
        e.NoOthers();
        if (overrides.KernelAbi is not null)
            throw new PlanFormatException($"{e.PathOf("kernelAbi")}: a kernel's ABI is the image's, the same on every host");
        return new HostExpectations(new HostCondition(flavour, kernel), overrides);
    }

    /// <summary>Reads the expectation fields of <paramref name="e"/>; the caller checks for others.</summary>
    private static Expectations ReadExpectations(JsonFields e)
    {
        var events = e.Object("events");
        var abi = e.Object("abi");
        var result = new Expectations(
            new EventExpectations(
                (uint?)events.OptionalUInt("pageNotPresent", uint.MaxValue),
                (uint?)events.OptionalUInt("pageReady", uint.MaxValue),
                (uint?)events.OptionalUInt("wakeupAll", uint.MaxValue),
                events.OptionalBool("tokensPaired"),
                (byte?)events.OptionalUInt("vector", byte.MaxValue)),
            new AbiExpectations(abi.OptionalBool("canaryIntact")),
            e.Optional("kernelAbi") is not null ? e.Enum("kernelAbi", ApfDataLayouts.Names) : null,
            e.OptionalBool("guestEnablesAsyncPf"),
            e.Optional("hostReadOfGatedMsr") is not null ? e.Enum("hostReadOfGatedMsr", GatedMsrHostReads.Names) : null,
            e.OptionalBool("guestTakesAsyncPf"));
        events.NoOthers();
        abi.NoOthers();
        return result;
    }
}
