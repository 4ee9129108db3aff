namespace Vmspec.Runtime.Boot;

/// <summary>A kernel, initramfs or command line that cannot be booted as asked; the message names the file and field.</summary>
public sealed class BootLoaderException(string message) : Exception(message);
