using System.Text.Json;

namespace Vmspec.SpecCompiler.Plan;

/// <summary>
/// The checks every plan reader makes: valid JSON, the expected format, no unknown members, a digest that
/// matches, and bytes that are exactly the canonical form of the plan they describe.
/// </summary>
internal static class CanonicalPlanReader
{
    public delegate byte[] Writer<in T>(T plan, out string digest);

    /// <param name="nonCanonical">the message for bytes that describe a valid plan in a non-canonical form</param>
    public static T Read<T>(ReadOnlyMemory<byte> bytes, int maxDepth, string formatVersion, Func<JsonFields, T> readPlan,
        Writer<T> write, string nonCanonical)
    {
        T plan;
        string digest;
        try
        {
            using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = maxDepth });
            var root = new JsonFields(document.RootElement, "$");
            var format = root.String("format");
            if (format != formatVersion)
                throw new PlanFormatException($"$.format: expected {formatVersion}, found '{format}'");
            digest = root.String("digest");
            plan = readPlan(root);
            root.NoOthers();
        }
        catch (JsonException e)
        {
            throw new PlanFormatException($"not valid JSON: {e.Message}");
        }

        var canonical = write(plan, out var expectedDigest);
        if (digest != expectedDigest)
            throw new PlanFormatException($"$.digest: the plan's content hashes to {expectedDigest}, but the digest says {digest}");
        if (!canonical.AsSpan().SequenceEqual(bytes.Span))
            throw new PlanFormatException(nonCanonical);
        return plan;
    }
}
