namespace Vmspec.Cli.Report;

/// <summary>
/// A matrix case's name split into its spec and axis values: <c>enable-protocol[en=zero,enforcement=enforced,features=all]</c>
/// is spec <c>enable-protocol</c> with three axes. A name without brackets is no matrix case.
/// </summary>
internal sealed record MatrixCaseName(string Spec, IReadOnlyDictionary<string, string> Axes)
{
    public static MatrixCaseName? Parse(string name)
    {
        int open = name.IndexOf('[');
        if (open <= 0 || !name.EndsWith(']'))
            return null;
        var axes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in name[(open + 1)..^1].Split(','))
        {
            int equals = pair.IndexOf('=');
            if (equals <= 0 || !axes.TryAdd(pair[..equals], pair[(equals + 1)..]))
                return null;
        }
        return new MatrixCaseName(name[..open], axes);
    }
}
