using System.Globalization;
using System.Net;

namespace Vmspec.Cli.Report;

/// <summary>Text and numbers as the report writes them: HTML-escaped, control characters replaced, invariant culture.</summary>
internal static class Html
{
    public static string Text(string text) => WebUtility.HtmlEncode(JUnitWriter.Text(text));

    /// <summary>At most two decimals, '.' as separator whatever the current culture.</summary>
    public static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    public static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Token(uint token) => $"0x{token.ToString("x", CultureInfo.InvariantCulture)}";

    /// <summary>A fragment id from a name: letters and digits kept, runs of anything else as one '-'.</summary>
    public static string Id(string prefix, string name)
    {
        var id = new System.Text.StringBuilder(prefix);
        bool dash = false;
        foreach (char c in name)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                id.Append(char.ToLowerInvariant(c));
                dash = false;
            }
            else if (!dash)
            {
                id.Append('-');
                dash = true;
            }
        }
        return id.ToString().TrimEnd('-');
    }
}
