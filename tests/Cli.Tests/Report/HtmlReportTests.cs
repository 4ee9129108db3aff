using System.Globalization;
using System.Text;
using Vmspec.Cli.Report;
using Vmspec.Cli.Results;
using Vmspec.Runtime.AsyncPf.Verification;

namespace Vmspec.Cli.Tests.Report;

public class HtmlReportTests
{
    private const string Disagreeing = "enable-protocol[en=raw-bit4,enforcement=enforced,features=all]";

    [Fact]
    public void The_fixture_reads_back_to_the_same_bytes_with_its_events_and_rules()
    {
        var bytes = File.ReadAllBytes(ReportFixture.Path);
        var report = ResultsJsonReader.Read(bytes);

        Assert.Equal(Encoding.UTF8.GetString(bytes), Encoding.UTF8.GetString(ResultsJsonWriter.Write(report)));
        var delivered = report.Runs[0].Find("faults[variant=delivered]")!;
        Assert.Equal(33, delivered.Events.Count);
        Assert.Equal(["ack", "page-not-present", "page-ready", "wakeup-all"], delivered.Events.Select(e => e.Kind).Distinct().Order());
        Assert.Equal(0, delivered.Events[0].TimeUs);
        var en = report.Runs[0].Find(Disagreeing)!.Checks.Single(c => c.Name.StartsWith("wrmsr MSR_KVM_ASYNC_PF_EN", StringComparison.Ordinal));
        Assert.Equal("en-reserved", Assert.Single(en.Rules).Id);
        Assert.Contains("arch/x86/kvm/x86.c", en.Rules[0].Source);
    }

    [Fact]
    public void The_same_results_give_the_same_bytes_whatever_the_culture()
    {
        var report = ReportFixture.Read();
        var first = HtmlReport.Render(report);
        var culture = CultureInfo.CurrentCulture;
        try
        {
            // Globalization-invariant mode has no de-DE: a culture of its own with a decimal comma stands in.
            var comma = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            comma.NumberFormat.NumberDecimalSeparator = ",";
            comma.NumberFormat.NumberGroupSeparator = ".";
            CultureInfo.CurrentCulture = comma;
            Assert.Equal(first, HtmlReport.Render(ReportFixture.Read()));
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    [Fact]
    public void Failures_come_first_with_expected_and_observed_and_their_cell_disagrees()
    {
        var html = Encoding.UTF8.GetString(HtmlReport.Render(ReportFixture.WithDisagreement(Disagreeing)));

        int failures = html.IndexOf("<section id=\"failures\">", StringComparison.Ordinal);
        int matrix = html.IndexOf("<section id=\"matrix\">", StringComparison.Ordinal);
        int timelines = html.IndexOf("<section id=\"timelines\">", StringComparison.Ordinal);
        Assert.True(failures >= 0 && failures < matrix && matrix < timelines, "failures, then the matrix, then the timelines");
        var failure = html[failures..matrix];
        Assert.Contains("Failures (1)", failure);
        Assert.Contains($"<code>{Disagreeing}</code> on native", failure);
        Assert.Contains("#GP [en-reserved]", failure);
        Assert.Contains("accepted; expected #GP, observed accepted", failure);
        Assert.Equal(1, Occurrences(html, "data-outcome=\"disagree\""));
        Assert.Contains("rule en-reserved: a write to MSR_KVM_ASYNC_PF_EN with bit 4 or 5 set is refused (#GP)", html);
    }

    [Fact]
    public void Every_event_is_one_mark_and_every_matrix_case_one_cell()
    {
        var report = ReportFixture.Read();
        var html = Encoding.UTF8.GetString(HtmlReport.Render(report));

        Assert.Equal(report.Runs[0].Cases.Sum(c => c.Events.Count), Occurrences(html, "<g class=\"mark\""));
        Assert.Equal(report.Runs[0].Cases.Count(c => c.Name.StartsWith("enable-protocol[", StringComparison.Ordinal)), Occurrences(html, "<g class=\"cell\""));
        Assert.Contains("No failures", html);
    }

    [Fact]
    public void Text_from_the_results_is_escaped()
    {
        var report = new VerifyReport([new HostRun(new HostInfo("native", "native", "6.12", "kvm_amd", true, null),
            [new CaseResult("x[<script>=1,b=\"2\"]", "async-pf", Outcome.Failed, [new Check("<b>", Outcome.Failed, "a & b", "\u001b[0m")],
                AsyncPfCounts.None, TimeSpan.Zero)])]);
        var html = Encoding.UTF8.GetString(HtmlReport.Render(report));

        Assert.DoesNotContain("<script>", html);
        Assert.DoesNotContain("<b>\u003c", html);
        Assert.DoesNotContain("\u001b", html);
        Assert.Contains("x[&lt;script&gt;=1,b=&quot;2&quot;]", html);
        Assert.Contains("a &amp; b", html);
    }

    [Fact]
    public void A_rule_id_that_the_top_level_rules_do_not_state_is_an_error()
    {
        var json = File.ReadAllText(ReportFixture.Path).Replace("\"rules\": [\n                \"en-reserved\"", "\"rules\": [\n                \"no-such-rule\"");
        Assert.Contains("is \"no-such-rule\", not a rule of the top-level rules",
            Assert.Throws<FormatException>(() => ResultsJsonReader.Read(Encoding.UTF8.GetBytes(json))).Message);
    }

    [Theory]
    [InlineData(0.4, 1, "µs")]
    [InlineData(1390, 200, "µs")]
    [InlineData(54_800, 10_000, "ms")]
    public void The_time_axis_ends_at_a_round_value_with_at_most_ten_steps(double last, double step, string unit)
    {
        var axis = TimeAxis.For(last);
        Assert.Equal((step, unit), (axis.Step, axis.Unit));
        Assert.True(axis.End >= last && axis.Ticks.Count() <= 11);
    }

    internal static int Occurrences(string text, string what)
    {
        int count = 0;
        for (int at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal))
            count++;
        return count;
    }
}
