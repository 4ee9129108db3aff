using System.Globalization;
using System.Text;
using System.Xml;

namespace Vmspec.Cli.Results;

/// <summary>
/// junit.xml for CI systems: one testsuite per host (named after it, with the host's facts as properties), one
/// testcase per case; failed checks become the failure text. A lab run that failed keeps its console tail in the
/// suite's system-err.
/// </summary>
internal static class JUnitWriter
{
    public static byte[] Write(VerifyReport report)
    {
        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false) };
        using var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, settings))
        {
            xml.WriteStartElement("testsuites");
            xml.WriteAttributeString("name", "vmspec");
            xml.WriteAttributeString("tests", Count(report.Runs.Sum(r => r.Cases.Count)));
            xml.WriteAttributeString("failures", Count(report.Count(Outcome.Failed)));
            xml.WriteAttributeString("skipped", Count(report.Count(Outcome.Skipped)));
            xml.WriteAttributeString("time", Seconds(TimeSpan.FromTicks(report.Runs.SelectMany(r => r.Cases).Sum(c => c.Duration.Ticks))));
            foreach (var run in report.Runs)
                WriteSuite(xml, run);
            xml.WriteEndElement();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    private static void WriteSuite(XmlWriter xml, HostRun run)
    {
        var host = run.Host;
        xml.WriteStartElement("testsuite");
        xml.WriteAttributeString("name", host.Name);
        xml.WriteAttributeString("tests", Count(run.Cases.Count));
        xml.WriteAttributeString("failures", Count(run.Count(Outcome.Failed)));
        xml.WriteAttributeString("skipped", Count(run.Count(Outcome.Skipped)));
        xml.WriteAttributeString("time", Seconds(TimeSpan.FromTicks(run.Cases.Sum(c => c.Duration.Ticks))));
        xml.WriteStartElement("properties");
        WriteProperty(xml, "host.name", host.Name);
        WriteProperty(xml, "host.mode", host.Mode);
        WriteProperty(xml, "host.kernelRelease", host.KernelRelease);
        WriteProperty(xml, "host.flavour", host.Flavour);
        if (host.IsLab)
        {
            WriteProperty(xml, "host.accel", host.Accel);
            WriteProperty(xml, "host.qemuVersion", host.QemuVersion);
        }
        WriteProperty(xml, "host.kvmAvailable", host.KvmAvailable ? "true" : "false");
        if (host.Reason is not null)
            WriteProperty(xml, "host.reason", host.Reason);
        xml.WriteEndElement();
        foreach (var result in run.Cases)
            WriteCase(xml, result);
        if (host.LabFailure is { } failure)
        {
            xml.WriteStartElement("system-err");
            xml.WriteString(Text($"lab run on {host.Name} {failure.Kind}: {failure.Error}\n"));
            if (failure.ConsoleTail.Count > 0)
                xml.WriteString(Text("the lab kernel's console ended with:\n" + string.Concat(failure.ConsoleTail.Select(l => $"  | {l}\n"))));
            xml.WriteEndElement();
        }
        xml.WriteEndElement();
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
                xml.WriteAttributeString("message", Text(result.Reason ?? $"{failed.Count} check(s) failed"));
                xml.WriteString(Text(string.Join('\n', failed.Select(c => $"{c.Name}: expected {c.Expected}, observed {c.ObservedWithFigures}"))));
                xml.WriteEndElement();
                break;
            case Outcome.Skipped:
                xml.WriteStartElement("skipped");
                xml.WriteAttributeString("message", Text(result.Reason ?? "skipped"));
                xml.WriteEndElement();
                break;
        }
        xml.WriteEndElement();
    }

    private static void WriteProperty(XmlWriter xml, string name, string? value)
    {
        xml.WriteStartElement("property");
        xml.WriteAttributeString("name", name);
        xml.WriteAttributeString("value", Text(value ?? "unknown"));
        xml.WriteEndElement();
    }

    /// <summary>Text XML can hold: a kernel console's escape sequences and other control characters become U+FFFD.</summary>
    internal static string Text(string text)
    {
        StringBuilder? clean = null;
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                clean?.Append(text, i, 2);
                i++;
                continue;
            }
            bool valid = XmlConvert.IsXmlChar(text[i]);
            if (!valid && clean is null)
                clean = new StringBuilder(text.Length).Append(text, 0, i);
            clean?.Append(valid ? text[i] : '\uFFFD');
        }
        return clean?.ToString() ?? text;
    }

    private static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan duration) =>
        duration.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);
}
