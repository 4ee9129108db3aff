using System.Diagnostics;
using Vmspec.TestSupport;

namespace Vmspec.Cli.Tests.Report;

/// <summary>
/// Debian's <c>chromium</c>, headless: the page's DOM after it rendered, and a screenshot. Tests skip with the package to
/// install when it is missing. Each call gets its own profile directory, so parallel tests do not share one.
/// </summary>
internal static class HeadlessChromium
{
    private static readonly string[] Candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

    public static string RequireBinary()
    {
        var binary = Candidates.FirstOrDefault(File.Exists);
        if (binary is null)
            Assert.Skip("headless Chromium unavailable: no /usr/bin/chromium (apt-get install chromium)");
        return binary;
    }

    public static string DumpDom(string htmlFile) =>
        Run(htmlFile, ["--dump-dom"]);

    public static byte[] Screenshot(string htmlFile, int width, int height)
    {
        using var temp = new TempDirectory("vmspec-report-");
        var png = temp.Combine("screenshot.png");
        Run(htmlFile, [$"--screenshot={png}", $"--window-size={width},{height}", "--hide-scrollbars"]);
        return File.ReadAllBytes(png);
    }

    private static string Run(string htmlFile, IEnumerable<string> arguments)
    {
        using var profile = new TempDirectory("vmspec-chromium-");
        var start = new ProcessStartInfo(RequireBinary())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", $"--user-data-dir={profile.Path}" }
            .Concat(arguments).Append(new Uri(Path.GetFullPath(htmlFile)).AbsoluteUri))
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"chromium did not finish within 90 s: {error.Result}");
        }
        Assert.True(process.ExitCode == 0, $"chromium exited with {process.ExitCode}: {error.Result}");
        return output;
    }
}
