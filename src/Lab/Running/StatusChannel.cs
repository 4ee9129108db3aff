namespace Vmspec.Lab.Running;

/// <summary>The init's reports on the vmspec.status port: "release R", "ready", "exit N", "error MESSAGE".</summary>
public sealed class StatusChannel
{
    private readonly object _gate = new();

    public string? Release { get; private set; }
    public TimeSpan? ReadyAt { get; private set; }
    public int? ExitCode { get; private set; }
    public string? Error { get; private set; }

    public void Accept(string line, TimeSpan at)
    {
        lock (_gate)
        {
            if (line.StartsWith("release ", StringComparison.Ordinal))
                Release = line["release ".Length..].Trim();
            else if (line == "ready")
                ReadyAt = at;
            else if (line.StartsWith("exit ", StringComparison.Ordinal) && int.TryParse(line["exit ".Length..], out int code))
                ExitCode = code;
            else if (line.StartsWith("error ", StringComparison.Ordinal))
                Error = line["error ".Length..];
            else
                Error ??= $"unexpected status line \"{line}\"";
        }
    }
}
