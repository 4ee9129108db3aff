using System.Text.RegularExpressions;

namespace Vmspec.Images;

/// <summary>The subset of Docker reference syntax we accept for names and tags.</summary>
internal static partial class ImageNames
{
    public static void Validate(ImageDefinition definition)
    {
        if (!NamePattern().IsMatch(definition.Name))
        {
            throw new ImageBuildException($"image name '{definition.Name}' is invalid: use lowercase [a-z0-9] parts joined by '.', '_', '-' or '/'");
        }

        if (!TagPattern().IsMatch(definition.Tag))
        {
            throw new ImageBuildException($"image tag '{definition.Tag}' is invalid: use [A-Za-z0-9_.-], at most 128 characters, not starting with '.' or '-'");
        }
    }

    [GeneratedRegex("^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex TagPattern();
}
