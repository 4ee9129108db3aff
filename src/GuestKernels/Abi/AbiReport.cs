using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Vmspec.Abi.KvmPara;
using Vmspec.GuestKernels.Btf;
using Vmspec.GuestKernels.Compression;

namespace Vmspec.GuestKernels.Abi;

/// <summary>
/// What `vmspec abi IMAGE` prints: which async #PF shared-area layout a guest kernel speaks,
/// and the evidence (the struct as the kernel's BTF describes it).
/// </summary>
public sealed record AbiReport(
    string Image,
    string Format,
    string? KernelVersion,
    string? Compression,
    BtfStruct? Struct,
    string Verdict,
    string Detail)
{
    /// <summary>Opens the image and classifies its struct kvm_vcpu_pv_apf_data. Malformed images throw <see cref="KernelImageException"/>;
    /// a kernel without BTF or without the struct yields verdict "unknown" with the reason.</summary>
    public static AbiReport Create(string imagePath) => FromImage(KernelImage.Open(imagePath));

    public static AbiReport FromImage(KernelImage image)
    {
        string format = image.Format.Name();
        string? compression = image.Compression?.Name();
        if (!image.HasBtf)
            return new(image.Path, format, image.KernelVersion, compression, null, ApfDataLayouts.UnknownName, image.MissingBtfReason!);
        var types = image.ReadTypes();
        var found = types.FindStruct(ApfDataLayouts.StructName);
        if (found is null)
            return new(image.Path, format, image.KernelVersion, compression, null, ApfDataLayouts.UnknownName,
                $"struct {ApfDataLayouts.StructName} is not in the BTF ({types.Count - 1} types): the kernel may lack CONFIG_KVM_GUEST");
        var verdict = ApfDataClassifier.Classify(found);
        return new(image.Path, format, image.KernelVersion, compression, found, verdict.Verdict, verdict.Detail);
    }

    /// <summary>JSON (indented unless asked otherwise) with a fixed key order: same report, same bytes.</summary>
    public byte[] ToJson(bool indented = true)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions
        {
            Indented = indented,
            // The output is a file or a terminal, never HTML: keep '+' in "6.12.117+deb12" readable.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }))
            WriteJson(json);
        return buffer.ToArray();
    }

    public void WriteJson(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("image", Image);
        json.WriteString("format", Format);
        WriteStringOrNull(json, "kernelVersion", KernelVersion);
        WriteStringOrNull(json, "compression", Compression);
        WriteStringOrNull(json, "struct", Struct?.Name);
        if (Struct is null)
            json.WriteNull("size");
        else
            json.WriteNumber("size", Struct.Size);
        json.WriteStartArray("members");
        foreach (var member in Struct?.Members ?? [])
        {
            json.WriteStartObject();
            json.WriteString("name", member.Name);
            json.WriteNumber("offset", member.ByteOffset);
            json.WriteNumber("size", member.Size);
            json.WriteString("type", member.TypeName);
            if (member.IsBitfield)
            {
                json.WriteNumber("bitOffset", member.BitOffset);
                json.WriteNumber("bitSize", member.BitfieldSize);
            }
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteString("verdict", Verdict);
        json.WriteString("detail", Detail);
        json.WriteEndObject();
    }

    /// <summary>Human-readable rendering, one fact per line.</summary>
    public string ToText()
    {
        var text = new StringBuilder();
        text.Append("image:       ").Append(Image).Append(" (").Append(Format).Append(")\n");
        if (KernelVersion is not null)
            text.Append("kernel:      ").Append(KernelVersion).Append('\n');
        if (Compression is not null)
            text.Append("compression: ").Append(Compression).Append('\n');
        if (Struct is not null)
        {
            text.Append("struct:      ").Append(Struct.Name).Append(" (").Append(Struct.Size).Append(" bytes)\n");
            foreach (var m in Struct.Members)
                text.Append("  +").Append(m.ByteOffset.ToString().PadRight(4)).Append(' ')
                    .Append((m.TypeName + " " + m.Name + (m.IsBitfield ? $":{m.BitfieldSize}" : "")).PadRight(24))
                    .Append(" size ").Append(m.Size).Append('\n');
        }
        text.Append("verdict:     ").Append(Verdict).Append('\n');
        text.Append("detail:      ").Append(Detail).Append('\n');
        return text.ToString();
    }

    private static void WriteStringOrNull(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
            json.WriteNull(name);
        else
            json.WriteString(name, value);
    }
}
