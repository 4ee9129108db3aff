namespace Vmspec.Lab.Running;

/// <summary>The init's reports on the vmspec.status port: "release R", "ready", "exit N", "error MESSAGE", and "beat" to say it is alive.</summary>
public sealed class StatusChannel
{
    private readonly object _gate = new();

    public string? Release { get; private set; }
    public TimeSpan? ReadyAt { get; private set; }
    public int? ExitCode { get; private set; }
    public string? Error { get; private set; }
    /// <summary>When the last line of any kind came: the lab kernel was running then.</summary>
    public TimeSpan? LastHeardAt { get; private set; }

    public void Accept(string line, TimeSpan at)
    {
        lock (_gate)
        {
            LastHeardAt = at;
            if (line == "beat")
                return;
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
