using Vmspec.SpecCompiler.Language;
using Vmspec.SpecCompiler.Plan;
using Vmspec.SpecCompiler.Shapes;

namespace Vmspec.SpecCompiler.Schema;

/// <summary>
/// Emits the JSON Schema (draft 2020-12) of the spec language from <see cref="SpecLanguage.Root"/>,
/// as canonical JSON so the checked-in specs/schema/vmspec-v1.schema.json can be compared byte for byte.
/// Editors use it for completion; the compiler stays the authority (cross-field rules are not in it).
/// </summary>
public static class SchemaGenerator
{
    public const string FileName = "vmspec-v1.schema.json";

    /// <summary>Writes the schema to <paramref name="path"/> through a temp file and a rename.</summary>
    public static void WriteTo(string path)
    {
        var temp = $"{path}.tmp";
        File.WriteAllBytes(temp, Generate());
        File.Move(temp, path, overwrite: true);
    }

    public static byte[] Generate()
    {
        var root = Object(SpecLanguage.Root, requireFields: false)
            .Set("$schema", "https://json-schema.org/draft/2020-12/schema")
            .Set("title", "vmspec v1 spec")
            .Set("required", Strings(["apiVersion", "kind"]))
            .Set("if", new JsonObject().Set("properties", new JsonObject()
                .Set("kind", new JsonObject().Set("const", SpecLanguage.SpecKind))))
            .Set("then", new JsonObject().Set("required",
                Strings(SpecLanguage.Root.Fields.Where(f => f.Required).Select(f => f.Name))))
            .Set("$defs", new JsonObject().Set(MatrixReferenceName, new JsonObject()
                .Set("description", "replaced per matrix case by the named axis value (or a member of it)")
                .Set("type", "string")
                .Set("pattern", MatrixReferencePattern)));
        return CanonicalJson.Serialize(root);
    }

    private const string MatrixReferenceName = "matrixReference";
    private const string MatrixReferencePattern = @"^\$\{\{\s*matrix\.[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\s*\}\}$";

    /// <summary>Any value below the top level may instead be a whole ${{ matrix.AXIS }} reference.</summary>
    private static JsonObject Substitutable(Shape shape) =>
        new JsonObject().Set("anyOf", new JsonArray([For(shape), new JsonObject().Set("$ref", $"#/$defs/{MatrixReferenceName}")]));

    // Recursion follows the fixed language definition, a few levels deep.
    private static JsonObject For(Shape shape) => shape switch
    {
        ObjectShape o => Object(o, requireFields: true),
        DiscriminatedShape d => Described(d).Set("type", "object").Set("oneOf",
            new JsonArray(d.Cases.Select(c => (object)Object(c.Value, requireFields: true)))),
        MapShape m => Map(m),
        ListShape l => Described(l).Set("type", "array").Set("items", Substitutable(l.Items))
            .Set("minItems", l.MinItems > 0 ? (ulong)l.MinItems : null)
            .Set("maxItems", (ulong)l.MaxItems),
        IntegerShape i => Integer(i),
        BooleanShape b => Described(b).Set("type", "boolean"),
        StringShape s => Described(s).Set("type", "string").Set("pattern", s.Pattern).Set("maxLength", (ulong)s.MaxLength),
        EnumShape e => Described(e).Set("type", "string").Set("enum", Strings(e.Values)),
        AnyOfShape a => Described(a).Set("anyOf", new JsonArray(a.Alternatives.Select(alt => (object)For(alt)))),
        SizeShape z => Described(z).Set("anyOf", new JsonArray([
            new JsonObject().Set("type", "integer").Set("minimum", z.Min).Set("maximum", z.Max),
            new JsonObject().Set("type", "string").Set("pattern", ScalarParsers.Size().ToString())])),
        DurationShape d => Described(d).Set("anyOf", new JsonArray([
            new JsonObject().Set("type", "integer").Set("minimum", d.MinMs).Set("maximum", d.MaxMs),
            new JsonObject().Set("type", "string").Set("pattern", ScalarParsers.Duration().ToString())])),
        AnyShape a => Described(a),
        _ => throw new InvalidOperationException($"no schema for shape {shape.GetType().Name}"),
    };

    private static JsonObject Object(ObjectShape shape, bool requireFields)
    {
        var properties = new JsonObject();
        foreach (var field in shape.Fields)
            properties.Set(field.Name, Substitutable(field.Shape));
        var required = shape.Fields.Where(f => f.Required).Select(f => f.Name).ToArray();
        return Described(shape)
            .Set("type", "object")
            .Set("properties", properties)
            .Set("additionalProperties", false)
            .Set("required", requireFields && required.Length > 0 ? Strings(required) : null)
            .Set("oneOf", shape.ExactlyOneOf is { } group
                ? new JsonArray(group.Select(k => (object)new JsonObject().Set("required", Strings([k]))))
                : null);
    }

    private static JsonObject Map(MapShape shape)
    {
        var schema = Described(shape).Set("type", "object");
        if (shape.Keys is { } keys)
        {
            var properties = new JsonObject();
            foreach (var key in keys)
                properties.Set(key, Substitutable(shape.Values));
            return schema.Set("properties", properties).Set("additionalProperties", false);
        }
        return schema
            .Set("additionalProperties", Substitutable(shape.Values))
            .Set("propertyNames", shape.KeyPattern is { } p ? new JsonObject().Set("pattern", p) : null);
    }

    private static JsonObject Integer(IntegerShape shape) => Described(shape)
        .Set("type", "integer")
        .Set("minimum", shape.Min)
        .Set("maximum", shape.Max == ulong.MaxValue ? null : shape.Max)
        .Set("enum", shape.Allowed is { } allowed ? new JsonArray(allowed.Select(v => (object)v)) : null);

    private static JsonObject Described(Shape shape) => new JsonObject().Set("description", shape.Description);

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (object)v));
}
