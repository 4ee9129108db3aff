using System.Security.Cryptography;
using System.Text;
using Vmspec.SpecCompiler.Tests.Support;
using Vmspec.TestSupport;

namespace Vmspec.SpecCompiler.Tests.Plan;

public sealed class DeterminismTests
{
    [Fact]
    public void Compiling_twice_gives_identical_bytes()
    {
        var first = SpecCompilation.CompileDirectory(TestRepository.Specs).Cases;
        var second = SpecCompilation.CompileDirectory(TestRepository.Specs).Cases;

        Assert.Equal(first.Select(c => c.CanonicalJson), second.Select(c => c.CanonicalJson));
    }

    [Fact]
    public void Key_order_in_the_input_does_not_change_the_plan()
    {
        const string reordered = """
            guest:
              test:
                accesses:
                  - { op: write, msr: async-pf-int }
                  - { expect: accept, op: write, msr: async-pf-en }
                  - { readBack: 0x6009, msr: async-pf-en, op: read }
                program: msr-protocol
            asyncPf:
              en: [enabled, delivery-as-int]
              dataGpa: 0x6000
              vector: 0xec
            cpuid:
              kvmFeatures:
                async-pf: set
            machine:
              enforcePvFeatureCpuid: true
              memory: 8MiB
            metadata:
              name: proto
            kind: VmSpec
            apiVersion: vmspec.dev/v1
            """;

        var a = Assert.Single(Specs.Compile(Specs.Protocol).Cases);
        var b = Assert.Single(Specs.Compile(reordered, "elsewhere/other.yaml").Cases);

        Assert.Equal(a.CanonicalJson, b.CanonicalJson);
    }

    [Fact]
    public void Plan_is_canonical_utf8_with_sorted_keys_and_a_trailing_newline()
    {
        var json = Assert.Single(Specs.Compile(Specs.Protocol).Cases).CanonicalJson;
        var text = Encoding.UTF8.GetString(json);

        Assert.NotEqual(0xEF, json[0]); // no BOM
        Assert.EndsWith("}\n", text);
        Assert.DoesNotContain('\r', text);
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        var keys = doc.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
    }

    [Fact]
    public void Digest_is_the_sha256_of_the_plan_without_its_digest_line()
    {
        var compiled = Assert.Single(Specs.Compile(Specs.Protocol).Cases);
        var text = Encoding.UTF8.GetString(compiled.CanonicalJson);
        var withoutDigest = string.Join("\n", text.Split('\n').Where(l => !l.StartsWith("  \"digest\": ", StringComparison.Ordinal)));

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(withoutDigest))), compiled.Digest);
        Assert.Contains($"\"digest\": \"{compiled.Digest}\"", text);
    }
}
