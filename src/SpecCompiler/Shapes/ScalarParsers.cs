using System.Globalization;
using System.Text.RegularExpressions;

namespace Vmspec.SpecCompiler.Shapes;

/// <summary>
/// The scalar forms of the language. Numbers and booleans must be plain (unquoted) YAML 1.2
/// core-schema scalars: quoting one makes it a string, which is an error where a number is wanted.
/// </summary>
internal static partial class ScalarParsers
{
    [GeneratedRegex("^(0|[1-9][0-9]*)$")]
    private static partial Regex Decimal();

    [GeneratedRegex("^0x[0-9a-fA-F]{1,16}$")]
    private static partial Regex Hex();

    [GeneratedRegex("^([0-9]{1,12})(B|KiB|MiB|GiB)$")]
    public static partial Regex Size();

    [GeneratedRegex("^([0-9]{1,9})(ms|s)$")]
    public static partial Regex Duration();

    public static ulong? Integer(YamlNode? node)
    {
        if (node is not YamlScalar { IsPlain: true } s)
            return null;
        if (Hex().IsMatch(s.Value))
            return ulong.Parse(s.Value.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        if (Decimal().IsMatch(s.Value) && ulong.TryParse(s.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            return value;
        return null;
    }

    public static bool? Boolean(YamlNode? node) => node switch
    {
        YamlScalar { IsPlain: true, Value: "true" } => true,
        YamlScalar { IsPlain: true, Value: "false" } => false,
        _ => null,
    };

    /// <summary>Any non-null scalar read as text (plain scalars included: names like 6.1.0-56 stay text).</summary>
    public static string? Text(YamlNode? node) => node is YamlScalar { IsNull: false } s ? s.Value : null;

    /// <summary>A byte count: an integer, or digits with B, KiB, MiB or GiB.</summary>
    public static ulong? ByteSize(YamlNode? node)
    {
        if (Integer(node) is { } bytes)
            return bytes;
        if (Text(node) is not { } text || Size().Match(text) is not { Success: true } m)
            return null;
        var amount = ulong.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        var shift = m.Groups[2].Value switch { "KiB" => 10, "MiB" => 20, "GiB" => 30, _ => 0 };
        return amount > ulong.MaxValue >> shift ? null : amount << shift;
    }

    /// <summary>Milliseconds: an integer, or digits with ms or s.</summary>
    public static ulong? Milliseconds(YamlNode? node)
    {
        if (Integer(node) is { } ms)
            return ms;
        if (Text(node) is not { } text || Duration().Match(text) is not { Success: true } m)
            return null;
        var amount = ulong.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value == "s" ? amount * 1000 : amount;
    }
}
