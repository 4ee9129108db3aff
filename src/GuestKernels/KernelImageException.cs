namespace Vmspec.GuestKernels;

/// <summary>
/// A kernel image, package or type blob is malformed, truncated, unsupported or could not be fetched.
/// The message names the file, field and offset involved so it can be shown to the user as is.
/// </summary>
public sealed class KernelImageException : Exception
{
    public KernelImageException(string message) : base(message) { }

    public KernelImageException(string message, Exception inner) : base(message, inner) { }
}
