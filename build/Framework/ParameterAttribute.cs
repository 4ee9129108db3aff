namespace Vmspec.Build.Framework;

/// <summary>
/// Marks a build property as a parameter: set by <c>--kebab-name value</c> on the command line or by
/// the environment variable <c>UPPER_SNAKE_NAME</c>; the flag wins.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ParameterAttribute(string description) : Attribute
{
    public string Description { get; } = description;
}
