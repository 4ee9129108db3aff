using System.Diagnostics;
using Vmspec.Shared.Io;

namespace Vmspec.Cli.Io;

/// <summary>
/// Progress of long work (lab boots, verifies). On a terminal: one status line at the bottom, updated in place
/// (each source's state and how long since it started, ticking every second), with the plain lines written above
/// it. Elsewhere (CI logs, files): the plain lines alone, so a log never fills with carriage returns.
/// </summary>
internal sealed class ProgressLine : IDisposable
{
    private readonly TextWriter _output;
    private readonly bool _interactive;
    private readonly Func<TimeSpan> _clock;
    private readonly List<(string Source, string Text, TimeSpan Since)> _states = [];
    private readonly Lock _lock = new();
    private readonly Timer? _ticker;
    private bool _disposed;

    public ProgressLine(TextWriter output, bool interactive, Func<TimeSpan>? clock = null)
    {
        _output = output;
        _interactive = interactive;
        if (clock is null)
        {
            var watch = Stopwatch.StartNew();
            clock = () => watch.Elapsed;
            if (interactive)
                _ticker = new Timer(_ => Redraw(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        }
        _clock = clock;
    }

    /// <summary>A line that stays: above the status line on a terminal, as it is elsewhere.</summary>
    public void Line(string line)
    {
        lock (_lock)
        {
            if (_interactive)
                _output.Write(Terminal.ClearLine);
            _output.WriteLine(line);
            if (_interactive && _states.Count > 0)
                Draw();
            _output.Flush();
        }
    }

    /// <summary>Sets what <paramref name="source"/> is doing now (null: it is done); shown on a terminal only.</summary>
    public void Status(string source, string? text)
    {
        if (!_interactive)
            return;
        lock (_lock)
        {
            if (_disposed)
                return;
            var index = _states.FindIndex(s => s.Source == source);
            if (text is null)
            {
                if (index >= 0)
                    _states.RemoveAt(index);
            }
            else if (index < 0)
                _states.Add((source, text, _clock()));
            else
                _states[index] = _states[index] with { Text = text }; // the clock runs from the source's first state
            Draw();
            _output.Flush();
        }
    }

    public void Dispose()
    {
        _ticker?.Dispose();
        lock (_lock)
        {
            var drawing = _interactive && !_disposed;
            _disposed = true;
            _states.Clear();
            if (!drawing)
                return;
            _output.Write(Terminal.ClearLine);
            _output.Flush();
        }
    }

    private void Redraw()
    {
        lock (_lock)
        {
            if (_states.Count == 0)
                return;
            Draw();
            _output.Flush();
        }
    }

    private void Draw()
    {
        var now = _clock();
        var status = string.Join("  ", _states.Select(s => $"[{s.Source}] {s.Text} {(now - s.Since).TotalSeconds:F0} s"));
        var width = TerminalWidth();
        _output.Write(Terminal.ClearLine + (status.Length < width ? status : status[..Math.Max(0, width - 2)] + "…"));
    }

    private int TerminalWidth()
    {
        try
        {
            return _interactive && Console.WindowWidth > 1 ? Console.WindowWidth : int.MaxValue;
        }
        catch (IOException)
        {
            return int.MaxValue;
        }
    }
}
