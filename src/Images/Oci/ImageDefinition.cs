namespace Vmspec.Images;

/// <summary>Everything that determines an image's bytes.</summary>
/// <param name="Name">Repository name, e.g. "vmspec-runner" (lowercase, [a-z0-9._/-]).</param>
/// <param name="Tag">Tag, e.g. "latest" ([A-Za-z0-9_.-], at most 128 characters).</param>
/// <param name="SourceDateEpoch">Seconds since 1970 used for every mtime and "created" field.</param>
public sealed record ImageDefinition(
    string Name,
    string Tag,
    IReadOnlyList<ImageLayer> Layers,
    ImageConfig Config,
    ImageAnnotations Annotations,
    long SourceDateEpoch)
{
    public string Reference => Name + ":" + Tag;
}

/// <summary>One layer: its entries and the history line that says what made it.</summary>
public sealed record ImageLayer(string CreatedBy, IReadOnlyList<LayerEntry> Entries);

/// <summary>The runtime part of the OCI image config.</summary>
public sealed record ImageConfig
{
    public IReadOnlyList<string> Entrypoint { get; init; } = [];

    public IReadOnlyList<string> Cmd { get; init; } = [];

    public string? User { get; init; }

    /// <summary>"KEY=VALUE" strings, kept in the given order.</summary>
    public IReadOnlyList<string> Env { get; init; } = [];

    public string? WorkingDir { get; init; }

    /// <summary>Written sorted by key.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public string Architecture { get; init; } = "amd64";

    public string Os { get; init; } = "linux";
}

/// <summary>org.opencontainers.image.* manifest annotations; "created" comes from SOURCE_DATE_EPOCH.</summary>
public sealed record ImageAnnotations(string? Revision = null, string? Source = null);
