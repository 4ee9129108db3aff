using Vmspec.Abi.KvmPara;
using Vmspec.Plans;
using Vmspec.SpecCompiler.Tests.Support;

namespace Vmspec.SpecCompiler.Tests.Language;

/// <summary>A feature name <c>vmspec host</c> prints (KvmPvFeatures.Names of the host's leaf) can be written in a spec.</summary>
public sealed class KvmFeatureNameTests
{
    public static TheoryData<string> NamesHostCanPrint() =>
        [.. KvmPvFeatures.Names(uint.MaxValue).Where(name => !name.StartsWith("bit-", StringComparison.Ordinal))];

    [Theory]
    [MemberData(nameof(NamesHostCanPrint))]
    public void Every_feature_name_host_prints_is_accepted_in_a_spec(string name)
    {
        var result = Specs.Compile(Specs.Minimal + $"\ncpuid:\n  kvmFeatures:\n    {name}: clear\n");

        Assert.True(result.Succeeded, Specs.Errors(result));
        var setting = Assert.Single(Assert.Single(result.Cases).Plan.Cpuid.KvmFeatures);
        Assert.Equal(name, setting.Name);
        Assert.Equal(FeatureMode.Clear, setting.Mode);
    }

    /// <summary>Bits the host prints as bit-N are exactly those no kernel header names: there is no feature to write.</summary>
    [Fact]
    public void Only_unnamed_bits_print_as_numbers()
    {
        var numbered = KvmPvFeatures.Names(uint.MaxValue).Where(name => name.StartsWith("bit-", StringComparison.Ordinal)).ToArray();
        Assert.Equal(32 - KvmPvFeatures.All.Count, numbered.Length);
        Assert.DoesNotContain("bit-4", numbered);
    }
}
