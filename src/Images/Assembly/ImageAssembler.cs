using System.Text;
using Vmspec.Shared.Debian;
using Vmspec.SpecCompiler;
using Vmspec.SpecCompiler.Model;

namespace Vmspec.Images;

/// <summary>
/// Turns a compiled image definition into the <see cref="ImageDefinition"/> the OCI writer builds.
/// Layers, in a fixed order, from least to most often changed: (0) the pinned Debian packages,
/// (1) a lab image's host kernels, (2) the vmspec binary, (3) the spec sources, their compiled plans and an empty shared
/// /results.
/// Every input the compiler hashed is hashed again here, so an image never carries a lock file or
/// spec that differs from the one its plan digest stands for.
/// </summary>
public static class ImageAssembler
{
    public const string VmspecInstallPath = "usr/local/bin/vmspec";
    public const string PlansInstallDirectory = "opt/vmspec/plans";
    public const string ResultsDirectory = "results";

    public static ImageDefinition Assemble(CompiledImage image, ImageAssemblyInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(inputs);
        var plan = image.Plan;
        var root = Path.GetFullPath(inputs.RepositoryRoot);
        ImageLayer[] layers = plan.LabHosts.Count > 0
            ? [BaseLayer(plan, root, inputs), LabKernelsLayer(plan, inputs), VmspecLayer(plan, root), SpecsLayer(image, root)]
            : [BaseLayer(plan, root, inputs), VmspecLayer(plan, root), SpecsLayer(image, root)];
        var config = new ImageConfig
        {
            Entrypoint = plan.Entrypoint,
            Cmd = plan.Cmd,
            User = plan.User,
            Env = Environment(image).Select(static e => $"{e.Key}={e.Value}").ToList(),
            WorkingDir = plan.WorkingDir,
            Labels = plan.Labels.ToDictionary(StringComparer.Ordinal),
        };
        return new ImageDefinition(plan.Name, plan.Tag, layers, config,
            new ImageAnnotations(inputs.Revision, inputs.Source, Annotations(image)), inputs.SourceDateEpoch);
    }

    /// <summary>sha256 (hex) over the sorted "name digest\n" lines of the image's cases: one small annotation for all plans.</summary>
    public static string PlansSha256(CompiledImage image) =>
        Digest.Of(Encoding.UTF8.GetBytes(string.Concat(image.Cases
            .OrderBy(static c => c.Name, StringComparer.Ordinal)
            .Select(static c => $"{c.Name} {c.Digest}\n")))).Hex;

    private static ImageLayer BaseLayer(ImagePlan plan, string root, ImageAssemblyInputs inputs)
    {
        var relative = plan.Base.DebianLock;
        var bytes = ReadInput(root, relative, "the Debian lock file");
        var actual = Digest.Of(bytes).Hex;
        if (actual != plan.Base.DebianLockSha256)
        {
            throw new ImageBuildException($"{relative}: the Debian lock file changed after the image definition was compiled (sha256 {actual}, compiled against {plan.Base.DebianLockSha256}); compile the image again");
        }

        var lockFile = DebianPackageLayer.Guard(() => DebianLockFile.Parse(bytes, relative));
        var selected = new List<DebianPackage>();
        foreach (var name in plan.Base.Packages)
        {
            selected.Add(lockFile.Packages.FirstOrDefault(p => p.Name == name)
                ?? throw new ImageBuildException($"{relative}: package '{name}' of image '{plan.Name}' is not pinned"));
        }

        // Unpacking the packages is most of a build's work: the layer cache finds the blob by the packages' hashes instead.
        var packages = new DebianLockFile(selected);
        var keep = plan.Base.Keep;
        return new ImageLayer("debian: " + string.Join(", ", selected) + (keep.Count > 0 ? $"; kept: {string.Join(", ", keep)} and what they need" : ""),
            DebianPackageLayer.InputKey(packages, keep), () => DebianPackageLayer.Build(packages, inputs.Debs, keep));
    }

    /// <summary>The environment variables that tell vmspec where a lab image keeps its host kernels and their definitions.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> LabEnvironment { get; } =
    [
        new(HostKernelCatalog.DirectoryVariable, ImagePlan.HostsInstallDirectory),
        new(LabKernelDirectory.EnvironmentVariable, ImagePlan.LabKernelsInstallDirectory),
    ];

    /// <summary>The definition's env, and a lab image's <see cref="LabEnvironment"/>, sorted by name; the builder's own names are refused in env.</summary>
    private static IEnumerable<KeyValuePair<string, string>> Environment(CompiledImage image)
    {
        if (image.Plan.LabHosts.Count == 0)
            return image.Plan.Env;
        if (image.Plan.Env.FirstOrDefault(e => LabEnvironment.Any(l => l.Key == e.Key)) is { Key: not null } own)
            throw new ImageBuildException($"{image.SourceFile}: environment variable '{own.Key}' is set by the image builder for the lab; remove it from image.env");
        return image.Plan.Env.Concat(LabEnvironment).OrderBy(e => e.Key, StringComparer.Ordinal);
    }

    /// <summary>Each host kernel's folder under /opt/vmspec/lab-kernels, in host name order; cached by the kernels' pins.</summary>
    private static ImageLayer LabKernelsLayer(ImagePlan plan, ImageAssemblyInputs inputs)
    {
        var kernels = inputs.LabKernels
            ?? throw new ImageBuildException($"image '{plan.Name}' has a lab, but this build provides no host kernel files for it");
        var installDirectory = ImagePlan.LabKernelsInstallDirectory.TrimStart('/');
        return new ImageLayer("lab kernels: " + string.Join(", ", plan.LabHosts.Select(h => $"{h.Name} ({h.Package}={h.Version})")),
            "lab-kernels\n" + string.Concat(plan.LabHosts.Select(h => kernels.InputKey(h) + "\n")),
            () => plan.LabHosts.SelectMany(host =>
            {
                var (folder, files) = kernels.Files(host);
                return files.Select(f => LayerEntry.FromSourceFile($"{installDirectory}/{folder}/{f.Path}", f.Source, executable: false));
            }).ToList());
    }

    private static ImageLayer VmspecLayer(ImagePlan plan, string root)
    {
        var binary = Resolve(root, plan.VmspecBinary);
        if (!File.Exists(binary))
        {
            throw new ImageBuildException($"{plan.VmspecBinary}: the vmspec binary is missing; run ./build.sh Publish");
        }

        return new ImageLayer($"vmspec: {plan.VmspecBinary}", [LayerEntry.FromSourceFile(VmspecInstallPath, binary, executable: true)]);
    }

    private static ImageLayer SpecsLayer(CompiledImage image, string root)
    {
        var entries = new List<LayerEntry>();
        foreach (var file in image.Plan.SpecFiles)
        {
            // Held in memory (specs are small) so the bytes hashed are the bytes written.
            var bytes = ReadInput(root, file.Path, "spec file");
            var actual = Digest.Of(bytes).Hex;
            if (actual != file.Sha256)
            {
                throw new ImageBuildException($"{file.Path}: the spec file changed after the image definition was compiled (sha256 {actual}, compiled against {file.Sha256}); compile the image again");
            }

            entries.Add(LayerEntry.File(ImagePlan.InstallPath(file.Path), bytes));
        }

        foreach (var compiled in image.Cases)
        {
            if (compiled.Name.Contains('/'))
            {
                throw new ImageBuildException($"{compiled.SourceFile}: case name '{compiled.Name}' cannot name a plan file (it contains '/')");
            }

            entries.Add(LayerEntry.File($"{PlansInstallDirectory}/{compiled.Name}.plan.json", compiled.CanonicalJson));
        }

        entries.Add(LayerEntry.SharedDirectory(ResultsDirectory));
        return new ImageLayer($"specs: {image.Plan.SpecFiles.Count} files, {image.Cases.Count} plans; /results", entries);
    }

    private static Dictionary<string, string> Annotations(CompiledImage image)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in image.Plan.Annotations)
        {
            if (key is VmspecAnnotations.PlanDigest or VmspecAnnotations.PlansSha256)
            {
                throw new ImageBuildException($"{image.SourceFile}: annotation '{key}' is set by the image builder; remove it from image.annotations");
            }

            map[key] = value;
        }

        map[VmspecAnnotations.PlanDigest] = image.Digest;
        map[VmspecAnnotations.PlansSha256] = PlansSha256(image);
        return map;
    }

    private static byte[] ReadInput(string root, string relative, string what)
    {
        try
        {
            return File.ReadAllBytes(Resolve(root, relative));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageBuildException($"{relative}: cannot read {what} (it was there when the image definition was compiled): {e.Message}", e);
        }
    }

    /// <summary>A plan's repository-relative path on this checkout; plans never point outside the repository.</summary>
    private static string Resolve(string root, string relative)
    {
        var full = Path.GetFullPath(Path.Combine(root, relative));
        return full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? full
            : throw new ImageBuildException($"'{relative}' lies outside the repository {root}");
    }
}
