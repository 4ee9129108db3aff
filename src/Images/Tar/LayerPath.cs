namespace Vmspec.Images;

/// <summary>Normalizes paths inside a layer to relative, '/'-separated form ("usr/bin/x").</summary>
internal static class LayerPath
{
    public static string Normalize(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var trimmed = path;
        while (trimmed.StartsWith("./", StringComparison.Ordinal))
        {
            trimmed = trimmed[2..];
        }

        trimmed = trimmed.Trim('/');
        if (trimmed.Length == 0 || trimmed == ".")
        {
            throw new ImageBuildException($"layer path '{path}' names the root; the root directory is implied");
        }

        foreach (var segment in trimmed.Split('/'))
        {
            if (segment.Length == 0 || segment == "." || segment == "..")
            {
                throw new ImageBuildException($"layer path '{path}' has an empty, '.' or '..' segment");
            }

            if (segment.Contains('\0'))
            {
                throw new ImageBuildException($"layer path '{path}' contains a NUL character");
            }
        }

        return trimmed;
    }

    /// <summary>"a/b/c" yields "a", "a/b" (not the path itself).</summary>
    public static IEnumerable<string> Ancestors(string normalized)
    {
        for (var slash = normalized.IndexOf('/'); slash >= 0; slash = normalized.IndexOf('/', slash + 1))
        {
            yield return normalized[..slash];
        }
    }
}
