namespace Vmspec.Shared.Io;

/// <summary>
/// Progress of one long download. On a terminal it is one line rewritten in place (at most a few times a second);
/// in a log, a line per 10% of the total, or every few seconds when the total is unknown.
/// </summary>
public sealed class DownloadProgress
{
    private const int LogIntervalMilliseconds = 5000, TerminalIntervalMilliseconds = 250;

    private readonly TextWriter _output;
    private readonly bool _terminal;
    private readonly Func<long> _milliseconds;
    private readonly string _what;
    private long? _lastLineAt;
    private int _lastTenth;

    /// <param name="what">what is downloading, e.g. "linux-image-amd64=6.1.0-1"</param>
    /// <param name="terminal">whether <paramref name="output"/> is a terminal (rewrite one line) or a log (append lines)</param>
    /// <param name="milliseconds">a monotonic clock; the default is the process's</param>
    public DownloadProgress(TextWriter output, bool terminal, string what, Func<long>? milliseconds = null)
    {
        _output = output;
        _terminal = terminal;
        _what = what;
        _milliseconds = milliseconds ?? (() => Environment.TickCount64);
    }

    /// <summary>Progress on standard error, rewritten in place when standard error is a terminal.</summary>
    public static DownloadProgress ToStandardError(string what) => new(Console.Error, Terminal.StandardErrorIsTerminal, what);

    /// <summary>Reports <paramref name="done"/> bytes of <paramref name="total"/> (null: unknown); writes only when a line is due.</summary>
    public void Report(long done, long? total)
    {
        var now = _milliseconds();
        var tenth = total is > 0 ? (int)Math.Min(10, done * 10 / total.Value) : 0;
        var since = now - (_lastLineAt ?? long.MinValue / 2);
        bool due = _terminal
            ? since >= TerminalIntervalMilliseconds
            : tenth > _lastTenth || (total is not > 0 && since >= LogIntervalMilliseconds);
        if (!due)
            return;
        _lastLineAt = now;
        _lastTenth = tenth;
        var line = total is > 0
            ? $"downloading {_what}: {Megabytes(done)} of {Megabytes(total.Value)} MB ({done * 100 / total.Value}%)"
            : $"downloading {_what}: {Megabytes(done)} MB";
        if (_terminal)
            _output.Write(Terminal.ClearLine + line);
        else
            _output.WriteLine(line);
        _output.Flush();
    }

    /// <summary>Ends the report: the terminal's line is finished so the next output starts on its own.</summary>
    public void Finish(long size)
    {
        var line = $"downloaded {_what}: {Megabytes(size)} MB";
        _output.Write(_terminal ? $"{Terminal.ClearLine}{line}\n" : $"{line}\n");
        _output.Flush();
    }

    private static string Megabytes(long bytes) => (bytes / 1e6).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
}
