using Vmspec.GuestKernels;
using Vmspec.GuestKernels.Abi;

namespace Vmspec.Cli.Commands;

/// <summary><c>vmspec abi IMAGE [--json]</c>: which async #PF ABI a kernel image speaks, read from its BTF.</summary>
internal static class AbiCommand
{
    public static Command Create()
    {
        var image = new Argument<string>("image") { Description = "a bzImage, an ELF vmlinux, a raw BTF file or a linux-image .deb" };
        var json = new Option<bool>("--json") { Description = "print the report as JSON" };
        var command = new Command("abi", "Report struct kvm_vcpu_pv_apf_data of a kernel image: fixed-64, legacy-68 or unknown") { image, json };
        command.SetAction(parse => Run(parse.GetValue(image)!, parse.GetValue(json)));
        return command;
    }

    private static int Run(string image, bool json)
    {
        AbiReport report;
        try
        {
            report = AbiReport.Create(image);
        }
        catch (KernelImageException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
        if (json)
        {
            using var output = Console.OpenStandardOutput();
            output.Write(report.ToJson(indented: true));
            output.WriteByte((byte)'\n');
        }
        else
        {
            Console.Write(report.ToText());
        }
        return 0;
    }
}
