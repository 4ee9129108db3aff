using Vmspec.Shared.Debian;

namespace Vmspec.Images;

/// <summary>What an image needs besides its compiled plan: where the repository is and the build's provenance.</summary>
/// <param name="RepositoryRoot">the checkout the plan's repository-relative paths are resolved against</param>
/// <param name="SourceDateEpoch">the one time stamp of every file and "created" field (see <see cref="SourceDateEpoch"/>)</param>
/// <param name="Revision">the commit the image is built from (org.opencontainers.image.revision), or null</param>
/// <param name="Source">where that commit can be fetched (org.opencontainers.image.source), or null</param>
/// <param name="Debs">where pinned .deb files are kept and downloaded; shared between checkouts, each file is sha256-checked</param>
/// <param name="LabKernels">the host kernels' files for an image with a lab (null: such an image cannot be built)</param>
public sealed record ImageAssemblyInputs(
    string RepositoryRoot,
    long SourceDateEpoch,
    string? Revision,
    string? Source,
    DebCache Debs,
    ILabKernelFiles? LabKernels = null);
