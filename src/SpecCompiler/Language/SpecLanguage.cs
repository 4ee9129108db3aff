using Vmspec.Abi.Kvm;
using Vmspec.Abi.KvmPara;

namespace Vmspec.SpecCompiler.Language;

/// <summary>
/// The vmspec v1 language, written once as shapes. The checker validates specs against
/// <see cref="Root"/> and <see cref="Schema.SchemaGenerator"/> turns it into the JSON Schema.
/// Semantic rules that span fields (contradictions, GPA inside RAM) live in the binder.
/// </summary>
internal static class SpecLanguage
{
    public const string ApiVersion = "vmspec.dev/v1";
    public const string SpecKind = "VmSpec";
    public const string BaseKind = "VmSpecBase";
    public const ulong DefaultTimeoutMs = 30_000;

    private const string NamePattern = "^[a-z0-9][a-z0-9-]{0,62}$";
    private const string Sha256Pattern = "^[0-9a-f]{64}$";
    private const string BitPattern = "^[01x]{32}$";

    private static readonly IntegerShape U32 = new("a 32-bit unsigned integer", 0, uint.MaxValue);
    private static readonly IntegerShape U64 = new("a 64-bit unsigned integer");
    private static readonly IntegerShape Count = new("an event count", 0, 1_000_000);
    private static readonly IntegerShape Vector = new("an interrupt vector", 0, 255);

    private static readonly StringShape Sha256 = new("lower-case hex SHA-256 of the file", Sha256Pattern, 64);
    private static readonly StringShape RelativePath = new("a path relative to the spec file", PathText.Pattern, 4096);

    private static readonly Shape BitMask = new StringShape(
        "32 characters, bit 31 first: 1 = set, 0 = clear, x = as the host offers", BitPattern, 32);

    private static readonly ObjectShape Metadata = new("What the spec is.",
    [
        new("name", new StringShape("spec name: lower-case letters, digits and '-'", NamePattern, 63), Required: true),
        new("description", new StringShape("what the spec checks and why", null, 2000)),
        new("labels", new MapShape("free-form labels for selecting specs",
            new StringShape("label value", null, 256), KeyPattern: "^[a-z0-9][a-z0-9./-]{0,62}$")),
    ]);

    private static readonly ObjectShape Matrix = new(
        "Expands the spec into cases; ${{ matrix.AXIS }} in a value is replaced by the case's value for AXIS.",
    [
        new("axes", new MapShape("axis name -> values: a sequence of scalars, or a mapping of value names to values of any shape",
            new AnyShape("the axis values"), KeyPattern: "^[a-z][a-z0-9-]{0,31}$"), Required: true),
        new("exclude", new ListShape("partial combinations (axis -> value name) to drop",
            new MapShape("axis -> value name", new StringShape("value name")))),
        new("include", new ListShape("extra full combinations (axis -> value name) to add",
            new MapShape("axis -> value name", new StringShape("value name")))),
    ]);

    private static readonly ObjectShape Machine = new("The virtual machine.",
    [
        new("memory", new SizeShape("guest RAM", 1UL << 20, 16UL << 30), Required: true),
        new("vcpus", new IntegerShape("number of vCPUs (default 1)", 1, 64)),
        new("enforcePvFeatureCpuid", new BooleanShape("enable KVM_CAP_ENFORCE_PV_FEATURE_CPUID on every vCPU (default false)")),
    ]);

    private static readonly ObjectShape CpuidModifier = new("Raw bits for one CPUID leaf/subleaf, applied after kvmFeatures.",
    [
        new("leaf", U32, Required: true),
        new("subleaf", U32 with { Description = "subleaf (default 0)" }),
        new("eax", BitMask),
        new("ebx", BitMask),
        new("ecx", BitMask),
        new("edx", BitMask),
    ]);

    private static readonly ObjectShape Cpuid = new("The CPUID given to the vCPUs, relative to KVM_GET_SUPPORTED_CPUID.",
    [
        new("kvmFeatures", new MapShape("KVM PV features of leaf 0x40000001 EAX: set, clear or host (as offered; the default)",
            new EnumShape("feature setting", ["set", "clear", "host"]), Keys: KvmPvFeatures.All.Select(f => f.Key).ToArray())),
        new("modifiers", new ListShape("raw modifiers", CpuidModifier, MaxItems: 64)),
    ]);

    private static readonly ObjectShape MsrAccess = new("One MSR access performed by the msr-protocol guest, in order.",
    [
        new("msr", new AnyOfShape("MSR name or index", [
            new EnumShape("MSR name", KvmPvMsrs.All.Select(m => m.SpecName).ToArray()), U32]), Required: true),
        new("op", new EnumShape("access", ["write", "read"]), Required: true),
        new("value", U64 with { Description = "value to write; defaults: async-pf-en = asyncPf EN value, async-pf-int = asyncPf.vector, async-pf-ack = 1" }),
        new("expect", new EnumShape("expected outcome (default oracle: as the protocol oracle predicts)", ["accept", "gp", "oracle"])),
        new("readBack", U64 with { Description = "value a read must return" }),
        new("wait", new BooleanShape("after the access, turn interrupts on and spin (bounded) until a page-ready has arrived and the slot is empty again, then off "
            + "(default: true for a write of async-pf-en with the enabled bit, else false)")),
        new("expectPageReady", new BooleanShape("whether a page-ready arrives during this access's wait (default: as the protocol oracle predicts); needs wait")),
    ]);

    private static Field Program(TestProgram program) =>
        new("program", new EnumShape("test program", [TestPrograms.Name(program)]), Required: true);

    private static readonly DiscriminatedShape TestGuest = new("A generated test guest.", "program",
    [
        new(TestPrograms.Name(TestProgram.Minimal), new ObjectShape("Long mode, CPUID, report, stop.",
            [Program(TestProgram.Minimal)])),
        new(TestPrograms.Name(TestProgram.MsrProtocol), new ObjectShape("Performs a list of MSR accesses and reports each outcome.",
        [
            Program(TestProgram.MsrProtocol),
            new("accesses", new ListShape("MSR accesses in order", MsrAccess, MinItems: 1, MaxItems: 256), Required: true),
        ])),
        new(TestPrograms.Name(TestProgram.AsyncPf), new ObjectShape("Enables async #PF as asyncPf says and touches asyncPf.workload pages.",
            [Program(TestProgram.AsyncPf)])),
    ]);

    private static readonly ObjectShape FileReference = new("A file checked by hash.",
    [
        new("path", RelativePath, Required: true),
        new("sha256", Sha256, Required: true),
    ]);

    /// <summary>
    /// A Debian linux-image package pinned by name, version and the .deb's SHA-256. Guest kernels
    /// (<c>guest.linux.kernel.debian</c>) and host kernels (<see cref="HostLanguage"/>) share it.
    /// </summary>
    internal static readonly ObjectShape DebianPackage = new("A Debian linux-image package.",
    [
        new("package", new StringShape("package name", "^[a-z0-9][a-z0-9+.-]{1,127}$", 128), Required: true),
        new("version", new StringShape("package version", "^[A-Za-z0-9.+~:-]{1,64}$", 64), Required: true),
        new("sha256", Sha256 with { Description = "lower-case hex SHA-256 of the .deb" }, Required: true),
    ]);

    private static readonly ObjectShape Kernel = new("The kernel image: a Debian package or a file.",
    [
        new("debian", DebianPackage),
        new("path", RelativePath),
        new("sha256", Sha256),
    ], ExactlyOneOf: ["debian", "path"]);

    private static readonly ObjectShape LinuxFaultWorkload = new(
        "The fault workload of vmspec's generated /init: after boot it fills a buffer with a known pattern; the host evicts "
        + "those pages from guest RAM and refills them on demand through userfaultfd while the guest reads them back, so Linux "
        + "itself takes async #PFs. Not with initramfs (your own /init).",
    [
        new("pages", new IntegerShape("4 KiB pages of the buffer", 1, LinuxWorkload.MaxPages), Required: true),
    ]);

    private static readonly ObjectShape LinuxGuest = new("A Linux kernel guest.",
    [
        new("kernel", Kernel, Required: true),
        new("initramfs", FileReference),
        new("cmdline", new StringShape("kernel command line", null, 2048)),
        new("entry", new EnumShape("how the kernel is entered (default boot-protocol-64: the bzImage's 64-bit entry; pvh: "
            + "its vmlinux's PVH entry, for a kernel built with CONFIG_PVH)", LinuxEntries.Names.Select(n => n.Key).ToArray())),
        new("workload", LinuxFaultWorkload),
    ]);

    private static readonly ObjectShape Guest = new("What runs in the VM.",
    [
        new("test", TestGuest),
        new("linux", LinuxGuest),
    ], ExactlyOneOf: ["test", "linux"]);

    private static readonly ObjectShape Workload = new("The fault workload of the async-pf guest.",
    [
        new("pages", new IntegerShape("pages touched, each missing until the host resolves it", 1, 1024), Required: true),
        new("resolveDelay", new DurationShape("delay before the host resolves each fault (default 0)", 0, 60_000)),
        new("cpl", new IntegerShape("privilege level of the touching code (default 3)", 0, 3, [0, 3])),
        new("interrupts", new EnumShape("RFLAGS.IF while touching (default enabled)", ["enabled", "disabled"])),
    ]);

    private static readonly ObjectShape AsyncPf = new("The async #PF setup: MSR values and the fault workload.",
    [
        new("vector", Vector with { Description = "page-ready vector written to MSR_KVM_ASYNC_PF_INT" }),
        new("dataGpa", U64 with { Description = "GPA of the 64-byte data area: 64-byte aligned, inside guest RAM" }),
        new("en", new ListShape("flags of MSR_KVM_ASYNC_PF_EN",
            new EnumShape("EN flag", AsyncPfEn.FlagNames.Select(f => f.Key).ToArray()), MaxItems: 4)),
        new("enRaw", U64 with { Description = "raw MSR_KVM_ASYNC_PF_EN value for negative tests (replaces dataGpa and en; not checked)" }),
        new("workload", Workload),
    ]);

    private static readonly ObjectShape Events = new("Async #PF events the host observes; omitted = not checked.",
    [
        new("pageNotPresent", Count),
        new("pageReady", Count with { Description = "page-ready events excluding wakeup-all" }),
        new("wakeupAll", Count with { Description = "page-ready events with token 0xffffffff" }),
        new("tokensPaired", new BooleanShape("every page-not-present token is followed by a page-ready with the same token")),
        new("vector", Vector with { Description = "vector every page-ready arrives on" }),
    ]);

    private static readonly ObjectShape Abi = new("ABI checks.",
    [
        new("canaryIntact", new BooleanShape("bytes 8..67 of the data area keep the guest's canary")),
    ]);

    private static readonly BooleanShape GuestEnablesAsyncPf = new(
        "Linux guests only: the booted kernel writes MSR_KVM_ASYNC_PF_EN = 64-byte aligned GPA | enabled | delivery-as-int and MSR_KVM_ASYNC_PF_INT = 0xf3");

    private static readonly BooleanShape GuestTakesAsyncPf = new(
        "Linux guests only: while the workload reads its evicted pages, the host's KVM trace shows at least one page-not-present, "
        + "every one paired with a page-ready of the same token, and the guest verified every page's contents");

    private static readonly EnumShape HostReadOfGatedMsr = new(
        "what KVM_GET_MSRS does with an async #PF MSR this vCPU's CPUID gates under enforcement: refused, or reads-zero",
        GatedMsrHostReads.Names.Select(n => n.Key).ToArray());

    private static readonly EnumShape Flavour = new("a KVM flavour", KvmFlavours.Modules.Select(KvmFlavours.Name).Order(StringComparer.Ordinal).ToArray());

    private static readonly ObjectShape HostExpectations = new(
        "Overrides for the hosts this entry matches (flavour and kernel, each when given; at least one is), applied in order over the common expectations.",
    [
        new("flavour", Flavour),
        // The binder parses the range and explains a malformed one; a pattern here would only repeat it as a regex.
        new("kernel", new StringShape("host kernel releases (uname -r): space-separated bounds compared at their precision, e.g. '>=6.9 <6.13', '6.12'", null, 64)),
        new("events", Events),
        new("abi", Abi),
        new("guestEnablesAsyncPf", GuestEnablesAsyncPf),
        new("guestTakesAsyncPf", GuestTakesAsyncPf),
        new("hostReadOfGatedMsr", HostReadOfGatedMsr),
    ]);

    private static readonly ObjectShape Expect = new("Expected results.",
    [
        new("events", Events),
        new("abi", Abi),
        new("kernelAbi", new EnumShape(
            "Linux guests only: the kvm_vcpu_pv_apf_data layout the kernel image's BTF must show (vmspec abi verdict)",
            ApfDataLayouts.Names.Select(n => n.Key).ToArray())),
        new("guestEnablesAsyncPf", GuestEnablesAsyncPf),
        new("guestTakesAsyncPf", GuestTakesAsyncPf),
        new("hostReadOfGatedMsr", HostReadOfGatedMsr),
        new("when", new ListShape("Where results differ by host: overrides keyed by KVM flavour and host kernel release", HostExpectations, MinItems: 1, MaxItems: 32)),
    ]);

    public static readonly ObjectShape Root = new("A vmspec v1 spec.",
    [
        new("apiVersion", new EnumShape("language version", [ApiVersion]), Required: true),
        new("kind", new EnumShape("VmSpec (runnable) or VmSpecBase (only extended by others)", [SpecKind, BaseKind]), Required: true),
        new("extends", new StringShape("base spec, relative to this file", @"\.ya?ml$", 4096)),
        new("metadata", Metadata, Required: true),
        new("matrix", Matrix),
        new("machine", Machine, Required: true),
        new("cpuid", Cpuid),
        new("guest", Guest, Required: true),
        new("asyncPf", AsyncPf),
        new("expect", Expect),
        new("timeout", new DurationShape("limit for the whole run (default 30s)", 1, 3_600_000)),
    ]);
}
