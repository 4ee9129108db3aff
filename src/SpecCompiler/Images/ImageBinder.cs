using Vmspec.Shared.Debian;
using Vmspec.SpecCompiler.Binding;

namespace Vmspec.SpecCompiler.Images;

/// <summary>
/// Builds the <see cref="ImagePlan"/> from a shape-checked image definition: applies defaults,
/// resolves the lock file and the spec globs against the disk, and compiles every spec the image
/// will carry (their errors are the image's errors). Tolerates nodes the shape checker rejected.
/// </summary>
internal sealed class ImageBinder(DiagnosticBag diagnostics, string file, RepositoryPaths repository)
{
    private readonly BindingErrors _errors = new(diagnostics);

    /// <summary>The plan and the cases of its specs, or null when there are errors (all reported).</summary>
    public (ImagePlan Plan, IReadOnlyList<CompiledCase> Cases)? Bind(YamlMapping root)
    {
        var metadata = Map(root, "metadata");
        var image = Map(root, "image");
        var name = Text(Get(metadata, "name"));
        var imageBase = BindBase(Map(image, "base"));
        var vmspec = BindVmspec(Get(image, "vmspec"));
        var (specFiles, cases) = BindSpecs(Get(image, "specs"));
        var labHosts = BindLab(Map(image, "lab"), specFiles);
        var user = Text(Get(image, "user")) ?? ImageLanguage.DefaultUser;
        if (Get(image, "user") is { } userNode && IsRoot(user))
            _errors.Add(userNode, "image.user", $"the image must not run as root (found '{user}'); give /dev/kvm access through a group instead");

        if (_errors.Any || name is null || imageBase is null || vmspec is null)
            return null;
        var plan = new ImagePlan(
            new SpecInfo(name, Text(Get(metadata, "description")) ?? "", SortedMap(Map(metadata, "labels"))),
            Text(Get(image, "tag")) ?? ImageLanguage.DefaultTag,
            imageBase,
            vmspec,
            specFiles.Select(f => new ImageFile(f.Key, f.Value)).ToArray(),
            labHosts,
            Strings(Get(image, "entrypoint")) ?? ImageLanguage.DefaultEntrypoint,
            Strings(Get(image, "cmd")) ?? ImageLanguage.DefaultCmd,
            user,
            Text(Get(image, "workingDir")) ?? ImageLanguage.DefaultWorkingDir,
            SortedMap(Map(image, "env")),
            SortedMap(Map(image, "labels")),
            SortedMap(Map(image, "annotations")));
        return (plan, cases);
    }

    private ImageBase? BindBase(YamlMapping? node)
    {
        var lockNode = Get(node, "debianLock");
        if (lockNode is null || ResolveFile(lockNode, "image.base.debianLock") is not { } lockPath)
            return null;
        var relative = repository.Relative(lockPath)!;
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(lockPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _errors.Add(lockNode, "image.base.debianLock", $"cannot read '{relative}': {e.Message}");
            return null;
        }
        HashSet<string> pinned;
        try
        {
            pinned = DebianLockFile.Parse(bytes, relative).Packages.Select(static p => p.Name).ToHashSet(StringComparer.Ordinal);
        }
        catch (DebianPackageException e)
        {
            _errors.Add(lockNode, "image.base.debianLock", e.Message);
            return null;
        }

        var packages = Items(Get(node, "packages"));
        var names = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < packages.Count; i++)
        {
            if (Text(packages[i]) is not { } package)
                continue;
            if (!names.Add(package))
                _errors.Add(packages[i], $"image.base.packages[{i}]", $"package '{package}' is listed twice");
            else if (!pinned.Contains(package))
                _errors.Add(packages[i], $"image.base.packages[{i}]", $"package '{package}' is not pinned in '{relative}'; add it to the lock file first");
        }
        var keep = new SortedSet<string>(StringComparer.Ordinal);
        var keepItems = Items(Get(node, "keep"));
        for (var i = 0; i < keepItems.Count; i++)
        {
            if (Text(keepItems[i]) is not { } path)
                continue;
            if (!keep.Add(path))
                _errors.Add(keepItems[i], $"image.base.keep[{i}]", $"'{path}' is listed twice");
            else if (path.Split('/').Any(s => s is "" or "." or ".."))
                _errors.Add(keepItems[i], $"image.base.keep[{i}]", $"'{path}' is not a plain path inside the packages (an empty, '.' or '..' segment)");
        }
        return new ImageBase(relative, CanonicalJson.Sha256Hex(bytes), names.ToArray(), keep.ToArray());
    }

    /// <summary>The lab's host kernels, sorted by name; each definition (and the schema it names) joins the spec files.</summary>
    private IReadOnlyList<ImageLabHost> BindLab(YamlMapping? node, SortedDictionary<string, string> specFiles)
    {
        var hosts = new SortedDictionary<string, ImageLabHost>(StringComparer.Ordinal);
        var globs = Items(Get(node, "hosts"));
        for (var i = 0; i < globs.Count; i++)
        {
            var path = $"image.lab.hosts[{i}]";
            if (Text(globs[i]) is not { } glob || !PathText.IsUsable(glob))
                continue;
            if (Path.IsPathRooted(glob))
            {
                _errors.Add(globs[i], path, $"expected a glob relative to the image definition, found absolute path '{glob}'");
                continue;
            }
            var matches = SpecGlob.Expand(file, glob, SpecFiles.IsHostKernel);
            if (matches.Count == 0)
                _errors.Add(globs[i], path, $"'{glob}' matches no host kernel file");
            foreach (var hostFile in matches)
            {
                var relative = repository.Relative(hostFile);
                if (relative is null || !relative.StartsWith($"{RepositoryPaths.SpecsDirectory}/{HostLanguage.HostsDirectory}/", StringComparison.Ordinal)
                    || relative.Count(c => c == '/') != 2)
                {
                    _errors.Add(globs[i], path, $"'{relative ?? hostFile}' is not in {RepositoryPaths.SpecsDirectory}/{HostLanguage.HostsDirectory}/, the one folder the image's VMSPEC_HOSTS names");
                    continue;
                }
                var compiled = HostKernelCompiler.Compile(hostFile);
                _errors.AddRange(compiled.Diagnostics, failed: !compiled.Succeeded);
                if (compiled.Host is not { } host)
                    continue;
                if (host.Source is not DebianHostKernel debian)
                {
                    _errors.Add(globs[i], path, $"host kernel '{host.Name}' ({relative}) is a local build; a lab image carries Debian host kernels only");
                    continue;
                }
                if (hosts.TryGetValue(host.Name, out var first))
                {
                    if (first.File != relative)
                        _errors.Add(globs[i], path, $"host kernel '{host.Name}' of {relative} is also defined by {first.File}");
                    continue;
                }
                hosts.Add(host.Name, new ImageLabHost(host.Name, relative, debian.Package, debian.Version, debian.Sha256));
                foreach (var needed in SpecClosure.Of(hostFile).Prepend(hostFile))
                    AddFile(specFiles, needed, globs[i], path, hostFile);
            }
        }
        return hosts.Values.ToArray();
    }

    private string? BindVmspec(YamlNode? node)
    {
        if (node is null)
            return ImageLanguage.DefaultVmspecBinary;
        if (Text(node) is not { } path || !PathText.IsUsable(path))
            return null;
        if (Path.IsPathRooted(path))
        {
            _errors.Add(node, "image.vmspec", $"expected a path relative to the repository root, found absolute path '{path}'");
            return null;
        }
        // The binary is built after the definition is compiled, so only its place is checked.
        if (repository.Relative(Path.Join(repository.Root, path)) is not { } relative || relative == ".")
        {
            _errors.Add(node, "image.vmspec", $"expected a file inside the repository, found '{path}'");
            return null;
        }
        return relative;
    }

    private (SortedDictionary<string, string> Files, IReadOnlyList<CompiledCase> Cases) BindSpecs(YamlNode? node)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var cases = new List<CompiledCase>();
        var caseNames = new CaseNames();
        var compiledSpecs = new HashSet<string>(StringComparer.Ordinal);
        var globs = Items(node);
        for (var i = 0; i < globs.Count; i++)
        {
            var path = $"image.specs[{i}]";
            if (Text(globs[i]) is not { } glob || !PathText.IsUsable(glob))
                continue;
            if (Path.IsPathRooted(glob))
            {
                _errors.Add(globs[i], path, $"expected a glob relative to the image definition, found absolute path '{glob}'");
                continue;
            }
            var matches = SpecGlob.Expand(file, glob);
            if (matches.Count == 0)
                _errors.Add(globs[i], path, $"'{glob}' matches no file");
            foreach (var spec in matches)
            {
                foreach (var needed in SpecClosure.Of(spec).Prepend(spec))
                    AddFile(files, needed, globs[i], path, spec);
                if (!compiledSpecs.Add(spec))
                    continue;
                var result = SpecCompilation.CompileFile(spec);
                _errors.AddRange(result.Diagnostics, failed: !result.Succeeded);
                foreach (var compiled in result.Cases)
                {
                    if (caseNames.TryClaim(compiled, out var first))
                        cases.Add(compiled);
                    else
                        _errors.Add(globs[i], path, $"case '{compiled.Name}' of {repository.Relative(spec)} is also produced by {repository.Relative(first!)}");
                }
            }
        }
        return (files, cases.OrderBy(c => c.Name, StringComparer.Ordinal).ToArray());
    }

    private void AddFile(SortedDictionary<string, string> files, string fullPath, YamlNode glob, string path, string spec)
    {
        var relative = repository.Relative(fullPath);
        if (relative is null || !RepositoryPaths.InSpecs(relative))
        {
            _errors.Add(glob, path, $"'{relative ?? fullPath}' (needed by {repository.Relative(spec) ?? spec}) is not under the repository's {RepositoryPaths.SpecsDirectory}/ directory, so it has no place under {ImageLanguage.SpecsInstallDir}");
            return;
        }
        if (files.ContainsKey(relative))
            return;
        try
        {
            files.Add(relative, CanonicalJson.Sha256Hex(File.ReadAllBytes(fullPath)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _errors.Add(glob, path, $"cannot read '{relative}' (needed by {repository.Relative(spec) ?? spec}): {e.Message}");
        }
    }

    /// <summary>A path relative to the image definition that names an existing file inside the repository.</summary>
    private string? ResolveFile(YamlNode node, string path)
    {
        if (Text(node) is not { } text || !PathText.IsUsable(text))
            return null;
        if (Path.IsPathRooted(text))
        {
            _errors.Add(node, path, $"expected a path relative to the image definition, found absolute path '{text}'");
            return null;
        }
        var full = Path.GetFullPath(Path.Join(Path.GetDirectoryName(Path.GetFullPath(file)), text));
        if (repository.Relative(full) is null)
            _errors.Add(node, path, $"'{text}' lies outside the repository ({repository.Root})");
        else if (!File.Exists(full))
            _errors.Add(node, path, $"file '{text}' does not exist");
        else
            return full;
        return null;
    }

    private static bool IsRoot(string user)
    {
        var name = user.Split(':')[0];
        return name is "0" or "root";
    }

    private static IReadOnlyList<string>? Strings(YamlNode? node) =>
        node is YamlSequence sequence ? sequence.Items.Select(i => Text(i) ?? "").ToArray() : null;

    private static IReadOnlyList<KeyValuePair<string, string>> SortedMap(YamlMapping? map) =>
        (map?.Entries ?? [])
            .Select(e => new KeyValuePair<string, string>(e.Key.Value, Text(e.Value) ?? ""))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .ToArray();
}
