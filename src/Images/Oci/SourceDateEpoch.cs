using System.Globalization;

namespace Vmspec.Images;

/// <summary>SOURCE_DATE_EPOCH (reproducible-builds.org): the one time stamp our images carry.</summary>
public static class SourceDateEpoch
{
    public const string VariableName = "SOURCE_DATE_EPOCH";

    /// <summary>Parses the variable's text; a clear error names the variable and the bad value.</summary>
    public static long Parse(string? text)
    {
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > 253402300799)
        {
            throw new ImageBuildException($"{VariableName}='{text}' is not a number of seconds since 1970 (0..253402300799)");
        }

        return seconds;
    }

    /// <summary>RFC 3339 UTC form used by the OCI "created" fields, e.g. 2024-05-01T12:00:00Z.</summary>
    public static string ToRfc3339(long seconds) =>
        DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
