namespace Vmspec.SpecCompiler.Tests.Support;

/// <summary>Small valid specs that tests vary one field at a time.</summary>
internal static class Specs
{
    public const string Minimal = """
        apiVersion: vmspec.dev/v1
        kind: VmSpec
        metadata:
          name: t
        machine:
          memory: 8MiB
        guest:
          test:
            program: minimal
        """;

    /// <summary>An msr-protocol spec; line numbers matter to the diagnostic tests.</summary>
    public const string Protocol = """
        apiVersion: vmspec.dev/v1
        kind: VmSpec
        metadata:
          name: proto
        machine:
          memory: 8MiB
          enforcePvFeatureCpuid: true
        cpuid:
          kvmFeatures:
            async-pf: set
        asyncPf:
          vector: 0xec
          dataGpa: 0x6000
          en: [enabled, delivery-as-int]
        guest:
          test:
            program: msr-protocol
            accesses:
              - { msr: async-pf-int, op: write }
              - { msr: async-pf-en, op: write, expect: accept }
              - { msr: async-pf-en, op: read, readBack: 0x6009 }
        """;

    public static CompileResult Compile(string text, string file = "spec.yaml") => SpecCompilation.CompileText(file, text);

    public static string Errors(CompileResult result) => string.Join("\n", result.Diagnostics);
}
