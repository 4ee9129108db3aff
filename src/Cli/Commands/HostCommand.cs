using Vmspec.Runtime.Host;

namespace Vmspec.Cli.Commands;

/// <summary><c>vmspec host [--json]</c>: the KVM flavour, API version, capabilities and PV features of this host.</summary>
internal static class HostCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "print the report as JSON" };
        var command = new Command("host", "Report what this host's KVM offers (flavour, capabilities, leaf 0x40000001)") { json };
        command.SetAction(parse =>
        {
            var report = HostProbe.Probe();
            if (parse.GetValue(json))
            {
                JsonOutput.Print(HostReportWriter.ToJson(report));
            }
            else
            {
                Console.Write(HostReportWriter.ToText(report));
            }
            return 0;
        });
        return command;
    }
}
