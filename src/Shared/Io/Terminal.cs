namespace Vmspec.Shared.Io;

/// <summary>Whether progress may rewrite a line in place, and the escape that rewrites it.</summary>
public static class Terminal
{
    /// <summary>Carriage return, then erase to the end of the line (ANSI EL).</summary>
    public const string ClearLine = "\r\u001b[K";

    /// <summary>Standard error is a terminal that understands <see cref="ClearLine"/>: not redirected, TERM set and not dumb.</summary>
    public static bool StandardErrorIsTerminal =>
        !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") is { Length: > 0 } term && term != "dumb";
}
