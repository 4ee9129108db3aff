namespace Vmspec.SpecCompiler.Binding;

/// <summary>Reads a <see cref="Language.SpecLanguage.DebianPackage"/> mapping, for guest and host kernels alike.</summary>
internal static class DebianPackageBinder
{
    /// <summary>Package, version and .deb SHA-256, or null when one is missing or not text (the shape checker has reported it).</summary>
    public static (string Package, string Version, string Sha256)? Bind(YamlMapping debian) =>
        Text(Get(debian, "package")) is { } package && Text(Get(debian, "version")) is { } version && Text(Get(debian, "sha256")) is { } sha256
            ? (package, version, sha256)
            : null;
}
