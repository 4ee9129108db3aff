using System.Text.RegularExpressions;
using Vmspec.Cli.Report;
using Vmspec.Cli.Results;
using Vmspec.Cli.Specs;
using Vmspec.Cli.Verification;
using Vmspec.Runtime.Host;
using Vmspec.TestSupport;

namespace Vmspec.Cli.Tests.Report;

/// <summary>The report as a real browser shows it: Debian's chromium, headless, reads its DOM and takes a screenshot.</summary>
public partial class ReportInChromiumTests : IDisposable
{
    private readonly TempDirectory _directory = new("vmspec-report-test-");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Chromium_shows_the_summary_the_timeline_marks_and_the_heat_map_cells()
    {
        HeadlessChromium.RequireBinary();
        var report = ReportFixture.WithDisagreement("enable-protocol[en=zero,enforcement=enforced,features=none]");
        var dom = HeadlessChromium.DumpDom(Write(report));

        var summary = SummaryRow().Match(dom);
        Assert.True(summary.Success, "the summary has a row for native");
        Assert.Equal(("66", "1", "0"), (summary.Groups["passed"].Value, summary.Groups["failed"].Value, summary.Groups["skipped"].Value));
        var delivered = DeliveredTimeline().Match(dom);
        Assert.True(delivered.Success, "the delivered case has a timeline");
        Assert.Equal(33, HtmlReportTests.Occurrences(delivered.Value, "<g class=\"mark\""));
        Assert.Equal(12, HtmlReportTests.Occurrences(delivered.Value, "data-kind=\"page-ready\"")); // 6 tokens, traced and reported
        Assert.Equal(5 * 9 + 2 * 9, HtmlReportTests.Occurrences(dom, "<g class=\"cell\"")); // features × EN values, enforced and unenforced
        Assert.Equal(1, HtmlReportTests.Occurrences(dom, "data-outcome=\"disagree\""));
        Assert.Contains("Failures (1)", dom);
    }

    [Fact]
    public void Chromium_paints_the_heat_map_and_the_timelines_on_a_white_page()
    {
        HeadlessChromium.RequireBinary();
        var png = PngImage.Decode(HeadlessChromium.Screenshot(Write(ReportFixture.Read()), 1280, 2000));

        Assert.Equal((1280, 2000), (png.Width, png.Height));
        Assert.Equal(((byte)255, (byte)255, (byte)255), png.Pixel(2, 2));
        int painted = png.CountUnlike((255, 255, 255));
        Assert.True(painted > png.Width * png.Height / 20, $"only {painted} non-white pixels");
        Assert.True(png.CountNear(Rgb(ReportStyle.Accept)) > 10_000, "accepted heat-map cells are painted");
        Assert.True(png.CountNear(Rgb(ReportStyle.GeneralProtection)) > 10_000, "#GP heat-map cells are painted");
        Assert.True(png.CountNear(Rgb(ReportStyle.NotPresent), tolerance: 20) > 300, "page-not-present marks are painted");
        Assert.True(png.CountNear(Rgb(ReportStyle.PageReady), tolerance: 20) > 300, "page-ready marks are painted");
    }

    [Fact]
    public void A_report_of_a_real_verify_shows_each_traced_token_in_Chromium()
    {
        HeadlessChromium.RequireBinary();
        var host = KvmRequirement.RequireKvm();
        var cases = SpecInputs.Select(SpecInputs.Compile([TestRepository.Specs]).Cases, "faults[variant=delivered]");
        var run = new VerifySession(host, jobs: 1, TextWriter.Null).Run(cases);
        var result = Assert.Single(run.Cases);
        Assert.NotEmpty(result.Events);

        var dom = HeadlessChromium.DumpDom(Write(ResultsJsonReader.Read(ResultsJsonWriter.Write(new VerifyReport([run])))));
        Assert.Equal(result.Events.Count, HtmlReportTests.Occurrences(dom, "<g class=\"mark\""));
        Assert.Equal(result.Events.Count(e => e.Kind == "page-not-present"), HtmlReportTests.Occurrences(dom, "data-kind=\"page-not-present\""));
    }

    private string Write(VerifyReport report)
    {
        var path = Path.Combine(_directory.Path, "report.html");
        File.WriteAllBytes(path, HtmlReport.Render(report));
        return path;
    }

    private static (byte R, byte G, byte B) Rgb(string hex) =>
        (Convert.ToByte(hex[1..3], 16), Convert.ToByte(hex[3..5], 16), Convert.ToByte(hex[5..7], 16));

    [GeneratedRegex("""<tr class="host-row" data-host="native">.*?<td class="num passed-count">(?<passed>\d+)</td><td class="num failed-count">(?<failed>\d+)</td><td class="num skipped-count">(?<skipped>\d+)</td>""", RegexOptions.Singleline)]
    private static partial Regex SummaryRow();

    [GeneratedRegex("""<figure class="timeline" id="timeline-native-faults-variant-delivered".*?</figure>""", RegexOptions.Singleline)]
    private static partial Regex DeliveredTimeline();
}
