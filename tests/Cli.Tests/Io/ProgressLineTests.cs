using Vmspec.Cli.Io;

namespace Vmspec.Cli.Tests.Io;

/// <summary>Long work shows an updating line on a terminal and only plain lines elsewhere.</summary>
public sealed class ProgressLineTests
{
    private const string ClearLine = "\r\u001b[K";

    [Fact]
    public void Not_a_terminal_gets_plain_lines_and_no_status()
    {
        var output = new StringWriter();
        using (var progress = new ProgressLine(output, interactive: false))
        {
            progress.Status("debian-6.12", "booting…");
            progress.Line("[debian-6.12] lab ready after 5.1 s");
            progress.Status("debian-6.12", "37/71 cases");
        }

        Assert.Equal("[debian-6.12] lab ready after 5.1 s\n", output.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Terminal_status_updates_in_place_and_lines_go_above_it()
    {
        var output = new StringWriter();
        using (var progress = new ProgressLine(output, interactive: true, clock: () => TimeSpan.FromSeconds(3)))
        {
            progress.Status("debian-6.12", "booting…");
            progress.Line("[debian-6.12] lab ready");
            progress.Status("native", "37/71 cases");
            progress.Status("debian-6.12", null);
        }

        var text = output.ToString();
        Assert.Equal(
            ClearLine + "[debian-6.12] booting… 0 s"
            + ClearLine + "[debian-6.12] lab ready" + Environment.NewLine + ClearLine + "[debian-6.12] booting… 0 s"
            + ClearLine + "[debian-6.12] booting… 0 s  [native] 37/71 cases 0 s"
            + ClearLine + "[native] 37/71 cases 0 s"
            + ClearLine,
            text);
        Assert.DoesNotContain("\n[", text);
    }
}
