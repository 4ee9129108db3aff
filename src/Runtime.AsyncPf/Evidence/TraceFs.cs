using System.Diagnostics;

namespace Vmspec.Runtime.AsyncPf.Evidence;

/// <summary>
/// Locates tracefs: the standard mount points first; otherwise mounts it on a private directory
/// (root only) that is unmounted again on dispose.
/// </summary>
internal sealed class TraceFs : IDisposable
{
    private static readonly string[] StandardMounts = ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"];
    private readonly bool _mountedByUs;

    private TraceFs(string root, bool mountedByUs)
    {
        Root = root;
        _mountedByUs = mountedByUs;
    }

    public string Root { get; }

    public static TraceFs? TryOpen(out string? unavailableReason)
    {
        foreach (var candidate in StandardMounts)
        {
            if (Directory.Exists(Path.Combine(candidate, "instances")))
            {
                unavailableReason = null;
                return new TraceFs(candidate, mountedByUs: false);
            }
        }
        string privateMount;
        try
        {
            privateMount = Directory.CreateTempSubdirectory("vmspec-tracefs-").FullName;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only root without /tmp (the verification image) has nowhere to mount it.
            unavailableReason = $"tracefs is not mounted and there is no temp directory to mount it on ({e.Message})";
            return null;
        }
        var (exitCode, error) = RunTool("mount", ["-t", "tracefs", "nodev", privateMount]);
        if (exitCode == 0 && Directory.Exists(Path.Combine(privateMount, "instances")))
        {
            unavailableReason = null;
            return new TraceFs(privateMount, mountedByUs: true);
        }
        if (exitCode == 0)
            RunTool("umount", [privateMount]); // mounted, but without instances: do not leave it mounted
        TryDelete(privateMount);
        unavailableReason = $"tracefs is not mounted and could not be mounted ({error.Trim()})";
        return null;
    }

    public void Dispose()
    {
        if (!_mountedByUs)
            return;
        RunTool("umount", [Root]);
        TryDelete(Root);
    }

    private static (int ExitCode, string Error) RunTool(string program, string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync(); // drained too: a full pipe would block the tool
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            output.Wait();
            return (process.ExitCode, error);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, $"{program}: {e.Message}");
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory);
        }
        catch (IOException)
        {
            // Still mounted or not empty: leave it rather than fail the run over a temp directory.
        }
    }
}
