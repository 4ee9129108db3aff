namespace Vmspec.SpecCompiler.Tests.Support;

/// <summary>A scratch repository with a lock file, a schema, a base and two specs for image definition tests.</summary>
internal sealed class ImageRepo : IDisposable
{
    public const string Definition = """
        apiVersion: vmspec.dev/v1
        kind: ImageSpec
        metadata:
          name: verify
        image:
          base:
            debianLock: debian.lock.json
            packages: [libc6]
          specs:
            - ../specs/**/*.yaml
        """;

    private readonly TestFiles _files = new();

    public ImageRepo()
    {
        _files.Write("vmspec.slnx", "<Solution />\n");
        _files.Write("images/debian.lock.json", $$"""
            { "packages": [
              { "name": "libc6", "version": "2.36-9", "architecture": "amd64", "sha256": "{{new string('a', 64)}}", "filename": "libc6_2.36-9_amd64.deb" },
              { "name": "tzdata", "version": "2024a-0", "architecture": "all", "sha256": "{{new string('b', 64)}}", "filename": "tzdata_2024a-0_all.deb" }
            ] }
            """);
        _files.Write("specs/schema/vmspec-v1.schema.json", "{}\n");
        _files.Write("specs/base/machine.yaml", "# yaml-language-server: $schema=../schema/vmspec-v1.schema.json\napiVersion: vmspec.dev/v1\nkind: VmSpecBase\nmachine: { memory: 8MiB }\n");
        _files.Write("specs/suite/b.yaml", "apiVersion: vmspec.dev/v1\nkind: VmSpec\nextends: ../base/machine.yaml\nmetadata: { name: b }\nguest: { test: { program: minimal } }\n");
        _files.Write("specs/a.yaml", "# yaml-language-server: $schema=schema/vmspec-v1.schema.json\n" + Specs.Minimal.Replace("name: t", "name: a"));
    }

    public string Root => _files.Dir;

    public string Write(string relative, string text) => _files.Write(relative, text);

    /// <summary>Compiles <paramref name="text"/> as images/verify.yaml of this repository.</summary>
    public ImageCompileResult Compile(string text = Definition) => ImageCompilation.CompileFile(Write("images/verify.yaml", text));

    public void Dispose() => _files.Dispose();
}
