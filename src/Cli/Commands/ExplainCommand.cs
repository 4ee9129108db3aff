using Vmspec.Abi.X86;
using Vmspec.Runtime.AsyncPf.Cases;
using Vmspec.Runtime.Cpuid;
using Vmspec.Runtime.Host;
using Vmspec.Runtime.Kvm;

namespace Vmspec.Cli.Commands;

/// <summary>
/// <c>vmspec explain SPEC</c>: the resolved plan of each case, for a Linux guest its kernel, workload and Linux
/// expectations, and the CPUID it sets next to what the host offers.
/// </summary>
internal static class ExplainCommand
{
    public static Command Create()
    {
        var spec = new Argument<string>("spec") { Description = "the spec file" };
        var command = new Command("explain", "Show the resolved plan, a Linux guest's kernel, workload and expectations, and the CPUID it sets next to what the host offers") { spec };
        command.SetAction(parse => Run(parse.GetValue(spec)!));
        return command;
    }

    private static int Run(string spec)
    {
        var result = SpecInputs.Compile([spec]);
        SpecInputs.Report(result, Console.Error);
        if (!result.Succeeded)
            return 1;
        var host = HostProbe.Probe();
        var offered = host.Available ? SupportedCpuid() : null;
        foreach (var compiled in result.Cases)
        {
            Console.WriteLine($"# {compiled.Name}  (plan sha256 {compiled.Digest})");
            Console.WriteLine(System.Text.Encoding.UTF8.GetString(compiled.CanonicalJson).TrimEnd());
            foreach (var line in LinuxGuestExplanation.Lines(compiled.Plan))
                Console.WriteLine(line);
            var edits = CaseCpuid.Edits(compiled.Plan.Cpuid);
            Console.WriteLine("CPUID edits (register: set bits / clear bits):");
            if (edits.Count == 0)
                Console.WriteLine("  none: the guest sees what the host offers");
            foreach (var edit in edits)
            {
                var line = $"  leaf 0x{edit.Leaf:x8}.{edit.Subleaf} {edit.Register}: set 0x{edit.SetBits:x8} clear 0x{edit.ClearBits:x8}";
                if (offered?.Find(edit.Leaf, edit.Subleaf) is { } entry)
                {
                    var before = Register(entry, edit.Register);
                    line += $"  host offers 0x{before:x8} -> guest sees 0x{edit.Apply(before):x8}";
                }
                Console.WriteLine(line);
            }
            if (offered is null)
                Console.WriteLine($"  (host CPUID not shown: KVM unavailable: {host.Reason})");
            Console.WriteLine();
        }
        return 0;
    }

    private static CpuidTable SupportedCpuid()
    {
        using var kvm = KvmSystem.Open();
        return new CpuidTable(kvm.GetSupportedCpuid());
    }

    private static uint Register(KvmCpuidEntry2 entry, CpuidRegister register) => register switch
    {
        CpuidRegister.Eax => entry.Eax,
        CpuidRegister.Ebx => entry.Ebx,
        CpuidRegister.Ecx => entry.Ecx,
        _ => entry.Edx,
    };
}
