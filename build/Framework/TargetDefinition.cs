namespace Vmspec.Build.Framework;

/// <summary>What a target declaration produced: its name, description, dependencies and actions.</summary>
internal sealed class TargetDefinition(string name) : ITargetDefinition
{
    private readonly List<Target> _dependencies = [];
    private readonly List<Func<Task>> _actions = [];

    public string Name { get; } = name;
    public string Text { get; private set; } = "";
    public IReadOnlyList<Target> Dependencies => _dependencies;
    public IReadOnlyList<Func<Task>> Actions => _actions;

    public ITargetDefinition Description(string text)
    {
        Text = text;
        return this;
    }

    public ITargetDefinition DependsOn(params Target[] targets)
    {
        _dependencies.AddRange(targets);
        return this;
    }

    public ITargetDefinition Executes(Action action)
    {
        _actions.Add(() =>
        {
            action();
            return Task.CompletedTask;
        });
        return this;
    }

    public ITargetDefinition Executes(Func<Task> action)
    {
        _actions.Add(action);
        return this;
    }
}
