using System.Text.Json;

namespace Vmspec.Cli.Results;

/// <summary>
/// Typed access to a results.json member at a path (<c>runs[0].cases[1]</c>): a member of another shape is a
/// <see cref="FormatException"/> naming the path, for <see cref="ResultsJsonReader"/> and <see cref="ResultsJsonShard"/>.
/// </summary>
internal static class ResultsJsonFields
{
    public static JsonElement Property(JsonElement parent, string name, string at)
    {
        if (parent.ValueKind != JsonValueKind.Object)
            throw new FormatException($"results.json: {Where(at)} is not an object");
        return parent.TryGetProperty(name, out var value) ? value : throw new FormatException($"results.json: {Join(at, name)} is missing");
    }

    public static JsonElement Object(JsonElement parent, string name, string at)
    {
        var value = Property(parent, name, at);
        return value.ValueKind == JsonValueKind.Object ? value : throw new FormatException($"results.json: {Join(at, name)} is not an object");
    }

    public static JsonElement.ArrayEnumerator Array(JsonElement parent, string name, string at)
    {
        var value = Property(parent, name, at);
        return value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : throw new FormatException($"results.json: {Join(at, name)} is not an array");
    }

    public static string String(JsonElement parent, string name, string at) => StringValue(Property(parent, name, at), Join(at, name));

    public static string StringValue(JsonElement value, string at) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new FormatException($"results.json: {at} is not a string");

    public static string? OptionalString(JsonElement parent, string name, string at) =>
        !parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null : StringValue(value, Join(at, name));

    public static bool Boolean(JsonElement parent, string name, string at) => Property(parent, name, at).ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw new FormatException($"results.json: {Join(at, name)} is not true or false"),
    };

    public static int Int(JsonElement parent, string name, string at)
    {
        var value = Property(parent, name, at);
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number)
            ? number : throw new FormatException($"results.json: {Join(at, name)} is not an integer");
    }

    public static double Number(JsonElement parent, string name, string at)
    {
        var value = Property(parent, name, at);
        return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double number)
            ? number : throw new FormatException($"results.json: {Join(at, name)} is not a number");
    }

    public static TimeSpan? OptionalMilliseconds(JsonElement parent, string name, string at)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double ms)
            ? TimeSpan.FromMilliseconds(ms) : throw new FormatException($"results.json: {Join(at, name)} is not a number");
    }

    public static string Join(string at, string name) => at.Length == 0 ? name : $"{at}.{name}";

    public static string Where(string at) => at.Length == 0 ? "the top level" : at;
}
