namespace Vmspec.SpecCompiler.Plan;

/// <summary>
/// Writes an <see cref="ImagePlan"/> as canonical JSON with a <c>digest</c> member: the lower-case
/// hex SHA-256 of the canonical bytes of the same plan without the digest member.
/// </summary>
public static class ImagePlanWriter
{
    public static byte[] Write(ImagePlan plan, out string digest)
        => CanonicalJson.SerializeWithDigest(ToJson(plan), out digest);

    private static JsonObject ToJson(ImagePlan plan) => new JsonObject()
        .Set("format", ImagePlan.FormatVersion)
        .Set("metadata", SpecInfoJson.Write(plan.Metadata))
        .Set("tag", plan.Tag)
        .Set("base", new JsonObject()
            .Set("debianLock", plan.Base.DebianLock)
            .Set("debianLockSha256", plan.Base.DebianLockSha256)
            .Set("packages", Strings(plan.Base.Packages))
            .Set("keep", Strings(plan.Base.Keep)))
        .Set("vmspec", plan.VmspecBinary)
        .Set("specFiles", new JsonArray(plan.SpecFiles.Select(f => new JsonObject().Set("path", f.Path).Set("sha256", f.Sha256))))
        .Set("labHosts", new JsonArray(plan.LabHosts.Select(h => new JsonObject()
            .Set("name", h.Name).Set("file", h.File).Set("package", h.Package).Set("version", h.Version).Set("sha256", h.Sha256))))
        .Set("entrypoint", Strings(plan.Entrypoint))
        .Set("cmd", Strings(plan.Cmd))
        .Set("user", plan.User)
        .Set("workingDir", plan.WorkingDir)
        .Set("env", JsonObject.FromPairs(plan.Env))
        .Set("labels", JsonObject.FromPairs(plan.Labels))
        .Set("annotations", JsonObject.FromPairs(plan.Annotations));

    private static JsonArray Strings(IEnumerable<string> values) => new(values);
}
