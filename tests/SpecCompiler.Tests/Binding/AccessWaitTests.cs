using Vmspec.Plans;
using Vmspec.SpecCompiler.Plan;
using Vmspec.SpecCompiler.Tests.Support;

namespace Vmspec.SpecCompiler.Tests.Binding;

/// <summary>guest.test.accesses[].wait and expectPageReady: resolved defaults in the plan, and the rule that ties them.</summary>
public sealed class AccessWaitTests
{
    private static string WithAccesses(params string[] accesses) =>
        Specs.Protocol.Split("    accesses:")[0] + "    accesses:\n" + string.Concat(accesses.Select(a => $"      - {a}\n"));

    private static IReadOnlyList<MsrAccess> Accesses(string text)
    {
        var result = Specs.Compile(text);
        Assert.True(result.Succeeded, Specs.Errors(result));
        return Assert.IsType<TestGuestPlan>(Assert.Single(result.Cases).Plan.Guest).Accesses;
    }

    [Fact]
    public void An_enabling_write_of_EN_waits_by_default_and_nothing_else_does()
    {
        var accesses = Accesses(WithAccesses(
            "{ msr: async-pf-en, op: write }",             // asyncPf's EN value 0x6009
            "{ msr: async-pf-en, op: write, value: 0x6001 }",
            "{ msr: async-pf-en, op: write, value: 0x6008 }",
            "{ msr: async-pf-en, op: write, value: 0 }",
            "{ msr: async-pf-ack, op: write }",
            "{ msr: async-pf-en, op: read }"));

        Assert.Equal([true, true, false, false, false, false], accesses.Select(a => a.Wait));
        Assert.All(accesses, a => Assert.Null(a.ExpectPageReady));
    }

    [Fact]
    public void Wait_and_expectPageReady_are_taken_as_written_and_round_trip()
    {
        var text = WithAccesses(
            "{ msr: async-pf-en, op: write, value: 0x6009, wait: false }",
            "{ msr: async-pf-ack, op: read, wait: true, expectPageReady: true }",
            "{ msr: async-pf-en, op: write, expectPageReady: false }");
        var accesses = Accesses(text);

        Assert.Equal([(false, (bool?)null), (true, true), (true, false)], accesses.Select(a => (a.Wait, a.ExpectPageReady)));
        var compiled = Assert.Single(Specs.Compile(text).Cases);
        string json = System.Text.Encoding.UTF8.GetString(compiled.CanonicalJson);
        Assert.Contains("\"expectPageReady\": true", json);
        Assert.Contains("\"wait\": false", json);
        Assert.Equal(accesses, Assert.IsType<TestGuestPlan>(PlanReader.Read(compiled.CanonicalJson).Guest).Accesses);
    }

    [Theory]
    [InlineData("{ msr: async-pf-ack, op: write, expectPageReady: true }", 58, "does not wait by default, add wait: true")]
    [InlineData("{ msr: async-pf-en, op: write, wait: false, expectPageReady: false }", 70, "says wait: false")]
    public void ExpectPageReady_needs_a_wait(string access, int column, string message)
    {
        var result = Specs.Compile(WithAccesses(access));
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.StartsWith($"spec.yaml:19:{column}: error: guest.test.accesses[0].expectPageReady:", diagnostic.ToString());
        Assert.Contains(message, diagnostic.Message);
    }

    [Fact]
    public void Wait_must_be_a_boolean()
    {
        var diagnostic = Assert.Single(Specs.Compile(WithAccesses("{ msr: async-pf-en, op: write, wait: 3 }")).Diagnostics);
        Assert.Contains("guest.test.accesses[0].wait", diagnostic.ToString());
    }
}
