using Vmspec.SpecCompiler.Tests.Support;

namespace Vmspec.SpecCompiler.Tests.Binding;

/// <summary>guest.test.accesses[].readBack: only a read returns a value to check.</summary>
public sealed class AccessReadBackTests
{
    private static string WithAccess(string access) =>
        Specs.Protocol.Split("    accesses:")[0] + $"    accesses:\n      - {access}\n";

    [Fact]
    public void ReadBack_on_a_write_is_an_error_that_says_to_read_after_it()
    {
        var result = Specs.Compile(WithAccess("{ msr: async-pf-ack, op: write, value: 2, readBack: 0 }"));

        var diagnostic = Assert.Single(result.Diagnostics).ToString();
        Assert.Contains("guest.test.accesses[0].readBack: a write returns no value to check; add a read access after it", diagnostic);
    }

    [Fact]
    public void ReadBack_on_a_read_is_kept()
    {
        var result = Specs.Compile(WithAccess("{ msr: async-pf-ack, op: read, readBack: 0 }"));

        Assert.True(result.Succeeded, Specs.Errors(result));
    }
}
