using Vmspec.Shared.Io;

namespace Vmspec.SpecCompiler.Schema;

/// <summary>
/// Emits the JSON Schemas (draft 2020-12) of the spec language (<see cref="SpecLanguage.Root"/>), of
/// image definitions (<see cref="ImageLanguage.Root"/>) and of host kernels (<see cref="HostLanguage.Root"/>),
/// as canonical JSON so the checked-in specs/schema/vmspec-v1.schema.json, images/schema/vmspec-image-v1.schema.json
/// and specs/schema/vmspec-host-v1.schema.json compare byte for byte.
/// Editors use it for completion; the compiler stays the authority (cross-field rules are not in it).
/// </summary>
public static class SchemaGenerator
{
    public const string FileName = "vmspec-v1.schema.json";
    public const string ImageFileName = "vmspec-image-v1.schema.json";
    public const string HostFileName = "vmspec-host-v1.schema.json";

    /// <summary>Writes the spec schema to <paramref name="path"/> through a temp file and a rename.</summary>
    public static void WriteTo(string path) => AtomicFile.Write(path, Generate());

    /// <summary>Writes the image definition schema to <paramref name="path"/> through a temp file and a rename.</summary>
    public static void WriteImageTo(string path) => AtomicFile.Write(path, GenerateImage());

    /// <summary>Writes the host kernel schema to <paramref name="path"/> through a temp file and a rename.</summary>
    public static void WriteHostTo(string path) => AtomicFile.Write(path, GenerateHost());

    public static byte[] Generate()
    {
        var root = new ShapeSchema(matrixReferences: true).Object(SpecLanguage.Root, requireFields: false)
            .Set("$schema", DraftUri)
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

    /// <summary>The schema of image definitions (kind ImageSpec): no extends, no matrix, so every required key is required.</summary>
    public static byte[] GenerateImage()
    {
        var root = new ShapeSchema(matrixReferences: false).Object(ImageLanguage.Root, requireFields: true)
            .Set("$schema", DraftUri)
            .Set("title", "vmspec v1 image definition");
        return CanonicalJson.Serialize(root);
    }

    /// <summary>The schema of host kernels (kind HostKernel): no extends, no matrix, so every required key is required.</summary>
    public static byte[] GenerateHost()
    {
        var root = new ShapeSchema(matrixReferences: false).Object(HostLanguage.Root, requireFields: true)
            .Set("$schema", DraftUri)
            .Set("title", "vmspec v1 host kernel");
        return CanonicalJson.Serialize(root);
    }

    private const string DraftUri = "https://json-schema.org/draft/2020-12/schema";


    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (object)v));

    internal const string MatrixReferenceName = "matrixReference";
    private const string MatrixReferencePattern = @"^\$\{\{\s*matrix\.[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\s*\}\}$";
}
