using System.Globalization;
using System.Reflection;
using System.Text;

namespace Vmspec.Build.Framework;

/// <summary>One [Parameter] property of a build, with its flag and environment names.</summary>
internal sealed class BuildParameter(PropertyInfo property, string description)
{
    public string Description { get; } = description;
    public string Flag { get; } = "--" + Words(property.Name, '-').ToLowerInvariant();
    public string EnvironmentVariable { get; } = Words(property.Name, '_').ToUpperInvariant();
    public bool IsSwitch => property.PropertyType == typeof(bool);
    public Type Type => property.PropertyType;

    public static IReadOnlyList<BuildParameter> Discover(object build) =>
        build.GetType()
            .GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .Select(p => (Property: p, Attribute: p.GetCustomAttribute<ParameterAttribute>()))
            .Where(p => p.Attribute is not null)
            .Select(p => new BuildParameter(p.Property, p.Attribute!.Description))
            .OrderBy(p => p.Flag, StringComparer.Ordinal)
            .ToList();

    public object? CurrentValue(object build) => property.GetValue(build);

    public void Set(object build, string text)
    {
        object value;
        if (property.PropertyType == typeof(string))
            value = text;
        else if (property.PropertyType == typeof(bool))
            value = text.Length == 0 || ParseBool(text);
        else if (property.PropertyType == typeof(int))
            value = int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
                ? number
                : throw new BuildException($"{Flag} expects a whole number, got '{text}'");
        else
            throw new BuildException($"{Flag}: parameters of type {property.PropertyType.Name} are not supported");
        property.SetValue(build, value);
    }

    private bool ParseBool(string text) => text.ToLowerInvariant() switch
    {
        "1" or "true" or "yes" or "on" => true,
        "0" or "false" or "no" or "off" => false,
        _ => throw new BuildException($"{Flag} expects true or false, got '{text}'"),
    };

    private static string Words(string pascalName, char separator)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < pascalName.Length; i++)
        {
            if (i > 0 && char.IsUpper(pascalName[i]) && !char.IsUpper(pascalName[i - 1]))
                builder.Append(separator);
            builder.Append(pascalName[i]);
        }
        return builder.ToString();
    }
}
