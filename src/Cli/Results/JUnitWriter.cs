using System.Globalization;
using System.Text;
using System.Xml;
using Vmspec.Runtime.AsyncPf.Verification;

namespace Vmspec.Cli.Results;

/// <summary>junit.xml for CI systems: one testcase per case; failed checks become the failure text.</summary>
internal static class JUnitWriter
{
    public static byte[] Write(VerifyReport report)
    {
        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false) };
        using var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, settings))
        {
            xml.WriteStartElement("testsuites");
            xml.WriteStartElement("testsuite");
            xml.WriteAttributeString("name", "vmspec");
            xml.WriteAttributeString("tests", Count(report.Cases.Count));
            xml.WriteAttributeString("failures", Count(report.Count(Outcome.Failed)));
            xml.WriteAttributeString("skipped", Count(report.Count(Outcome.Skipped)));
            xml.WriteAttributeString("time", Seconds(TimeSpan.FromTicks(report.Cases.Sum(c => c.Duration.Ticks))));
            xml.WriteStartElement("properties");
            WriteProperty(xml, "host.flavour", report.HostFlavour);
            WriteProperty(xml, "host.kvmAvailable", report.KvmAvailable ? "true" : "false");
            xml.WriteEndElement();
            foreach (var result in report.Cases)
                WriteCase(xml, result);
            xml.WriteEndElement();
            xml.WriteEndElement();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    private static void WriteCase(XmlWriter xml, CaseResult result)
    {
        xml.WriteStartElement("testcase");
        xml.WriteAttributeString("classname", $"vmspec.{result.Guest}");
        xml.WriteAttributeString("name", result.Name);
        xml.WriteAttributeString("time", Seconds(result.Duration));
        switch (result.Status)
        {
            case Outcome.Failed:
                var failed = result.Checks.Where(c => c.Status == Outcome.Failed).ToList();
                xml.WriteStartElement("failure");
                xml.WriteAttributeString("message", result.Reason ?? $"{failed.Count} check(s) failed");
                xml.WriteString(string.Join('\n', failed.Select(c => $"{c.Name}: expected {c.Expected}, observed {c.Observed}")));
                xml.WriteEndElement();
                break;
            case Outcome.Skipped:
                xml.WriteStartElement("skipped");
                xml.WriteAttributeString("message", result.Reason ?? "skipped");
                xml.WriteEndElement();
                break;
        }
        xml.WriteEndElement();
    }

    private static void WriteProperty(XmlWriter xml, string name, string value)
    {
        xml.WriteStartElement("property");
        xml.WriteAttributeString("name", name);
        xml.WriteAttributeString("value", value);
        xml.WriteEndElement();
    }

    private static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan duration) =>
        duration.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);
}
