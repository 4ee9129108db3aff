namespace Vmspec.SpecCompiler.Language;

/// <summary>
/// The image definition language (<c>kind: ImageSpec</c>, same apiVersion as specs): a reproducible
/// OCI image that runs vmspec verification. Checked by the same <see cref="ShapeChecker"/>; the
/// image schema is generated from <see cref="Root"/>. Path and glob rules live in the image binder.
/// </summary>
internal static class ImageLanguage
{
    public const string ImageKind = "ImageSpec";
    public const string DefaultTag = "latest";
    public const string DefaultVmspecBinary = "artifacts/bin/vmspec";
    public const string VmspecInstallPath = "/usr/local/bin/vmspec";
    public const string SpecsInstallDir = "/opt/vmspec/specs";
    public const string DefaultUser = "10001:10001";
    public const string DefaultWorkingDir = "/";
    public const string LabKernelsInstallDir = ImagePlan.LabKernelsInstallDirectory;
    public const string HostsInstallDir = ImagePlan.HostsInstallDirectory;
    public static readonly IReadOnlyList<string> DefaultEntrypoint = [VmspecInstallPath];
    public static readonly IReadOnlyList<string> DefaultCmd = ["verify", SpecsInstallDir, "--results", "/results"];

    private static readonly StringShape RelativePath = new("a path relative to the image definition", PathText.Pattern, 4096);
    private static readonly StringShape Argument = new("one argument", null, 4096);
    private static readonly StringShape MapValue = new("value", null, 4096);

    private static readonly ObjectShape Metadata = new("What the image is.",
    [
        new("name", new StringShape("image name (repository): lower-case letters, digits, '.', '_' and '-'",
            "^[a-z0-9][a-z0-9._-]{0,127}$", 128), Required: true),
        new("description", new StringShape("what the image is for", null, 2000)),
        new("labels", new MapShape("free-form labels for selecting image definitions",
            new StringShape("label value", null, 256), KeyPattern: "^[a-z0-9][a-z0-9./-]{0,62}$")),
    ]);

    private static readonly ObjectShape Base = new("The root filesystem: packages pinned by a Debian lock file.",
    [
        new("debianLock", RelativePath with { Description = "the Debian lock file (JSON), relative to the image definition" }, Required: true),
        new("packages", new ListShape("names of the lock file's packages to install",
            new StringShape("Debian package name", "^[a-z0-9][a-z0-9+.-]{1,127}$", 128), MinItems: 1, MaxItems: 256), Required: true),
        new("keep", new ListShape(
            "only these files of the packages (paths without a leading '/', '*' within a name) and, for each ELF file kept, the shared "
            + "libraries it needs (its interpreter and DT_NEEDED, found in the packages' library folders, symbolic links followed); "
            + "default: every file but documentation",
            new StringShape("path or glob inside the packages", "^[A-Za-z0-9_.+*-][A-Za-z0-9_.+*/-]*$", 4096), MinItems: 1, MaxItems: 256)),
    ]);

    private static readonly ObjectShape Lab = new(
        $"The KVM lab inside the image: the host kernels it carries (their boot image and the modules the lab loads) under {LabKernelsInstallDir}, "
        + $"their definitions under {HostsInstallDir}; the builder sets VMSPEC_LAB_KERNELS and VMSPEC_HOSTS to those folders. "
        + "The base must provide qemu-system-x86_64 and a static busybox.",
    [
        new("hosts", new ListShape(
            $"globs (relative to the image definition) of HostKernel files in specs/{HostLanguage.HostsDirectory}/ (Debian kernels only)",
            new StringShape("glob", PathText.Pattern, 4096), MinItems: 1, MaxItems: 64), Required: true),
    ]);

    private static readonly ObjectShape Image = new("The image and its OCI config.",
    [
        new("tag", new StringShape($"image tag (default {DefaultTag})", "^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$", 128)),
        new("base", Base, Required: true),
        new("lab", Lab),
        new("vmspec", new StringShape(
            $"the NativeAOT vmspec binary, relative to the repository root (default {DefaultVmspecBinary}); installed at {VmspecInstallPath}",
            PathText.Pattern, 4096)),
        new("specs", new ListShape(
            $"globs (relative to the image definition) of the specs whose sources and plans go under {SpecsInstallDir}; '*' within a name, '**' across directories",
            new StringShape("glob", PathText.Pattern, 4096), MinItems: 1, MaxItems: 64), Required: true),
        new("entrypoint", new ListShape($"entrypoint (default [{VmspecInstallPath}])", Argument, MinItems: 1, MaxItems: 64)),
        new("cmd", new ListShape($"default arguments (default [{string.Join(", ", DefaultCmd)}])", Argument, MaxItems: 64)),
        new("user", new StringShape($"user[:group] the container runs as, never root (default {DefaultUser}); /dev/kvm comes through a group",
            "^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,31})?$", 65)),
        new("workingDir", new StringShape($"absolute working directory (default {DefaultWorkingDir})", "^/", 4096)),
        new("env", new MapShape("environment variables", MapValue, KeyPattern: "^[A-Za-z_][A-Za-z0-9_]{0,127}$")),
        new("labels", new MapShape("OCI config labels", MapValue, KeyPattern: "^[A-Za-z0-9][A-Za-z0-9._/-]{0,255}$")),
        new("annotations", new MapShape("OCI manifest annotations", MapValue, KeyPattern: "^[A-Za-z0-9][A-Za-z0-9._/-]{0,255}$")),
    ]);

    public static readonly ObjectShape Root = new("A vmspec v1 image definition.",
    [
        new("apiVersion", new EnumShape("language version", [SpecLanguage.ApiVersion]), Required: true),
        new("kind", new EnumShape("ImageSpec", [ImageKind]), Required: true),
        new("metadata", Metadata, Required: true),
        new("image", Image, Required: true),
    ]);
}
