namespace Vmspec.SpecCompiler.Plan;

/// <summary>
/// Loads an image plan written by <see cref="ImagePlanWriter"/> (for the image build). Strict like
/// <see cref="PlanReader"/>: unknown or missing members, a wrong digest or non-canonical bytes throw
/// <see cref="PlanFormatException"/> naming the JSON path.
/// </summary>
public static class ImagePlanReader
{
    public static ImagePlan Read(ReadOnlyMemory<byte> bytes) =>
        CanonicalPlanReader.Read(bytes, 8, ImagePlan.FormatVersion, ReadPlan, ImagePlanWriter.Write,
            "the image plan is not in canonical form; recompile the image definition instead of editing the plan");

    private static ImagePlan ReadPlan(JsonFields root)
    {
        var metadata = SpecInfoJson.Read(root.Object("metadata"));
        var imageBase = root.Object("base");
        var baseInfo = new ImageBase(imageBase.String("debianLock"), imageBase.String("debianLockSha256"), Strings(imageBase, "packages"),
            Strings(imageBase, "keep"));
        imageBase.NoOthers();

        var specFiles = root.Array("specFiles").Select(entry =>
        {
            var f = new JsonFields(entry.Item, entry.Path);
            var file = new ImageFile(f.String("path"), f.String("sha256"));
            f.NoOthers();
            return file;
        }).ToArray();

        var labHosts = root.Array("labHosts").Select(entry =>
        {
            var h = new JsonFields(entry.Item, entry.Path);
            var host = new ImageLabHost(h.String("name"), h.String("file"), h.String("package"), h.String("version"), h.String("sha256"));
            h.NoOthers();
            return host;
        }).ToArray();

        SortedAndUnique(baseInfo.Packages, imageBase.PathOf("packages"));
        SortedAndUnique(baseInfo.Keep, imageBase.PathOf("keep"));
        SortedAndUnique(specFiles.Select(f => f.Path).ToArray(), root.PathOf("specFiles"));
        SortedAndUnique(labHosts.Select(h => h.Name).ToArray(), root.PathOf("labHosts"));
        return new ImagePlan(metadata, root.String("tag"), baseInfo, root.String("vmspec"), specFiles, labHosts,
            Strings(root, "entrypoint"), Strings(root, "cmd"), root.String("user"), root.String("workingDir"),
            root.StringMap("env"), root.StringMap("labels"), root.StringMap("annotations"));
    }

    /// <summary>The compiler emits these lists sorted ordinally without repeats; anything else was edited.</summary>
    private static void SortedAndUnique(IReadOnlyList<string> values, string path)
    {
        for (var i = 1; i < values.Count; i++)
        {
            if (string.CompareOrdinal(values[i - 1], values[i]) >= 0)
                throw new PlanFormatException($"{path}[{i}]: expected entries sorted ordinally without repeats, found '{values[i]}' after '{values[i - 1]}'");
        }
    }

    private static string[] Strings(JsonFields fields, string name) =>
        fields.Array(name).Select(entry => JsonFields.AsString(entry.Item, entry.Path)).ToArray();
}
