using System.Text.Json;

namespace Vmspec.SpecCompiler.Plan;

/// <summary>Strict access to one JSON object of a plan: wrong kinds, missing and unknown members throw with the path.</summary>
internal sealed class JsonFields
{
    private readonly JsonElement _element;
    private readonly string _path;
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public JsonFields(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new PlanFormatException($"{path}: expected an object, found {element.ValueKind}");
        _element = element;
        _path = path;
    }

    public string PathOf(string name) => $"{_path}.{name}";

    public JsonElement? Optional(string name)
    {
        _used.Add(name);
        return _element.TryGetProperty(name, out var value) ? value : null;
    }

    public JsonElement Required(string name) =>
        Optional(name) ?? throw new PlanFormatException($"{PathOf(name)}: missing");

    public JsonFields Object(string name) => new(Required(name), PathOf(name));

    public string String(string name) => AsString(Required(name), PathOf(name));

    public ulong UInt(string name, ulong max = ulong.MaxValue) => AsUInt(Required(name), PathOf(name), max);

    public ulong? OptionalUInt(string name, ulong max = ulong.MaxValue) =>
        Optional(name) is { } v ? AsUInt(v, PathOf(name), max) : null;

    public bool Bool(string name) => AsBool(Required(name), PathOf(name));

    public bool? OptionalBool(string name) => Optional(name) is { } v ? AsBool(v, PathOf(name)) : null;

    public IEnumerable<(JsonElement Item, string Path)> Array(string name)
    {
        var array = Required(name);
        if (array.ValueKind != JsonValueKind.Array)
            throw new PlanFormatException($"{PathOf(name)}: expected an array, found {array.ValueKind}");
        return array.EnumerateArray().Select((item, i) => (item, $"{PathOf(name)}[{i}]")).ToArray();
    }

    public IReadOnlyList<KeyValuePair<string, string>> StringMap(string name)
    {
        var map = Object(name);
        return map._element.EnumerateObject()
            .Select(p => new KeyValuePair<string, string>(p.Name, AsString(map.Required(p.Name), map.PathOf(p.Name))))
            .ToArray();
    }

    public IEnumerable<string> Names => _element.EnumerateObject().Select(p => p.Name).ToArray();

    public T Enum<T>(string name, IReadOnlyList<KeyValuePair<string, T>> table)
    {
        var text = String(name);
        var match = table.FirstOrDefault(p => p.Key == text);
        return match.Key is null
            ? throw new PlanFormatException($"{PathOf(name)}: expected one of {string.Join(", ", table.Select(p => p.Key))}, found '{text}'")
            : match.Value;
    }

    /// <summary>Call after reading: any member not read is unknown to this format version.</summary>
    public void NoOthers()
    {
        foreach (var property in _element.EnumerateObject())
        {
            if (!_used.Contains(property.Name))
                throw new PlanFormatException($"{PathOf(property.Name)}: unknown member");
        }
    }

    public static string AsString(JsonElement e, string path) =>
        e.ValueKind == JsonValueKind.String ? e.GetString()! : throw new PlanFormatException($"{path}: expected a string, found {e.ValueKind}");

    public static ulong AsUInt(JsonElement e, string path, ulong max = ulong.MaxValue) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetUInt64(out var v) && v <= max
            ? v
            : throw new PlanFormatException($"{path}: expected an integer from 0 to {max}, found {e.GetRawText()}");

    public static bool AsBool(JsonElement e, string path) => e.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw new PlanFormatException($"{path}: expected true or false, found {e.ValueKind}"),
    };
}
