namespace Vmspec.Lab;

/// <summary>The lab could not be prepared or run; the message says what and how to fix it.</summary>
public sealed class LabException(string message, Exception? inner = null) : Exception(message, inner);
