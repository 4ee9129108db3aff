namespace Vmspec.SpecCompiler.Language;

/// <summary>
/// The host kernel language (<c>kind: HostKernel</c>, same apiVersion as specs, kept in specs/hosts/):
/// the kernel a lab boots as the host whose KVM runs the specs. Data only: which kernel, from where.
/// Checked by the same <see cref="ShapeChecker"/>; the host schema is generated from <see cref="Root"/>.
/// Path rules (resolved against the file's folder, must exist) live in the host binder.
/// </summary>
internal static class HostLanguage
{
    public const string HostKind = "HostKernel";

    /// <summary>Where the checked-in host kernels live, below the specs directory.</summary>
    public const string HostsDirectory = "hosts";

    public const string NamePattern = "^[a-z0-9][a-z0-9.-]{0,62}$";

    private static readonly StringShape LocalPath = new(
        "a path relative to the host kernel file's folder, or absolute", PathText.Pattern, 4096);

    private static readonly ObjectShape Metadata = new("What the host kernel is.",
    [
        new("name", new StringShape("host kernel name (what --host takes): lower-case letters, digits, '.' and '-'",
            NamePattern, 63), Required: true),
        new("description", new StringShape("what the host kernel is and why it is worth testing on", null, 2000)),
    ]);

    private static readonly ObjectShape Local = new("A kernel developer's own build.",
    [
        new("bzImage", LocalPath with { Description = "the bzImage (arch/x86/boot/bzImage), relative to the host kernel file's folder or absolute" },
            Required: true),
        new("modules", LocalPath with
        {
            Description = "the lib/modules/<release> folder of 'make modules_install' (holds modules.builtin and kernel/**.ko), relative to the host kernel file's folder or absolute",
        }, Required: true),
    ]);

    private static readonly ObjectShape Kernel = new("The host kernel: a Debian package or a local build.",
    [
        new("debian", SpecLanguage.DebianPackage with
        {
            Description = "A Debian linux-image package: the bzImage is its ./boot/vmlinuz-*, the modules its ./lib/modules/<release>/.",
        }),
        new("local", Local),
    ], ExactlyOneOf: ["debian", "local"]);

    public static readonly ObjectShape Root = new("A vmspec v1 host kernel.",
    [
        new("apiVersion", new EnumShape("language version", [SpecLanguage.ApiVersion]), Required: true),
        new("kind", new EnumShape(HostKind, [HostKind]), Required: true),
        new("metadata", Metadata, Required: true),
        new("default", new BooleanShape("the host kernel used when none is named (default false); exactly one host kernel of a catalog has default: true")),
        new("kernel", Kernel, Required: true),
    ]);
}
