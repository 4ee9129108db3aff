using System.Globalization;

namespace Vmspec.Plans.Hosts;

/// <summary>
/// The leading numeric part of a kernel release as <c>uname -r</c> prints it: <c>6.12.117+deb12-amd64</c> is 6.12.117,
/// <c>6.1.0-56-amd64</c> is 6.1.0 (Debian's 6.1 packages do not carry the upstream sublevel in the release).
/// </summary>
public sealed class KernelVersion(IReadOnlyList<int> components)
{
    public IReadOnlyList<int> Components { get; } = components;

    public static bool TryParse(string text, out KernelVersion version)
    {
        var components = new List<int>();
        int i = 0;
        while (components.Count < 3)
        {
            int start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
            if (i == start || i - start > 5)
                break;
            components.Add(int.Parse(text.AsSpan(start, i - start), CultureInfo.InvariantCulture));
            if (i >= text.Length || text[i] != '.')
                break;
            i++;
        }
        version = new KernelVersion(components);
        return components.Count >= 2;
    }

    /// <summary>Compares at the precision of <paramref name="bound"/>: 6.12.117 equals the bound 6.12.</summary>
    public int CompareAtPrecisionOf(KernelVersion bound)
    {
        for (int i = 0; i < bound.Components.Count; i++)
        {
            int mine = i < Components.Count ? Components[i] : 0;
            if (mine != bound.Components[i])
                return mine.CompareTo(bound.Components[i]);
        }
        return 0;
    }

    public override string ToString() => string.Join('.', Components);
}
