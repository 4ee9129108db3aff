using Vmspec.Runtime.Selftesting;

namespace Vmspec.Cli.Commands;

/// <summary>
/// <c>vmspec selftest</c>: runs the minimal guest and says whether this host can run vmspec.
/// Exit codes: 0 it can, 1 KVM is there but the guest misbehaved, 3 KVM is unavailable.
/// </summary>
internal static class SelftestCommand
{
    public const int KvmUnavailable = 3;

    public static Command Create()
    {
        var command = new Command("selftest", "Run a minimal guest: can this host run vmspec? (exit 0 yes, 1 failed, 3 no KVM)");
        command.SetAction(_ =>
        {
            var result = Selftest.Run();
            Console.WriteLine(result.Format());
            return result.Run is null ? KvmUnavailable : result.Passed ? 0 : 1;
        });
        return command;
    }
}
