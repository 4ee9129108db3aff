namespace Vmspec.SpecCompiler.Shapes;

/// <summary>
/// A description of what a YAML node may hold. The spec language is written once as a tree of
/// shapes (<see cref="Language.SpecLanguage"/>); the structural checker and the JSON Schema
/// generator both read it, so the schema cannot drift from what the compiler accepts.
/// </summary>
internal abstract record Shape(string Description);

/// <summary>A mapping with known keys. <paramref name="ExactlyOneOf"/> names keys of which exactly one must appear.</summary>
internal sealed record ObjectShape(string Description, IReadOnlyList<Field> Fields, IReadOnlyList<string>? ExactlyOneOf = null)
    : Shape(Description);

internal sealed record Field(string Name, Shape Shape, bool Required = false);

/// <summary>A mapping whose <paramref name="Discriminator"/> key picks which object shape applies.</summary>
internal sealed record DiscriminatedShape(string Description, string Discriminator, IReadOnlyList<KeyValuePair<string, ObjectShape>> Cases)
    : Shape(Description);

/// <summary>A mapping of free keys (matching <paramref name="KeyPattern"/>, or one of <paramref name="Keys"/>) to values.</summary>
internal sealed record MapShape(string Description, Shape Values, string? KeyPattern = null, IReadOnlyList<string>? Keys = null)
    : Shape(Description);

internal sealed record ListShape(string Description, Shape Items, int MinItems = 0, int MaxItems = 1024) : Shape(Description);

/// <summary>An unsigned integer written in decimal or 0x-hexadecimal; optionally only <paramref name="Allowed"/> values.</summary>
internal sealed record IntegerShape(string Description, ulong Min = 0, ulong Max = ulong.MaxValue, IReadOnlyList<ulong>? Allowed = null)
    : Shape(Description);

internal sealed record BooleanShape(string Description) : Shape(Description);

internal sealed record StringShape(string Description, string? Pattern = null, int MaxLength = 256) : Shape(Description);

internal sealed record EnumShape(string Description, IReadOnlyList<string> Values) : Shape(Description);

/// <summary>A scalar that may take any of several scalar forms (e.g. an MSR name or number).</summary>
internal sealed record AnyOfShape(string Description, IReadOnlyList<Shape> Alternatives) : Shape(Description);

/// <summary>Any YAML value; checked after substitution where it is used (matrix axis values).</summary>
internal sealed record AnyShape(string Description) : Shape(Description);

/// <summary>A byte count: an integer or a string such as 8MiB; the value must lie in [Min, Max].</summary>
internal sealed record SizeShape(string Description, ulong Min, ulong Max) : Shape(Description);

/// <summary>A duration: integer milliseconds or a string such as 250ms or 10s; in [MinMs, MaxMs].</summary>
internal sealed record DurationShape(string Description, ulong MinMs, ulong MaxMs) : Shape(Description);
