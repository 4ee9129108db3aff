namespace Vmspec.Images;

/// <summary>What one <see cref="ContainerVerifier"/> run did.</summary>
/// <param name="ExitCode">the container's exit code (137 after a timeout kill)</param>
/// <param name="TimedOut">the container outlived the timeout and was killed</param>
/// <param name="CopiedFiles">host paths of the result files copied out</param>
/// <param name="MissingFiles">result files the container did not write</param>
/// <param name="RunTime">from container start to exit</param>
/// <param name="Steps">wall time of each step (verify, load, create, run, copy results, remove) in order; the list fills in as they finish</param>
public sealed record ContainerRunResult(
    VerifiedImage Image,
    long ExitCode,
    bool TimedOut,
    IReadOnlyList<string> CopiedFiles,
    IReadOnlyList<string> MissingFiles,
    TimeSpan RunTime,
    IReadOnlyList<KeyValuePair<string, TimeSpan>> Steps)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;
}
