namespace Vmspec.SpecCompiler.Binding;

/// <summary>Null-tolerant navigation: the shape checker has already reported malformed nodes.</summary>
internal static class Nodes
{
    public static YamlNode? Get(YamlNode? mapping, string key) => (mapping as YamlMapping)?.Find(key)?.Value;

    public static YamlMapping? Map(YamlNode? mapping, string key) => Get(mapping, key) as YamlMapping;

    public static IReadOnlyList<YamlNode> Items(YamlNode? node) => (node as YamlSequence)?.Items ?? [];
}
