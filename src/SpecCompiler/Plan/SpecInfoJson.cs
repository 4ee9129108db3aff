namespace Vmspec.SpecCompiler.Plan;

/// <summary>A spec's or image definition's metadata (name, description, labels) as both plan formats store it.</summary>
internal static class SpecInfoJson
{
    public static JsonObject Write(SpecInfo info) => new JsonObject()
        .Set("name", info.Name)
        .Set("description", info.Description)
        .Set("labels", JsonObject.FromPairs(info.Labels));

    public static SpecInfo Read(JsonFields fields)
    {
        var info = new SpecInfo(fields.String("name"), fields.String("description"), fields.StringMap("labels"));
        fields.NoOthers();
        return info;
    }
}
