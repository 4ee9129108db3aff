using System.Text;
using System.Text.Json;
using Vmspec.Shared.Io;

namespace Vmspec.Runtime.Host;

/// <summary>Writes a <see cref="HostReport"/> as JSON (Utf8JsonWriter, fixed key order) or as text.</summary>
public static class HostReportWriter
{
    public static byte[] ToJson(HostReport report)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteBoolean("available", report.Available);
            w.WriteString("reason", report.Reason);
            w.WriteString("flavour", KvmFlavours.Name(report.Flavour));
            w.WriteString("kernelRelease", report.KernelRelease);
            if (report.ApiVersion is { } v) w.WriteNumber("apiVersion", v);
            else w.WriteNull("apiVersion");
            w.WriteStartObject("capabilities");
            foreach (var (name, value) in report.Capabilities) w.WriteNumber(name, value);
            w.WriteEndObject();
            w.WriteStartArray("kvmFeatures");
            foreach (string f in report.KvmFeatures) w.WriteStringValue(f);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }

    public static string ToText(HostReport report)
    {
        var s = new StringBuilder();
        s.AppendLine($"KVM available: {(report.Available ? "yes" : "no")}");
        s.AppendLine($"reason: {report.Reason}");
        s.AppendLine($"flavour: {KvmFlavours.Name(report.Flavour)}");
        s.AppendLine($"kernel release: {report.KernelRelease}");
        if (report.ApiVersion is { } v) s.AppendLine($"API version: {v}");
        foreach (var (name, value) in report.Capabilities) s.AppendLine($"KVM_CAP_{name} = {value}");
        if (report.KvmFeaturesEax is { } eax)
            s.AppendLine($"CPUID 0x40000001 EAX = 0x{eax:x}: {string.Join(' ', report.KvmFeatures)}");
        return s.ToString();
    }

    /// <summary>Writes the report as JSON, atomically.</summary>
    public static void WriteJsonFile(HostReport report, string path) => AtomicFile.Write(path, ToJson(report));
}
