using Vmspec.SpecCompiler.Binding;

namespace Vmspec.SpecCompiler.Hosts;

/// <summary>
/// Builds the <see cref="HostKernelSpec"/> from a shape-checked host kernel file: resolves local
/// paths against the file's folder and checks they exist. Tolerates nodes the shape checker rejected.
/// </summary>
internal sealed class HostKernelBinder(DiagnosticBag diagnostics, string file)
{
    private const string ModulesBuiltin = "modules.builtin";

    private readonly BindingErrors _errors = new(diagnostics);

    /// <summary>The host kernel and where its name and <c>default</c> are written, or null when there are errors (all reported).</summary>
    public BoundHostKernel? Bind(YamlMapping root)
    {
        var nameNode = Get(Map(root, "metadata"), "name");
        var name = Text(nameNode);
        if (nameNode is not null && name is not null && HostKernelCatalog.IsPath(name))
            _errors.Add(nameNode, "metadata.name", $"'{name}' would be taken for a file by --host; a host kernel name neither ends in .yaml or .yml nor holds a '/'");

        var kernel = Map(root, "kernel");
        HostKernelSource? source = null;
        if (Map(kernel, "debian") is { } debian && DebianPackageBinder.Bind(debian) is (var package, var version, var sha256))
            source = new DebianHostKernel(package, version, sha256);
        if (Map(kernel, "local") is { } local)
            source = BindLocal(local);

        var defaultNode = Get(root, "default");
        if (_errors.Any || nameNode is null || name is null || source is null)
            return null;
        var host = new HostKernelSpec(name, Text(Get(Map(root, "metadata"), "description")), Boolean(defaultNode) ?? false, Path.GetFullPath(file), source);
        return new BoundHostKernel(host, nameNode.Location, defaultNode?.Location);
    }

    private LocalHostKernel? BindLocal(YamlMapping local)
    {
        var bzImage = Resolve(Get(local, "bzImage"), "kernel.local.bzImage", directory: false);
        var modulesNode = Get(local, "modules");
        var modules = Resolve(modulesNode, "kernel.local.modules", directory: true);
        if (modules is not null && !File.Exists(Path.Join(modules, ModulesBuiltin)))
        {
            _errors.Add(modulesNode!, "kernel.local.modules",
                $"'{modules}' holds no {ModulesBuiltin}: expected the lib/modules/<release> folder that 'make modules_install' writes");
            return null;
        }
        return bzImage is null || modules is null ? null : new LocalHostKernel(bzImage, modules);
    }

    /// <summary>The absolute path a local path names (relative ones against the file's folder), when it exists as a file or folder.</summary>
    private string? Resolve(YamlNode? node, string path, bool directory)
    {
        if (node is null || Text(node) is not { } text || !PathText.IsUsable(text))
            return null;
        string full;
        try
        {
            full = Path.GetFullPath(Path.IsPathRooted(text) ? text : Path.Join(Path.GetDirectoryName(Path.GetFullPath(file)), text));
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            _errors.Add(node, path, $"'{text}' is not a usable path: {e.Message}");
            return null;
        }
        var (wanted, other) = directory ? ("folder", "file") : ("file", "folder");
        if (directory ? Directory.Exists(full) : File.Exists(full))
            return full;
        _errors.Add(node, path, (directory ? File.Exists(full) : Directory.Exists(full))
            ? $"'{full}' is a {other}; expected a {wanted}"
            : $"{wanted} '{full}' does not exist");
        return null;
    }
}

/// <summary>A compiled host kernel with the positions the catalog reports duplicate names and defaults at.</summary>
internal sealed record BoundHostKernel(HostKernelSpec Host, SourceLocation NameAt, SourceLocation? DefaultAt);
