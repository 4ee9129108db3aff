using System.Text;
using Vmspec.Plans;
using Vmspec.SpecCompiler.Plan;
using Vmspec.SpecCompiler.Tests.Support;
using Vmspec.TestSupport;

namespace Vmspec.SpecCompiler.Tests.Binding;

/// <summary>guest.linux.entry: how the runtime enters the kernel (the bzImage's 64-bit boot protocol, or PVH).</summary>
public sealed class LinuxEntryTests
{
    /// <summary>Line numbers matter to the diagnostic test: the entry is on line 11.</summary>
    private const string Linux = """
        apiVersion: vmspec.dev/v1
        kind: VmSpec
        metadata:
          name: pvh-boot
        machine:
          memory: 64MiB
        guest:
          linux:
            kernel: { path: bzImage, sha256: 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef }
            cmdline: console=ttyS0
            entry: pvh
        """;

    [Fact]
    public void Pvh_binds_into_the_plan_and_round_trips()
    {
        var compiled = Assert.Single(Specs.Compile(Linux).Cases);

        Assert.Equal(LinuxEntry.Pvh, Assert.IsType<LinuxGuestPlan>(compiled.Plan.Guest).Entry);
        Assert.Contains("\"entry\": \"pvh\"", Encoding.UTF8.GetString(compiled.CanonicalJson));
        Assert.Equal(compiled.Plan.Guest, PlanReader.Read(compiled.CanonicalJson).Guest);
    }

    [Fact]
    public void The_default_is_the_64_bit_boot_protocol_and_its_plan_has_no_entry_member()
    {
        var unset = Assert.Single(Specs.Compile(Linux.Replace("\n    entry: pvh", "")).Cases);
        var explicitDefault = Assert.Single(Specs.Compile(Linux.Replace("entry: pvh", "entry: boot-protocol-64")).Cases);

        Assert.Equal(LinuxEntry.BootProtocol64, Assert.IsType<LinuxGuestPlan>(unset.Plan.Guest).Entry);
        Assert.DoesNotContain("\"entry\"", Encoding.UTF8.GetString(unset.CanonicalJson));
        Assert.Equal(unset.CanonicalJson, explicitDefault.CanonicalJson);
    }

    [Fact]
    public void An_unknown_entry_is_an_error_naming_the_entries()
    {
        var result = Specs.Compile(Linux.Replace("entry: pvh", "entry: multiboot"));

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal((11, 12, "guest.linux.entry"), (diagnostic.Location.Line, diagnostic.Location.Column, diagnostic.FieldPath));
        Assert.Contains("boot-protocol-64, pvh", diagnostic.Message);
        Assert.Empty(result.Cases);
    }

    [Fact]
    public void The_reader_refuses_an_unknown_entry_and_a_spelled_out_default()
    {
        var text = Encoding.UTF8.GetString(Assert.Single(Specs.Compile(Linux).Cases).CanonicalJson);

        Assert.Equal("$.guest.entry: expected one of boot-protocol-64, pvh, found 'multiboot'",
            Assert.Throws<PlanFormatException>(() => PlanReader.Read(Encoding.UTF8.GetBytes(text.Replace("\"pvh\"", "\"multiboot\"")))).Message);
        Assert.Throws<PlanFormatException>(() => PlanReader.Read(Encoding.UTF8.GetBytes(text.Replace("\"pvh\"", "\"boot-protocol-64\""))));
    }
}
