namespace Vmspec.Images;

/// <summary>The manifest annotations that tie an image to the plans it was built from.</summary>
public static class VmspecAnnotations
{
    /// <summary>The image plan's digest (CompiledImage.Digest).</summary>
    public const string PlanDigest = "vmspec.plan.digest";

    /// <summary>sha256 over the sorted "case-name plan-digest\n" lines of every case the image carries.</summary>
    public const string PlansSha256 = "vmspec.plans.sha256";
}
