namespace Vmspec.Runtime.Running;

/// <summary>How a run ended. Every run ends with exactly one verdict.</summary>
public enum RunVerdict
{
    /// <summary>The guest reported Done.</summary>
    Completed,
    /// <summary>A GuestAssert failed; the message is in the detail.</summary>
    GuestAssertFailed,
    /// <summary>A CPU exception with no fixup reached the guest's IDT stub.</summary>
    GuestException,
    /// <summary>KVM_EXIT_SHUTDOWN: a triple fault.</summary>
    Shutdown,
    /// <summary>KVM_EXIT_INTERNAL_ERROR (e.g. an instruction KVM's emulator cannot handle).</summary>
    InternalError,
    /// <summary>KVM_EXIT_FAIL_ENTRY: the hardware refused the guest state.</summary>
    FailEntry,
    /// <summary>The guest asked a device to reset the machine (i8042 0xFE: Linux's reboot=k, or the synthetic kernel).</summary>
    Reset,
    /// <summary>The watchdog stopped the guest.</summary>
    Timeout,
    /// <summary>Any other exit (MMIO, HLT, stray port I/O, KVM_RUN errors).</summary>
    UnexpectedExit,
}
