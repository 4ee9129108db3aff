namespace Vmspec.Build.Framework;

/// <summary>A build failure with a message meant for the user: printed without a stack trace.</summary>
public sealed class BuildException(string message) : Exception(message);
