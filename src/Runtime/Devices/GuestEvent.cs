namespace Vmspec.Runtime.Devices;

/// <summary>Something the guest told the host over the report port.</summary>
public abstract record GuestEvent
{
    /// <summary>True when this event ends the run (done, failed assertion, unhandled exception, protocol violation).</summary>
    public virtual bool EndsRun => false;
}

/// <summary>Report(kind, value).</summary>
public sealed record GuestReport(uint Kind, ulong Value) : GuestEvent;

/// <summary>
/// The guest released page <paramref name="PageIndex"/> of the userfaultfd slot (<see cref="ReportPorts.ReleasePage"/>).
/// <paramref name="InterruptsEnabled"/> is RFLAGS.IF at that OUT as KVM reported it (kvm_run.if_flag): the host's
/// own view of the vCPU, not the guest's claim.
/// </summary>
public sealed record GuestPageRelease(uint PageIndex, bool InterruptsEnabled) : GuestEvent;

/// <summary>A GuestAssert that failed, with the message the guest sent.</summary>
public sealed record GuestAssertFailure(uint Id, string Message) : GuestEvent
{
    public override bool EndsRun => true;
}

/// <summary>A CPU exception the guest's IDT stub reported; Recovered when a fixup resumed the guest.</summary>
public sealed record GuestException(uint Vector, uint ErrorCode, ulong Rip, ulong Cr2, bool Recovered) : GuestEvent
{
    public override bool EndsRun => !Recovered;

    public string VectorName => ExceptionNames.Name(Vector);
}

/// <summary>Done(status).</summary>
public sealed record GuestDone(uint Status) : GuestEvent
{
    public override bool EndsRun => true;
}

/// <summary>Port I/O that does not follow the report protocol.</summary>
public sealed record ReportProtocolViolation(string Detail) : GuestEvent
{
    public override bool EndsRun => true;
}

/// <summary>The guest asked for a machine reset (i8042 command 0xFE, as Linux's reboot=k does); ends the run with verdict Reset.</summary>
public sealed record GuestResetRequest(string Source) : GuestEvent
{
    public override bool EndsRun => true;
}
