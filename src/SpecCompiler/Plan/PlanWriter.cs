using Vmspec.Abi.Kvm;
using Vmspec.Abi.KvmPara;

namespace Vmspec.SpecCompiler.Plan;

/// <summary>
/// Writes a <see cref="VmPlan"/> as canonical JSON with a <c>digest</c> member: the lower-case hex
/// SHA-256 of the canonical bytes of the same plan without the digest member.
/// </summary>
public static class PlanWriter
{
    public static byte[] Write(VmPlan plan, out string digest)
        => CanonicalJson.SerializeWithDigest(ToJson(plan), out digest);

    internal static JsonObject ToJson(VmPlan plan) => new JsonObject()
        .Set("format", VmPlan.FormatVersion)
        .Set("name", plan.Name)
        .Set("spec", SpecInfoJson.Write(plan.Spec))
        .Set("matrix", JsonObject.FromPairs(plan.Matrix))
        .Set("machine", new JsonObject()
            .Set("memoryBytes", plan.Machine.MemoryBytes)
            .Set("vcpus", (ulong)plan.Machine.Vcpus)
            .Set("enforcePvFeatureCpuid", plan.Machine.EnforcePvFeatureCpuid))
        .Set("cpuid", Cpuid(plan.Cpuid))
        .Set("guest", Guest(plan.Guest))
        .Set("asyncPf", plan.AsyncPf is { } apf ? AsyncPf(apf) : null)
        .Set("expect", Expectations(plan.Expect.Common)
            .Set("when", new JsonArray(plan.Expect.When.Select(w => Expectations(w.Overrides)
                .Set("flavour", w.Condition.Flavour is { } flavour ? KvmFlavours.Name(flavour) : null)
                .Set("kernel", w.Condition.Kernel?.Text)))))
        .Set("timeoutMs", plan.TimeoutMs);


    private static JsonObject Cpuid(CpuidPlan cpuid)
    {
        var features = new JsonObject();
        foreach (var f in cpuid.KvmFeatures)
            features.Set(f.Name, PlanNames.Of(f.Mode));
        return new JsonObject()
            .Set("kvmFeatures", features)
            .Set("modifiers", new JsonArray(cpuid.Modifiers.Select(m => new JsonObject()
                .Set("leaf", (ulong)m.Leaf)
                .Set("subleaf", (ulong)m.Subleaf)
                .Set("register", PlanNames.Of(m.Register))
                .Set("mask", (ulong)m.Mask)
                .Set("value", (ulong)m.Value))));
    }

    private static JsonObject Guest(GuestPlan guest) => guest switch
    {
        TestGuestPlan test => new JsonObject()
            .Set("type", "test")
            .Set("program", TestPrograms.Name(test.TestProgram))
            .Set("accesses", new JsonArray(test.Accesses.Select(a => new JsonObject()
                .Set("msr", (ulong)a.Msr)
                .Set("op", PlanNames.Of(a.Op))
                .Set("value", a.Value)
                .Set("expect", PlanNames.Of(a.Expect))
                .Set("readBack", a.ReadBack)
                .Set("wait", a.Wait)
                .Set("expectPageReady", a.ExpectPageReady)))),
        LinuxGuestPlan linux => new JsonObject()
            .Set("type", "linux")
            .Set("kernel", linux.Kernel switch
            {
                DebianKernel d => new JsonObject().Set("debian", new JsonObject()
                    .Set("package", d.Package).Set("version", d.Version).Set("sha256", d.Sha256)),
                FileReference f => new JsonObject().Set("file", File(f)),
                _ => throw new InvalidOperationException($"unknown kernel source {linux.Kernel.GetType().Name}"),
            })
            .Set("initramfs", linux.Initramfs is { } initrd ? File(initrd) : null)
            .Set("cmdline", linux.Cmdline)
            // Omitted at its default, as the fields v3 gained are, so plans from before it read (and hash) unchanged.
            .Set("entry", linux.Entry == LinuxEntry.BootProtocol64 ? null : LinuxEntries.Name(linux.Entry))
            .Set("workload", linux.Workload is { } w ? new JsonObject().Set("pages", (ulong)w.Pages) : null),
        _ => throw new InvalidOperationException($"unknown guest {guest.GetType().Name}"),
    };

    private static JsonObject File(FileReference file) => new JsonObject().Set("path", file.Path).Set("sha256", file.Sha256);

    private static JsonObject AsyncPf(AsyncPfPlan apf) => new JsonObject()
        .Set("vector", apf.Vector is { } v ? (ulong)v : null)
        .Set("enValue", apf.EnValue)
        .Set("enRaw", apf.RawEn)
        .Set("workload", apf.Workload is { } w
            ? new JsonObject()
                .Set("pages", (ulong)w.Pages)
                .Set("resolveDelayMs", w.ResolveDelayMs)
                .Set("cpl", (ulong)w.Cpl)
                .Set("interruptsEnabled", w.InterruptsEnabled)
            : null);

    private static JsonObject Expectations(Expectations e) => new JsonObject()
        .Set("events", new JsonObject()
            .Set("pageNotPresent", (ulong?)e.Events.PageNotPresent)
            .Set("pageReady", (ulong?)e.Events.PageReady)
            .Set("wakeupAll", (ulong?)e.Events.WakeupAll)
            .Set("tokensPaired", e.Events.TokensPaired)
            .Set("vector", (ulong?)e.Events.Vector))
        .Set("abi", new JsonObject().Set("canaryIntact", e.Abi.CanaryIntact))
        .Set("kernelAbi", e.KernelAbi is { } abi ? ApfDataLayouts.Name(abi) : null)
        .Set("guestEnablesAsyncPf", e.GuestEnablesAsyncPf)
        .Set("guestTakesAsyncPf", e.GuestTakesAsyncPf)
        .Set("hostReadOfGatedMsr", e.HostReadOfGatedMsr is { } read ? GatedMsrHostReads.Name(read) : null);
}
