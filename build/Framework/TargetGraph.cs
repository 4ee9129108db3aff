using System.Reflection;

namespace Vmspec.Build.Framework;

/// <summary>The targets of a build class (its <see cref="Target"/> properties) and their dependency order.</summary>
internal sealed class TargetGraph
{
    private readonly Dictionary<string, TargetDefinition> _byName;
    private readonly Dictionary<string, IReadOnlyList<string>> _dependencies;

    private TargetGraph(Dictionary<string, TargetDefinition> byName, Dictionary<string, IReadOnlyList<string>> dependencies)
    {
        _byName = byName;
        _dependencies = dependencies;
    }

    public IEnumerable<TargetDefinition> All => _byName.Values.OrderBy(t => t.Name, StringComparer.Ordinal);

    public static TargetGraph Discover(object build)
    {
        var declarations = build.GetType()
            .GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .Where(p => p.PropertyType == typeof(Target))
            .Select(p => (p.Name, Declaration: (Target)p.GetValue(build)!))
            .ToList();
        // Each read of an expression-bodied property yields a new delegate over the same lambda, so a
        // dependency is recognised by the method it points to, not by delegate identity.
        var nameByMethod = declarations.ToDictionary(d => d.Declaration.Method, d => d.Name);
        var byName = new Dictionary<string, TargetDefinition>(StringComparer.OrdinalIgnoreCase);
        var dependencies = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, declaration) in declarations)
        {
            var definition = new TargetDefinition(name);
            declaration(definition);
            byName[name] = definition;
            dependencies[name] = definition.Dependencies
                .Select(d => nameByMethod.TryGetValue(d.Method, out var dependency)
                    ? dependency
                    : throw new BuildException($"Target '{name}' depends on a target that is not a property of the build"))
                .ToList();
        }
        return new TargetGraph(byName, dependencies);
    }

    public TargetDefinition Get(string name) =>
        _byName.TryGetValue(name, out var definition)
            ? definition
            : throw new BuildException($"Unknown target '{name}'. Targets: {string.Join(", ", All.Select(t => t.Name))}");

    public IReadOnlyList<string> DependenciesOf(string name) => _dependencies[Get(name).Name];

    /// <summary>
    /// The execution order for the requested targets: dependencies first, each target once, in the
    /// order requested and then declared in DependsOn. A skipped target is left out, its own
    /// dependencies still run unless skipped too.
    /// </summary>
    public IReadOnlyList<TargetDefinition> Plan(IEnumerable<string> requested, IEnumerable<string> skipped)
    {
        var skip = skipped.Select(s => Get(s).Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var order = new List<TargetDefinition>();
        var done = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in requested)
            Visit(Get(name).Name, order, done, []);
        return order.Where(t => !skip.Contains(t.Name)).ToList();
    }

    private void Visit(string name, List<TargetDefinition> order, HashSet<string> done, List<string> path)
    {
        if (done.Contains(name))
            return;
        if (path.Contains(name))
            throw new BuildException($"Dependency cycle: {string.Join(" -> ", path.SkipWhile(p => p != name).Append(name))}");
        path.Add(name);
        foreach (var dependency in DependenciesOf(name))
            Visit(dependency, order, done, path);
        path.RemoveAt(path.Count - 1);
        done.Add(name);
        order.Add(_byName[name]);
    }
}
