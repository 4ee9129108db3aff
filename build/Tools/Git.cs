using System.Globalization;
using Vmspec.Build.Framework;

namespace Vmspec.Build.Tools;

/// <summary>The few git facts the image targets need: the commit, its time, uncommitted changes, clones.</summary>
internal static class Git
{
    public static async Task<string> HeadAsync(string repository) =>
        (await ProcessRunner.CaptureAsync("git", ["rev-parse", "HEAD"], repository)).Trim();

    /// <summary>The last commit's committer time: the default SOURCE_DATE_EPOCH, the same in every clone.</summary>
    public static async Task<long> LastCommitTimeAsync(string repository)
    {
        var text = (await ProcessRunner.CaptureAsync("git", ["log", "-1", "--format=%ct"], repository)).Trim();
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? seconds
            : throw new BuildException($"git log -1 --format=%ct printed '{text}', not a time");
    }

    /// <summary>`git status --porcelain` lines: modified, staged and untracked (not ignored) paths.</summary>
    public static async Task<IReadOnlyList<string>> UncommittedAsync(string repository) =>
        (await ProcessRunner.CaptureAsync("git", ["status", "--porcelain=v1", "--untracked-files=all"], repository))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The URL of remote 'origin' when it is a network URL (a local path would differ between clones), else null.</summary>
    public static async Task<string?> NetworkOriginAsync(string repository)
    {
        var remotes = (await ProcessRunner.CaptureAsync("git", ["remote"], repository)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (!remotes.Contains("origin"))
            return null;
        var url = (await ProcessRunner.CaptureAsync("git", ["remote", "get-url", "origin"], repository)).Trim();
        return url.Contains("://", StringComparison.Ordinal) && !url.StartsWith("file://", StringComparison.Ordinal) ? url : null;
    }

    /// <summary>A full clone of <paramref name="repository"/>'s HEAD; no hard links, so the clone shares nothing on disk.</summary>
    public static Task CloneAsync(string repository, string directory) =>
        ProcessRunner.RunAsync("git", ["clone", "--quiet", "--no-hardlinks", repository, directory], Path.GetTempPath());
}
