namespace Vmspec.Images;

/// <summary>How <see cref="ContainerVerifier"/> runs an image. The defaults are ContainerVerify's.</summary>
public sealed record ContainerRunOptions
{
    /// <summary>Host directory the result files are copied into.</summary>
    public required string ResultsDirectory { get; init; }

    /// <summary>The files (relative to <see cref="ContainerResultsPath"/>) copied out after the run.</summary>
    public IReadOnlyList<string> ResultFiles { get; init; } = ["results.json", "junit.xml"];

    /// <summary>Where the anonymous results volume is mounted in the container.</summary>
    public string ContainerResultsPath { get; init; } = "/results";

    /// <summary>Arguments instead of the image's Cmd (null: the image's own).</summary>
    public IReadOnlyList<string>? Command { get; init; }

    /// <summary>"KEY=VALUE" variables added to the image's environment (e.g. a shard's JOB_COMPLETION_INDEX).</summary>
    public IReadOnlyList<string> Environment { get; init; } = [];

    /// <summary>A writable tmpfs over the read-only root (the lab keeps its sockets and initramfs there); null: none.</summary>
    public string? ScratchDirectory { get; init; } = "/tmp";

    /// <summary>After this the container is killed and the run reported as timed out.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    public long MemoryBytes { get; init; } = 512L * 1024 * 1024;

    public long PidsLimit { get; init; } = 128;

    /// <summary>Host devices passed to the container (read, write, mknod), each with its owning group; default: /dev/kvm and /dev/userfaultfd where present.</summary>
    public IReadOnlyList<HostDevice> Devices { get; init; } = HostDevice.ProbeVerifierDevices();

    /// <summary>Receive the container's standard output and error as it is written (null: discarded).</summary>
    public Stream? StandardOutput { get; init; }

    public Stream? StandardError { get; init; }

    /// <summary>
    /// Leave the image loaded after the run, so that the next run of the same bytes skips the load
    /// (the engine's image id is the config digest, so an equal id is equal content). The container
    /// and its volume are removed either way.
    /// </summary>
    public bool KeepImage { get; init; }
}
