namespace Vmspec.Cli;

/// <summary>vmspec's exit codes, as README's table and <c>--help</c> list them.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    /// <summary>A case failed, a spec has errors, or the environment refused (an unwritable file, /dev/kvm denied).</summary>
    public const int Failed = 1;
    /// <summary>Bad usage; <c>merge</c>: the inputs are not one matrix's shards, or one is missing or unreadable without <c>--expect</c>.</summary>
    public const int Usage = 2;
    /// <summary><c>selftest</c>: KVM is unavailable here.</summary>
    public const int KvmUnavailable = 3;
    /// <summary><c>run</c>, <c>verify</c>: every case was skipped, so nothing was verified (<c>--allow-nothing-ran</c> makes it 0).</summary>
    public const int NothingRan = 4;

    public const string AllowNothingRanOption = "--allow-nothing-ran";

    /// <summary>Appended to a command's description, so that <c>--help</c> shows it.</summary>
    public const string HelpText = """


        Exit codes:
          0    every case that ran passed
          1    a case failed, a spec has errors, or the environment refused (an unwritable file, /dev/kvm denied)
          2    bad usage (an unknown option value, no case matches --spec); merge: the shards are refused
          3    selftest: KVM is unavailable here
          4    run, verify, merge: nothing ran, every case was skipped (--allow-nothing-ran exits 0 instead)
          124  lab: the command timed out
          125  lab: the lab failed (QEMU, boot, a module, a panic)
          130  interrupted
        """;

    /// <summary>
    /// The verdict of a run or verify: <see cref="Failed"/> when a case failed on any host, else
    /// <see cref="NothingRan"/> when no case passed (every one skipped) unless that is allowed.
    /// </summary>
    public static int Of(VerifyReport report, bool allowNothingRan, TextWriter error)
    {
        if (report.AnyFailed)
            return Failed;
        if (report.Count(Outcome.Passed) > 0 || allowNothingRan)
            return Success;
        error.WriteLine($"vmspec: nothing ran: every case was skipped (exit {NothingRan}; {AllowNothingRanOption} accepts it)");
        return NothingRan;
    }
}
