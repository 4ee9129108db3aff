using System.Diagnostics;
using CsCheck;
using Vmspec.SpecCompiler.Tests.Support;
using Vmspec.TestSupport;

namespace Vmspec.SpecCompiler.Tests;

/// <summary>
/// Property tests: random YAML and mutations of the checked-in specs must always give diagnostics
/// or cases, never an exception, and finish quickly.
/// </summary>
public sealed class FuzzTests
{
    private static readonly string[] SpecFiles = Directory
        .EnumerateFiles(TestRepository.Specs, "*.yaml", SearchOption.AllDirectories)
        .Where(SpecCompiler.Language.SpecFiles.IsSpec)
        .Order(StringComparer.Ordinal)
        .ToArray();

    private static readonly string[] HostFiles = Directory
        .EnumerateFiles(Path.Join(TestRepository.Root, HostKernelCatalog.RepositoryDirectory), "*.yaml")
        .Order(StringComparer.Ordinal)
        .ToArray();

    // Characters that matter to YAML's grammar, plus the language's own vocabulary.
    private const string YamlAlphabet = " \n\t:-[]{},&*!|>'\"#%@`?0123456789abcxyz$.";

    private static readonly Gen<string> Fragment = Gen.OneOf(
        Gen.String[Gen.Char[YamlAlphabet], 0, 12],
        Gen.OneOf("${{ matrix.en }}", "${{ matrix.", "*a", "&a ", "<<: ", "0x", "-1", "1e9", "~", "null", "!!int ",
            "\n  - ", ": {", "extends: minimal.yaml\n", "extends: ../asyncpf/faults.yaml\n", "matrix:\n  axes:\n    a: [1]\n",
            "\"\\u0000\"", "18446744073709551616", "\u00e9", "\ud83d\ude00"));

    /// <summary>A mutation: (kind, position, length, inserted text), positions taken modulo the text length.</summary>
    private static readonly Gen<(int Kind, int Position, int Length, string Text)[]> Mutations =
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, int.MaxValue], Gen.Int[0, 40], Fragment).Array[1, 6];

    private static string Mutate(string text, (int Kind, int Position, int Length, string Text)[] mutations)
    {
        foreach (var (kind, position, length, insert) in mutations)
        {
            var at = text.Length == 0 ? 0 : position % text.Length;
            var count = Math.Min(length, text.Length - at);
            text = kind switch
            {
                0 => text.Remove(at, count),
                1 => text.Insert(at, insert),
                2 => text.Remove(at, count).Insert(at, insert),
                _ => text.Insert(at, text.Substring(at, count)),
            };
        }
        return text;
    }

    private static void AssertWellBehaved(string path, string text)
    {
        var watch = Stopwatch.StartNew();
        var result = SpecCompilation.CompileText(path, text);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        Assert.True(result.Diagnostics.Count > 0 || result.Cases.Count > 0 || text.Contains("VmSpecBase", StringComparison.Ordinal),
            "neither diagnostics nor cases");
        Assert.All(result.Diagnostics, d => Assert.True(d.Location.Line >= 1 && d.Location.Column >= 1, d.ToString()));
    }

    [Fact]
    public void Mutated_checked_in_specs_never_throw() =>
        Gen.Select(Gen.Int[0, SpecFiles.Length - 1], Mutations)
            .Sample(input =>
            {
                var (file, mutations) = input;
                AssertWellBehaved(SpecFiles[file], Mutate(File.ReadAllText(SpecFiles[file]), mutations));
            }, iter: 400, threads: 1);

    [Fact]
    public void Random_YAML_never_throws() =>
        Fragment.Array[0, 40]
            .Select(parts => string.Concat(parts))
            .Sample(text => AssertWellBehaved(Path.Join(TestRepository.Specs, "fuzz.yaml"), text), iter: 1000, threads: 1);

    [Fact]
    public void Mutated_host_kernels_never_throw() =>
        Gen.Select(Gen.Int[0, HostFiles.Length - 1], Mutations)
            .Sample(input =>
            {
                var (file, mutations) = input;
                var text = Mutate(File.ReadAllText(HostFiles[file]), mutations);
                var watch = Stopwatch.StartNew();
                var result = HostKernelCompiler.CompileText(HostFiles[file], text);
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
                Assert.True(result.Diagnostics.Count > 0 != result.Host is not null, "expected either diagnostics or a host kernel");
                Assert.All(result.Diagnostics, d => Assert.True(d.Location.Line >= 1 && d.Location.Column >= 1, d.ToString()));
            }, iter: 400, threads: 1);

    [Fact]
    public void Mutated_image_definitions_never_throw()
    {
        using var repo = new ImageRepo();
        var path = Path.Join(repo.Root, "images", "verify.yaml");
        var definition = ImageRepo.Definition + "\n  env: { A: b }\n  vmspec: out/vmspec\n";
        Mutations.Sample(mutations =>
        {
            var text = Mutate(definition, mutations);
            var watch = Stopwatch.StartNew();
            var result = ImageCompilation.CompileText(path, text);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
            Assert.True(result.Diagnostics.Count > 0 || result.Images.Count == 1, "neither diagnostics nor an image");
            Assert.All(result.Diagnostics, d => Assert.True(d.Location.Line >= 1 && d.Location.Column >= 1, d.ToString()));
        }, iter: 400, threads: 1);
    }
}
