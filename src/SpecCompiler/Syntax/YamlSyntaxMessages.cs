namespace Vmspec.SpecCompiler.Syntax;

/// <summary>
/// Puts YamlDotNet's scanner and parser messages ("While scanning a mapping, found invalid tab as
/// indentation.") in a spec author's words. A message it does not know keeps the parser's text,
/// prefixed with "invalid YAML".
/// </summary>
internal static class YamlSyntaxMessages
{
    /// <summary>Messages whose exception marks do not point at the fault: the scanner's cursor does.</summary>
    public static bool IsTabIndentation(string message) =>
        message.Contains("invalid tab as indentation", StringComparison.Ordinal)
        || message.Contains("tab character that violate indentation", StringComparison.Ordinal);

    /// <summary>The parser's complaint when a flow collection ('[' or '{') was never closed.</summary>
    public static bool IsUnclosedFlow(string message) =>
        message.StartsWith("While parsing a flow ", StringComparison.Ordinal);

    /// <summary>The message for a fault whose first character is <paramref name="at"/> (null at the end of the file).</summary>
    public static string Describe(string message, char? at)
    {
        if (IsTabIndentation(message))
            return "a tab is used for indentation; YAML allows only spaces there (indent with spaces)";
        foreach (var (fragment, plain) in Known)
        {
            if (message.Contains(fragment, StringComparison.Ordinal))
                return plain;
        }
        if (message.Contains("character that cannot start any token", StringComparison.Ordinal) && at is { } c)
            return $"'{c}' cannot start a plain value (YAML reserves it); put the value in quotes";
        return $"invalid YAML: {message.TrimEnd('.')}";
    }

    private static readonly (string Fragment, string Plain)[] Known =
    [
        ("quoted scalar, found unexpected end of stream", "this quoted string is never closed"),
        ("quoted scalar, found unknown escape character", "unknown escape sequence in a double-quoted string (write \\\\ for a backslash, or use single quotes)"),
        ("found invalid mapping", "': ' inside a plain value; check this line's indentation, or put the value in quotes"),
        ("Mapping values are not allowed in this context", "': ' is not allowed here; put the value in quotes or fix the indentation"),
        ("Block sequence entries are not allowed in this context", "a '- ' list item is not allowed here; check the indentation"),
        ("simple key, could not find expected ':'", "expected ':' after this key (a key and its ':' must be on one line)"),
        ("block mapping, did not find expected key", "expected a 'key: value' line at this indentation; check the indentation"),
        ("block collection, did not find expected '-' indicator", "expected a '- ' list item at this indentation; check the indentation"),
        ("expected <document end>", "unexpected text at this indentation; check the indentation of this line and the one above"),
        ("did not find expected node content", "expected a value here"),
        ("While scanning a tag", "malformed tag ('!'); specs use no tags: put the value in quotes"),
        ("While scanning an anchor or alias", "malformed anchor or alias ('&' or '*'); put the value in quotes"),
        ("found a comment between adjacent scalars", "a comment splits this value; put the value on one line"),
        ("block scalar", "malformed block scalar ('|' or '>'); indent its lines with spaces, deeper than its key"),
    ];
}
