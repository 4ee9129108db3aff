namespace Vmspec.Images;

/// <summary>apt could not download a pinned package: offline, or the archive no longer serves that version.</summary>
public sealed class PackageNotServedException(string message, Exception inner) : ImageBuildException(message, inner);
