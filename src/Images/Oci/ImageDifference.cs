namespace Vmspec.Images;

/// <summary>The first difference between two images: where (layer index, file path) and what.</summary>
public sealed record ImageDifference(string Description, int? LayerIndex = null, string? Path = null)
{
    public override string ToString() => Description;
}
