using Vmspec.Shared.Io;

namespace Vmspec.Shared.Tests.Io;

public sealed class DownloadProgressTests
{
    [Fact]
    public void A_log_gets_a_line_per_tenth_of_a_known_total()
    {
        var log = new StringWriter();
        long now = 0;
        var progress = new DownloadProgress(log, terminal: false, "pkg=1.0", () => now);

        for (long done = 0; done <= 1000; done += 25, now += 10)
            progress.Report(done, 1000);
        progress.Finish(1000);

        var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(11, lines.Length);
        Assert.Equal("downloading pkg=1.0: 0.0 of 0.0 MB (10%)", lines[0]);
        Assert.Equal("downloaded pkg=1.0: 0.0 MB", lines[^1]);
    }

    [Fact]
    public void A_log_gets_a_line_every_few_seconds_when_the_total_is_unknown()
    {
        var log = new StringWriter();
        long now = 0;
        var progress = new DownloadProgress(log, terminal: false, "pkg=1.0", () => now);

        for (; now <= 12_000; now += 1000)
            progress.Report(now * 1000, total: null);

        Assert.Equal(["downloading pkg=1.0: 0.0 MB", "downloading pkg=1.0: 5.0 MB", "downloading pkg=1.0: 10.0 MB"],
            log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void A_terminal_gets_one_line_rewritten_in_place_and_finished()
    {
        var terminal = new StringWriter();
        long now = 0;
        var progress = new DownloadProgress(terminal, terminal: true, "pkg=1.0", () => now);

        progress.Report(2_000_000, 4_000_000);
        progress.Report(3_000_000, 4_000_000); // within the refresh interval: not written
        now += 1000;
        progress.Report(4_000_000, 4_000_000);
        progress.Finish(4_000_000);

        Assert.Equal("\r\e[Kdownloading pkg=1.0: 2.0 of 4.0 MB (50%)\r\e[Kdownloading pkg=1.0: 4.0 of 4.0 MB (100%)\r\e[Kdownloaded pkg=1.0: 4.0 MB\n",
            terminal.ToString());
    }
}
