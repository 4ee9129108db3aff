namespace Vmspec.Runtime.AsyncPf.Cases;

/// <summary>
/// One guest program: it builds the guest of a case and judges the case's run. A plan names its program
/// (<see cref="GuestPlan.Program"/>); <see cref="CasePrograms"/> lists them all.
/// </summary>
public interface ICaseProgram
{
    /// <summary>The name plans use, also the <c>guest</c> of the program's results.</summary>
    string Name { get; }

    /// <param name="specDirectory">the directory of the spec the plan came from: a Linux guest's files are relative to it</param>
    CaseResult Run(VmPlan plan, HostReport host, string specDirectory);
}
