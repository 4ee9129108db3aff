namespace Vmspec.Images;

/// <summary>Bad image input (paths, names, packages): the message names the offending item.</summary>
public class ImageBuildException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>An image archive that fails verification: the message names the file, blob and role.</summary>
public sealed class ImageVerificationException(string message, Exception? inner = null) : Exception(message, inner);
