using System.Text.Json;

namespace Vmspec.Images;

/// <summary>Canonical bytes of the OCI and Docker documents of an image (keys sorted, see <see cref="CanonicalJson"/>).</summary>
internal static class OciJsonWriter
{
    public static byte[] LayoutFile() => CanonicalJson.Write(static w =>
    {
        w.WriteStartObject();
        w.WriteString("imageLayoutVersion", "1.0.0");
        w.WriteEndObject();
    });

    public static byte[] Config(ImageConfig config, string created, IReadOnlyList<Digest> diffIds, IReadOnlyList<OciHistoryEntry> history) => CanonicalJson.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("architecture", config.Architecture);
        w.WriteStartObject("config");
        if (config.Cmd.Count > 0)
        {
            CanonicalJson.WriteStringArray(w, "Cmd", config.Cmd);
        }

        if (config.Entrypoint.Count > 0)
        {
            CanonicalJson.WriteStringArray(w, "Entrypoint", config.Entrypoint);
        }

        if (config.Env.Count > 0)
        {
            CanonicalJson.WriteStringArray(w, "Env", config.Env);
        }

        if (config.Labels.Count > 0)
        {
            CanonicalJson.WriteSortedMap(w, "Labels", config.Labels);
        }

        if (config.User is not null)
        {
            w.WriteString("User", config.User);
        }

        if (config.WorkingDir is not null)
        {
            w.WriteString("WorkingDir", config.WorkingDir);
        }

        w.WriteEndObject();
        w.WriteString("created", created);
        w.WriteStartArray("history");
        foreach (var entry in history)
        {
            w.WriteStartObject();
            w.WriteString("created", entry.Created);
            w.WriteString("created_by", entry.CreatedBy);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteString("os", config.Os);
        w.WriteStartObject("rootfs");
        CanonicalJson.WriteStringArray(w, "diff_ids", diffIds.Select(static d => d.ToString()));
        w.WriteString("type", "layers");
        w.WriteEndObject();
        w.WriteEndObject();
    });

    public static byte[] Manifest(OciManifest manifest) => CanonicalJson.Write(w =>
    {
        w.WriteStartObject();
        if (manifest.Annotations.Count > 0)
        {
            CanonicalJson.WriteSortedMap(w, "annotations", manifest.Annotations);
        }

        w.WritePropertyName("config");
        WriteDescriptor(w, manifest.Config);
        w.WriteStartArray("layers");
        foreach (var layer in manifest.Layers)
        {
            WriteDescriptor(w, layer);
        }

        w.WriteEndArray();
        w.WriteString("mediaType", OciMediaTypes.Manifest);
        w.WriteNumber("schemaVersion", 2);
        w.WriteEndObject();
    });

    public static byte[] Index(OciIndex index) => CanonicalJson.Write(w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("manifests");
        foreach (var manifest in index.Manifests)
        {
            WriteDescriptor(w, manifest);
        }

        w.WriteEndArray();
        w.WriteString("mediaType", OciMediaTypes.Index);
        w.WriteNumber("schemaVersion", 2);
        w.WriteEndObject();
    });

    public static byte[] DockerManifest(IReadOnlyList<DockerManifestEntry> entries) => CanonicalJson.Write(w =>
    {
        w.WriteStartArray();
        foreach (var entry in entries)
        {
            w.WriteStartObject();
            w.WriteString("Config", entry.Config);
            CanonicalJson.WriteStringArray(w, "Layers", entry.Layers);
            CanonicalJson.WriteStringArray(w, "RepoTags", entry.RepoTags);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    });

    private static void WriteDescriptor(Utf8JsonWriter w, OciDescriptor descriptor)
    {
        w.WriteStartObject();
        if (descriptor.Annotations is { Count: > 0 })
        {
            CanonicalJson.WriteSortedMap(w, "annotations", descriptor.Annotations);
        }

        w.WriteString("digest", descriptor.Digest.ToString());
        w.WriteString("mediaType", descriptor.MediaType);
        w.WriteNumber("size", descriptor.Size);
        w.WriteEndObject();
    }
}
