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

/// <summary>
/// One layer: its entries and the history line that says what made it. A layer whose entries are
/// costly to produce (unpacking packages) may name its inputs in <see cref="InputKey"/>; the
/// <see cref="LayerCache"/> then finds the blob by that key and never asks for the entries.
/// </summary>
public sealed class ImageLayer
{
    private readonly Lazy<IReadOnlyList<LayerEntry>> _entries;

    public ImageLayer(string createdBy, IReadOnlyList<LayerEntry> entries)
    {
        CreatedBy = createdBy;
        _entries = new Lazy<IReadOnlyList<LayerEntry>>(entries);
    }

    /// <param name="inputKey">a string that changes whenever the entries would (e.g. package hashes and the extraction rules' version)</param>
    public ImageLayer(string createdBy, string inputKey, Func<IReadOnlyList<LayerEntry>> entries)
    {
        CreatedBy = createdBy;
        InputKey = inputKey;
        _entries = new Lazy<IReadOnlyList<LayerEntry>>(entries);
    }

    public string CreatedBy { get; }

    public string? InputKey { get; }

    /// <summary>The entries, produced on first use.</summary>
    public IReadOnlyList<LayerEntry> Entries => _entries.Value;
}

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

/// <summary>
/// Manifest annotations: org.opencontainers.image.revision/.source, and <paramref name="Custom"/>
/// ones (written sorted by key). "created" always comes from SOURCE_DATE_EPOCH.
/// </summary>
public sealed record ImageAnnotations(string? Revision = null, string? Source = null, IReadOnlyDictionary<string, string>? Custom = null);
