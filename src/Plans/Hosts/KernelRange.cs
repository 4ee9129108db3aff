namespace Vmspec.Plans.Hosts;

/// <summary>
/// A range of host kernel versions: space-separated bounds that must all hold, each <c>&gt;=</c>, <c>&gt;</c>,
/// <c>&lt;=</c>, <c>&lt;</c> or <c>=</c> (the default) and a version of two or three parts, compared at the bound's
/// precision: <c>&gt;=6.9 &lt;6.13</c>, <c>6.12</c> (any 6.12.x).
/// </summary>
public sealed class KernelRange
{
    private static readonly string[] Operators = [">=", "<=", ">", "<", "="];

    private readonly (string Operator, KernelVersion Version)[] _bounds;

    private KernelRange(string text, (string, KernelVersion)[] bounds)
    {
        Text = text;
        _bounds = bounds;
    }

    /// <summary>The range as written; its canonical form in plans.</summary>
    public string Text { get; }

    public static bool TryParse(string text, out KernelRange? range, out string error)
    {
        range = null;
        var bounds = new List<(string, KernelVersion)>();
        foreach (var part in text.Split(' '))
        {
            string op = Operators.FirstOrDefault(part.StartsWith) ?? "=";
            string number = part.StartsWith(op, StringComparison.Ordinal) ? part[op.Length..] : part;
            if (!KernelVersion.TryParse(number, out var version) || version.ToString() != number)
            {
                error = $"'{part}' is not a bound such as >=6.9, <6.13 or 6.12 (two or three numbers, one space between bounds)";
                return false;
            }
            bounds.Add((op, version));
        }
        error = "";
        range = new KernelRange(text, [.. bounds]);
        return true;
    }

    public bool Contains(KernelVersion version) => _bounds.All(b => b.Operator switch
    {
        ">=" => version.CompareAtPrecisionOf(b.Version) >= 0,
        ">" => version.CompareAtPrecisionOf(b.Version) > 0,
        "<=" => version.CompareAtPrecisionOf(b.Version) <= 0,
        "<" => version.CompareAtPrecisionOf(b.Version) < 0,
        _ => version.CompareAtPrecisionOf(b.Version) == 0,
    });

    public override string ToString() => Text;
}
