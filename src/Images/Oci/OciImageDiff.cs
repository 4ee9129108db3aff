using System.Text.Json;

namespace Vmspec.Images;

/// <summary>
/// Explains why two builds of an image differ: the first differing layer and the first differing
/// file in it (then config fields, then manifest annotations). Both archives are verified first.
/// </summary>
public static class OciImageDiff
{
    /// <summary>Null when the two archives hold the same image (same manifest digest and name).</summary>
    public static ImageDifference? Compare(string leftArchive, string rightArchive)
    {
        var left = OciArchive.Scan(leftArchive);
        var right = OciArchive.Scan(rightArchive);
        var leftImage = OciImageVerifier.Verify(left);
        var rightImage = OciImageVerifier.Verify(right);

        var common = Math.Min(leftImage.Layers.Count, rightImage.Layers.Count);
        for (var i = 0; i < common; i++)
        {
            var (l, r) = (leftImage.Layers[i], rightImage.Layers[i]);
            if (l.Digest != r.Digest)
            {
                return CompareLayer(i, left, l, right, r);
            }
        }

        if (leftImage.Layers.Count != rightImage.Layers.Count)
        {
            return new ImageDifference($"layer {common} exists only in {(leftImage.Layers.Count > common ? "left" : "right")} (left has {leftImage.Layers.Count} layers, right {rightImage.Layers.Count})", common);
        }

        if (leftImage.ConfigDigest != rightImage.ConfigDigest)
        {
            var path = FirstJsonDifference(left.Blobs[leftImage.ConfigDigest].Content!, right.Blobs[rightImage.ConfigDigest].Content!, "config");
            return new ImageDifference($"image config differs at '{path}'", Path: path);
        }

        if (leftImage.ManifestDigest != rightImage.ManifestDigest)
        {
            var path = FirstJsonDifference(left.Blobs[leftImage.ManifestDigest].Content!, right.Blobs[rightImage.ManifestDigest].Content!, "manifest");
            return new ImageDifference($"manifest differs at '{path}'", Path: path);
        }

        return leftImage.Reference != rightImage.Reference
            ? new ImageDifference($"same image content, different names: '{leftImage.Reference}' vs '{rightImage.Reference}'")
            : null;
    }

    private static ImageDifference CompareLayer(int index, OciArchive left, VerifiedLayer leftLayer, OciArchive right, VerifiedLayer rightLayer)
    {
        if (leftLayer.DiffId == rightLayer.DiffId)
        {
            return new ImageDifference($"layer {index}: same tar ({leftLayer.DiffId}) but different gzip bytes ({leftLayer.Digest} vs {rightLayer.Digest})", index);
        }

        var leftFiles = ReadLayer(left, leftLayer.Digest);
        var rightFiles = ReadLayer(right, rightLayer.Digest);
        int a = 0, b = 0;
        while (a < leftFiles.Count || b < rightFiles.Count)
        {
            var order = a == leftFiles.Count ? 1 : b == rightFiles.Count ? -1 : string.CompareOrdinal(leftFiles[a].Path, rightFiles[b].Path);
            if (order != 0)
            {
                var (path, side) = order < 0 ? (leftFiles[a].Path, "left") : (rightFiles[b].Path, "right");
                return new ImageDifference($"layer {index}: '{path}' exists only in {side}", index, path);
            }

            if (leftFiles[a].FirstDifference(rightFiles[b]) is { } what)
            {
                return new ImageDifference($"layer {index}: '{leftFiles[a].Path}' differs: {what}", index, leftFiles[a].Path);
            }

            a++;
            b++;
        }

        return new ImageDifference($"layer {index}: same files and headers but different tar bytes ({leftLayer.DiffId} vs {rightLayer.DiffId}): entry order or padding", index);
    }

    private static List<LayerFileSummary> ReadLayer(OciArchive archive, Digest layer)
    {
        List<LayerFileSummary>? files = null;
        archive.VisitBlobs(new HashSet<Digest> { layer }, (_, content) => files = LayerFileSummary.ReadLayer(content));
        return files!;
    }

    /// <summary>Dotted path of the first value that differs between two JSON documents.</summary>
    private static string FirstJsonDifference(byte[] left, byte[] right, string root)
    {
        using var l = JsonDocument.Parse(left);
        using var r = JsonDocument.Parse(right);
        return FirstDifference(l.RootElement, r.RootElement, root) ?? root;
    }

    private static string? FirstDifference(JsonElement left, JsonElement right, string path)
    {
        if (left.ValueKind != right.ValueKind)
        {
            return path;
        }

        switch (left.ValueKind)
        {
            case JsonValueKind.Object:
                var names = left.EnumerateObject().Select(static p => p.Name)
                    .Union(right.EnumerateObject().Select(static p => p.Name))
                    .Order(StringComparer.Ordinal);
                foreach (var name in names)
                {
                    var childPath = $"{path}.{name}";
                    if (!left.TryGetProperty(name, out var lv) || !right.TryGetProperty(name, out var rv))
                    {
                        return childPath;
                    }

                    if (FirstDifference(lv, rv, childPath) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var (la, ra) = (left.EnumerateArray().ToList(), right.EnumerateArray().ToList());
                for (var i = 0; i < Math.Max(la.Count, ra.Count); i++)
                {
                    if (i >= la.Count || i >= ra.Count)
                    {
                        return $"{path}[{i}]";
                    }

                    if (FirstDifference(la[i], ra[i], $"{path}[{i}]") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            default:
                return left.GetRawText() == right.GetRawText() ? null : path;
        }
    }
}
