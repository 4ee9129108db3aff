namespace Vmspec.Shared.Debian;

/// <summary>A .deb, its pin, its lock file or its download is wrong; the message names the file or package.</summary>
public class DebianPackageException : Exception
{
    public DebianPackageException(string message) : base(message) { }

    public DebianPackageException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>apt could not download a pinned package: offline, or the archive no longer serves that version.</summary>
public sealed class PackageNotServedException(string message, Exception? inner = null) : DebianPackageException(message, inner!);
