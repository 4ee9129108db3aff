using System.Text;

namespace Vmspec.Cli.Io;

/// <summary>Writes every line to <paramref name="inner"/> with <paramref name="prefix"/> in front, a whole line at a time.</summary>
internal sealed class PrefixedWriter(TextWriter inner, string prefix) : TextWriter
{
    private readonly StringBuilder _line = new();

    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        lock (_line)
        {
            if (value == '\n')
            {
                inner.WriteLine(prefix + _line.ToString().TrimEnd('\r'));
                _line.Clear();
            }
            else
            {
                _line.Append(value);
            }
        }
    }

    public override void Write(string? value)
    {
        foreach (var c in value ?? "")
            Write(c);
    }

    public override void WriteLine(string? value)
    {
        lock (_line)
        {
            Write(value);
            Write('\n');
        }
    }

    public override void Flush()
    {
        lock (_line)
        {
            if (_line.Length > 0)
            {
                inner.WriteLine(prefix + _line);
                _line.Clear();
            }
            inner.Flush();
        }
    }
}
