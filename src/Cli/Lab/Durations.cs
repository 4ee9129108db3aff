using System.Globalization;

namespace Vmspec.Cli.Lab;

/// <summary>Durations on the command line: 90, 90s, 5m, 1h; 0 means none.</summary>
internal static class Durations
{
    public static TimeSpan? Parse(string text, string option)
    {
        string number = text.TrimEnd('s', 'm', 'h');
        string unit = text[number.Length..];
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value) || unit.Length > 1)
            throw new FormatException($"{option} {text}: expected a duration such as 90, 90s, 5m or 1h");
        var duration = unit switch { "m" => TimeSpan.FromMinutes(value), "h" => TimeSpan.FromHours(value), _ => TimeSpan.FromSeconds(value) };
        return duration == TimeSpan.Zero ? null : duration;
    }
}
