namespace Vmspec.SpecCompiler.Model;

/// <summary>
/// One host kernel (<c>kind: HostKernel</c>): the kernel a lab boots as the host that runs the specs.
/// Data only; SpecCompiler knows nothing about how it is booted.
/// </summary>
/// <param name="Name">the name users pass to --host (metadata.name)</param>
/// <param name="IsDefault">the file says <c>default: true</c></param>
/// <param name="SourcePath">the absolute path of the host kernel file</param>
public sealed record HostKernelSpec(string Name, string? Description, bool IsDefault, string SourcePath, HostKernelSource Source);

/// <summary>Where the host kernel comes from: <see cref="DebianHostKernel"/> or <see cref="LocalHostKernel"/>.</summary>
public abstract record HostKernelSource;

/// <summary>A Debian linux-image package: the bzImage is its ./boot/vmlinuz-*, the modules its ./lib/modules/&lt;release&gt;/.</summary>
/// <param name="Sha256">lower-case hex SHA-256 of the .deb</param>
public sealed record DebianHostKernel(string Package, string Version, string Sha256) : HostKernelSource;

/// <summary>A kernel developer's own build; both paths are absolute and existed when the file was compiled.</summary>
/// <param name="BzImagePath">the bzImage file</param>
/// <param name="ModulesPath">the lib/modules/&lt;release&gt; folder (holds modules.builtin and kernel/**.ko[.xz|.zst|.gz])</param>
public sealed record LocalHostKernel(string BzImagePath, string ModulesPath) : HostKernelSource;
