namespace Vmspec.Build.Framework;

/// <summary>A build target, declared NUKE-style: <c>Target Compile => _ => _.DependsOn(Restore).Executes(...)</c>.</summary>
public delegate ITargetDefinition Target(ITargetDefinition definition);

/// <summary>The fluent surface a target declaration configures.</summary>
public interface ITargetDefinition
{
    ITargetDefinition Description(string text);
    ITargetDefinition DependsOn(params Target[] targets);
    ITargetDefinition Executes(Action action);
    ITargetDefinition Executes(Func<Task> action);
}
