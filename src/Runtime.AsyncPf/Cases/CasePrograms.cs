using Vmspec.Runtime.AsyncPf.Programs;

namespace Vmspec.Runtime.AsyncPf.Cases;

/// <summary>Every guest program, by the name plans give it. A program vmspec adds is listed here and nowhere else.</summary>
public static class CasePrograms
{
    public static IReadOnlyList<ICaseProgram> All { get; } =
        [MinimalProgram.Instance, MsrProtocolProgram.Instance, AsyncPfProgram.Instance, LinuxProgram.Instance];

    /// <exception cref="ArgumentException">No program has the guest's name: never a default, a plan always means one program.</exception>
    public static ICaseProgram For(GuestPlan guest) =>
        All.FirstOrDefault(p => p.Name == guest.Program)
        ?? throw new ArgumentException($"guest program '{guest.Program}' is not one vmspec runs ({string.Join(", ", All.Select(p => p.Name))})", nameof(guest));
}
