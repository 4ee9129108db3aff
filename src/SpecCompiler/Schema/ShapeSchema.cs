namespace Vmspec.SpecCompiler.Schema;

/// <summary>Shape -> schema; with <paramref name="matrixReferences"/> any value below the top level may be a ${{ matrix.AXIS }} reference.</summary>
internal sealed class ShapeSchema(bool matrixReferences)
{
    private JsonObject Substitutable(Shape shape) => matrixReferences
        ? new JsonObject().Set("anyOf", new JsonArray([For(shape), new JsonObject().Set("$ref", $"#/$defs/{SchemaGenerator.MatrixReferenceName}")]))
        : For(shape);

    // Recursion follows the fixed language definition, a few levels deep.
    private JsonObject For(Shape shape) => shape switch
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

    public JsonObject Object(ObjectShape shape, bool requireFields)
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

    private JsonObject Map(MapShape shape)
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
