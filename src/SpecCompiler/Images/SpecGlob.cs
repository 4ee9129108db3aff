using Microsoft.Extensions.FileSystemGlobbing;
using Microsoft.Extensions.FileSystemGlobbing.Abstractions;

namespace Vmspec.SpecCompiler.Images;

/// <summary>
/// Expands one glob of an image definition. The leading segments without wildcards (which may
/// climb with '..') name the directory to search; the rest is matched by FileSystemGlobbing
/// ('*' within a name, '**' across directories), case-sensitively. Wildcards match specs only
/// (<see cref="SpecFiles.IsSpec"/>: host kernels in specs/hosts/ are passed over); a glob without
/// wildcards names its file whatever it is, so naming a host kernel is an error of its compilation. A lab's host
/// globs match host kernels instead (<see cref="SpecFiles.IsHostKernel"/>).
/// </summary>
internal static class SpecGlob
{
    /// <summary>Full paths of the matching files in ordinal order (empty when none or the directory is missing).</summary>
    public static IReadOnlyList<string> Expand(string definingFile, string glob) => Expand(definingFile, glob, SpecFiles.IsSpec);

    /// <summary>Full paths of the files matching <paramref name="glob"/> that <paramref name="wanted"/> accepts, in ordinal order.</summary>
    public static IReadOnlyList<string> Expand(string definingFile, string glob, Func<string, bool> wanted)
    {
        var segments = glob.Replace('\\', '/').Split('/');
        var literal = segments.TakeWhile(s => s.IndexOfAny(['*', '?', '[', '{']) < 0).Count();
        var directory = Path.GetFullPath(Path.Join([Path.GetDirectoryName(Path.GetFullPath(definingFile))!, .. segments.Take(literal)]));
        if (literal == segments.Length)
            return File.Exists(directory) ? [directory] : [];
        if (!Directory.Exists(directory))
            return [];

        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddInclude(string.Join('/', segments.Skip(literal)));
        return matcher.Execute(new DirectoryInfoWrapper(new DirectoryInfo(directory))).Files
            .Select(f => Path.GetFullPath(Path.Join(directory, f.Path)))
            .Where(wanted)
            .Order(StringComparer.Ordinal)
            .ToArray();
    }
}
