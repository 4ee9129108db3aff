namespace Vmspec.Lab.Modules;

/// <summary>
/// The modules to insmod, dependencies first, for a set of root modules: read from the modules' own depends= (no
/// depmod output needed); a root built into the kernel (modules.builtin) needs nothing.
/// </summary>
public static class ModuleClosure
{
    public static IReadOnlyList<KernelModule> Resolve(string modulesDirectory, IEnumerable<string> roots)
    {
        var files = IndexModuleFiles(modulesDirectory);
        var builtin = ReadBuiltin(modulesDirectory);
        var order = new List<KernelModule>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        var visiting = new Stack<string>();

        void Visit(string name, string neededBy)
        {
            if (done.Contains(name) || builtin.Contains(name))
                return;
            if (visiting.Contains(name))
                throw new LabException($"module dependency cycle: {string.Join(" -> ", visiting.Reverse().Append(name))}");
            if (!files.TryGetValue(name, out var path))
                throw new LabException($"module {name} (needed by {neededBy}) is neither in {modulesDirectory} nor built into the kernel (modules.builtin)");
            visiting.Push(name);
            var module = KernelModule.Read(path);
            foreach (string dependency in module.Depends)
                Visit(dependency, name);
            visiting.Pop();
            done.Add(name);
            order.Add(module);
        }

        foreach (string root in roots)
            Visit(KernelModuleFileNames.Normalize(root), "the lab");
        return order;
    }

    private static Dictionary<string, string> IndexModuleFiles(string modulesDirectory)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        string kernel = Path.Combine(modulesDirectory, "kernel");
        if (!Directory.Exists(kernel))
            throw new LabException($"{modulesDirectory} has no kernel/ folder: not a modules folder (lib/modules/RELEASE)");
        var paths = Directory.EnumerateFiles(kernel, "*.ko*", SearchOption.AllDirectories)
            .Where(KernelModuleFileNames.IsModule).Order(StringComparer.Ordinal);
        foreach (string path in paths)
            files.TryAdd(KernelModuleFileNames.ModuleName(path), path);
        return files;
    }

    private static HashSet<string> ReadBuiltin(string modulesDirectory)
    {
        string list = Path.Combine(modulesDirectory, "modules.builtin");
        if (!File.Exists(list))
            return [];
        return File.ReadLines(list).Where(KernelModuleFileNames.IsModule)
            .Select(KernelModuleFileNames.ModuleName).ToHashSet(StringComparer.Ordinal);
    }
}
