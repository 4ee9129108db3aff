using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Vmspec.Cli.Io;

/// <summary>A YAML mapping whose keys keep the order they were added in.</summary>
internal sealed class YamlMap : List<KeyValuePair<string, object>>
{
    public void Add(string key, object value) => Add(new KeyValuePair<string, object>(key, value));
}

/// <summary>
/// Writes a tree of <see cref="YamlMap"/>s, lists, strings and integers as block-style YAML: two-space indents, keys in their
/// given order, a string plain only where YAML reads it back as that same string (never a number, boolean or null), else
/// double-quoted. The same tree always gives the same text.
/// </summary>
internal static partial class YamlText
{
    public static string Write(YamlMap root)
    {
        var text = new StringBuilder();
        WriteMap(text, root, 0);
        return text.ToString();
    }

    private static void WriteMap(StringBuilder text, YamlMap map, int indent)
    {
        foreach (var (key, value) in map)
        {
            text.Append(' ', indent).Append(Scalar(key)).Append(':');
            WriteValue(text, value, indent);
        }
    }

    /// <summary>After "key:" or "-": a scalar on the same line, an empty collection as {} or [], else the block below.</summary>
    private static void WriteValue(StringBuilder text, object value, int indent)
    {
        switch (value)
        {
            case YamlMap { Count: 0 }:
                text.Append(" {}\n");
                break;
            case YamlMap map:
                text.Append('\n');
                WriteMap(text, map, indent + 2);
                break;
            case IReadOnlyList<object> { Count: 0 }:
                text.Append(" []\n");
                break;
            case IReadOnlyList<object> list:
                text.Append('\n');
                foreach (var item in list)
                    WriteItem(text, item, indent + 2);
                break;
            default:
                text.Append(' ').Append(Scalar(value)).Append('\n');
                break;
        }
    }

    /// <summary>A list item: a mapping's first key on the dash's line, the rest below it.</summary>
    private static void WriteItem(StringBuilder text, object item, int indent)
    {
        text.Append(' ', indent).Append('-');
        if (item is YamlMap { Count: > 0 } map)
        {
            var (firstKey, firstValue) = map[0];
            text.Append(' ').Append(Scalar(firstKey)).Append(':');
            WriteValue(text, firstValue, indent + 2);
            var rest = new YamlMap();
            rest.AddRange(map.Skip(1));
            WriteMap(text, rest, indent + 2);
        }
        else
        {
            WriteValue(text, item, indent);
        }
    }

    private static string Scalar(object value) => value switch
    {
        int number => number.ToString(CultureInfo.InvariantCulture),
        bool flag => flag ? "true" : "false",
        string text => PlainSafe().IsMatch(text) && !Special().IsMatch(text) ? text : Quote(text),
        _ => throw new ArgumentException($"a {value.GetType().Name} is not a YAML scalar here"),
    };

    private static string Quote(string text)
    {
        var quoted = new StringBuilder("\"");
        foreach (char c in text)
        {
            quoted.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }
        return quoted.Append('"').ToString();
    }

    /// <summary>Letters, digits and a few punctuation marks, not starting with one YAML gives a meaning.</summary>
    [GeneratedRegex(@"^[A-Za-z0-9_/.][A-Za-z0-9_/.:@+()$-]*$")]
    private static partial Regex PlainSafe();

    /// <summary>
    /// What YAML 1.1 or 1.2 might read as something other than a string: anything that starts like a number (0x1F, 1e3, 1:30),
    /// booleans, null.
    /// </summary>
    [GeneratedRegex(@"^([-+.]?[0-9].*|\.inf|\.nan|y|n|yes|no|on|off|true|false|null|~)$", RegexOptions.IgnoreCase)]
    private static partial Regex Special();
}
