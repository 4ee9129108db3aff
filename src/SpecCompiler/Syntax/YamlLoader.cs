using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Vmspec.SpecCompiler.Syntax;

/// <summary>
/// Turns YAML text into <see cref="YamlNode"/>s with positions, from YamlDotNet's parser events.
/// Rejects what a spec never needs (tags, several documents, non-scalar keys, duplicate keys) and
/// enforces <see cref="SyntaxLimits"/>.
/// </summary>
internal static partial class YamlLoader
{
    /// <summary>Loads a file whose document must be a mapping (<paramref name="what"/>: "a spec", "an image definition", ...).</summary>
    public static YamlMapping? LoadMapping(string file, string text, string what, DiagnosticBag diagnostics)
    {
        var node = Load(file, text, diagnostics);
        if (node is null or YamlMapping)
            return node as YamlMapping;
        diagnostics.Add(node.Location, "", $"expected {what} mapping at the top level, found {node.KindName}");
        return null;
    }

    /// <summary>Loads one document; returns null and reports why when it cannot.</summary>
    public static YamlNode? Load(string file, string text, DiagnosticBag diagnostics)
    {
        if (text.Length > SyntaxLimits.MaxFileBytes)
        {
            diagnostics.Add(new SourceLocation(file, 1, 1), "",
                $"file is larger than the {SyntaxLimits.MaxFileBytes} byte limit");
            return null;
        }
        var builder = new Builder(file, diagnostics);
        var scanner = new Scanner(new StringReader(text));
        try
        {
            return builder.Build(new Parser(scanner));
        }
        catch (YamlException e)
        {
            builder.ReportSyntaxError(text, StripPosition(e.Message), IsPositioned(e) ? e.Start : scanner.CurrentPosition, scanner.CurrentPosition);
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            // The parser is third-party code: whatever it throws on garbage must become a diagnostic,
            // in YAML's terms rather than the exception's.
            builder.ReportSyntaxError(text, "", scanner.CurrentPosition, scanner.CurrentPosition);
            return null;
        }
    }

    // YamlDotNet throws some scanner errors without marks; their Start is the empty mark.
    private static bool IsPositioned(YamlException e) =>
        !YamlSyntaxMessages.IsTabIndentation(e.Message) && (e.Start.Index > 0 || e.End.Index > 0);

    private static string StripPosition(string message) => PositionPrefix().Replace(message, "");

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex PositionPrefix();

    private sealed class Builder(string file, DiagnosticBag diagnostics)
    {
        private readonly Dictionary<string, YamlNode> _anchors = new(StringComparer.Ordinal);
        private readonly Stack<(Mark Start, char Opener)> _openFlows = new();
        private int _nodes;

        private SourceLocation At(Mark mark) => new(file, (int)mark.Line, (int)mark.Column);

        /// <summary>
        /// Reports a fault the parser threw on. A '[' or '{' still open when the parser gave up is the
        /// usual cause, and its own position is where the author must look.
        /// </summary>
        public void ReportSyntaxError(string text, string message, Mark at, Mark scannerPosition)
        {
            var atEnd = text.AsSpan((int)Math.Min(at.Index, text.Length)).Trim().IsEmpty;
            if (_openFlows.TryPeek(out var flow) && (atEnd || message.Length == 0 || YamlSyntaxMessages.IsUnclosedFlow(message)))
            {
                var closer = flow.Opener == '[' ? ']' : '}';
                diagnostics.Add(At(flow.Start), "", $"this '{flow.Opener}' is never closed; expected ',' or '{closer}' before line {scannerPosition.Line}, column {scannerPosition.Column}");
                return;
            }
            if (message.Length == 0)
            {
                diagnostics.Add(At(at), "", "invalid YAML here");
                return;
            }
            char? first = at.Index < text.Length ? text[(int)at.Index] : null;
            diagnostics.Add(At(at), "", YamlSyntaxMessages.Describe(message, first));
        }

        public YamlNode? Build(IParser parser)
        {
            YamlNode? document = null;
            var documents = 0;
            parser.Consume<StreamStart>();
            while (!parser.TryConsume<StreamEnd>(out _))
            {
                var start = parser.Consume<DocumentStart>();
                documents++;
                if (documents == 2)
                {
                    diagnostics.Add(At(start.Start), "", "a spec file holds exactly one YAML document");
                    return null;
                }
                document = ParseNode(parser, depth: 1);
                if (document is null)
                    return null;
                parser.Consume<DocumentEnd>();
            }
            if (document is null)
                diagnostics.Add(new SourceLocation(file, 1, 1), "", "the file is empty; expected a spec mapping");
            return document;
        }

        // Recursion depth is bounded by MaxDepth, checked before descending.
        private YamlNode? ParseNode(IParser parser, int depth)
        {
            var current = parser.Current ?? throw new InvalidOperationException("unexpected end of YAML events");
            if (depth > SyntaxLimits.MaxDepth)
                return Fail(current.Start, $"nesting deeper than {SyntaxLimits.MaxDepth} levels");
            if (++_nodes > SyntaxLimits.MaxNodes)
                return Fail(current.Start, $"more than {SyntaxLimits.MaxNodes} YAML nodes (aliases count as expanded)");

            if (current is AnchorAlias alias)
            {
                parser.MoveNext();
                if (!_anchors.TryGetValue(alias.Value.Value, out var target))
                    return Fail(alias.Start, $"alias *{alias.Value.Value} refers to no earlier anchor");
                _nodes += target.Size - 1;
                if (_nodes > SyntaxLimits.MaxNodes)
                    return Fail(alias.Start, $"more than {SyntaxLimits.MaxNodes} YAML nodes (aliases count as expanded)");
                if (depth - 1 + target.Height > SyntaxLimits.MaxDepth)
                    return Fail(alias.Start, $"nesting deeper than {SyntaxLimits.MaxDepth} levels (through alias *{alias.Value.Value})");
                return target;
            }
            if (current is not NodeEvent nodeEvent)
                return Fail(current.Start, $"unexpected YAML event {current.GetType().Name}");
            if (!nodeEvent.Tag.IsEmpty && !nodeEvent.Tag.IsNonSpecific)
                return Fail(nodeEvent.Start, $"YAML tags are not supported (found {nodeEvent.Tag.Value})");

            YamlNode? node = nodeEvent switch
            {
                Scalar scalar => ParseScalar(parser, scalar),
                SequenceStart => ParseSequence(parser, nodeEvent, depth),
                MappingStart => ParseMapping(parser, nodeEvent, depth),
                _ => Fail(nodeEvent.Start, $"unexpected YAML event {nodeEvent.GetType().Name}"),
            };
            if (node is not null && !nodeEvent.Anchor.IsEmpty)
                _anchors[nodeEvent.Anchor.Value] = node;
            return node;
        }

        private YamlScalar ParseScalar(IParser parser, Scalar scalar)
        {
            parser.MoveNext();
            return new YamlScalar(At(scalar.Start), scalar.Value, scalar.Style is ScalarStyle.Plain or ScalarStyle.Any);
        }

        private YamlNode? ParseSequence(IParser parser, NodeEvent start, int depth)
        {
            var flow = start is SequenceStart { Style: SequenceStyle.Flow };
            if (flow)
                _openFlows.Push((start.Start, '['));
            parser.MoveNext();
            var items = new List<YamlNode>();
            while (!parser.TryConsume<SequenceEnd>(out _))
            {
                var item = ParseNode(parser, depth + 1);
                if (item is null)
                    return null;
                items.Add(item);
            }
            if (flow)
                _openFlows.Pop();
            return YamlSequence.Create(At(start.Start), items);
        }

        private YamlNode? ParseMapping(IParser parser, NodeEvent start, int depth)
        {
            var flow = start is MappingStart { Style: MappingStyle.Flow };
            if (flow)
                _openFlows.Push((start.Start, '{'));
            parser.MoveNext();
            var entries = new List<YamlEntry>();
            var keys = new Dictionary<string, YamlScalar>(StringComparer.Ordinal);
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var keyNode = ParseNode(parser, depth + 1);
                if (keyNode is null)
                    return null;
                var value = ParseNode(parser, depth + 1);
                if (value is null)
                    return null;
                if (keyNode is not YamlScalar key)
                {
                    diagnostics.Add(keyNode.Location, "", $"mapping keys must be plain strings, found {keyNode.KindName}");
                    continue;
                }
                if (keys.TryGetValue(key.Value, out var first))
                {
                    diagnostics.Add(key.Location, key.Value,
                        $"duplicate key (first defined at line {first.Location.Line}, column {first.Location.Column})");
                    continue;
                }
                keys.Add(key.Value, key);
                entries.Add(new YamlEntry(key, value));
            }
            if (flow)
                _openFlows.Pop();
            return YamlMapping.Create(At(start.Start), entries);
        }

        private YamlNode? Fail(Mark mark, string message)
        {
            diagnostics.Add(At(mark), "", message);
            return null;
        }
    }
}
