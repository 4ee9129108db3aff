using Vmspec.SpecCompiler.Tests.Support;

namespace Vmspec.SpecCompiler.Tests.Shapes;

/// <summary>A control character in a path (a NUL makes .NET path APIs throw) is a diagnostic, never an exception.</summary>
public sealed class PathTextTests
{
    [Fact]
    public void NUL_in_extends_is_reported_at_the_value()
    {
        var result = Specs.Compile("apiVersion: vmspec.dev/v1\nkind: VmSpec\nextends: \"a\\0.yaml\"\n");

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(("extends", 3, 10), (diagnostic.FieldPath, diagnostic.Location.Line, diagnostic.Location.Column));
        Assert.Contains("control characters", diagnostic.Message);
    }

    [Fact]
    public void NUL_in_a_kernel_path_is_reported_by_the_shape()
    {
        var text = Specs.Minimal.Replace("  test:\n    program: minimal", $"  linux:\n    kernel: {{ path: \"k\\0\", sha256: {new string('a', 64)} }}");

        var diagnostic = Assert.Single(Specs.Compile(text).Diagnostics);

        Assert.Equal("guest.linux.kernel.path", diagnostic.FieldPath);
        Assert.Contains(@"^[^\u0000-\u001f]+$", diagnostic.Message);
    }
}
