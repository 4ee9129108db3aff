using System.Text;

namespace Vmspec.Images.Tests.Support;

/// <summary>A small two-layer image definition; the tweaks let tests make one controlled change.</summary>
internal static class SampleImages
{
    public const long Epoch = 1_700_000_000;

    public static ImageDefinition Define(string greeting = "hello", long epoch = Epoch, string env = "MODE=test") => new(
        "vmspec-sample",
        "v1",
        [
            new ImageLayer("base files", [
                LayerEntry.File("etc/motd", "welcome\n"u8.ToArray()),
                LayerEntry.Directory("tmp"),
            ]),
            new ImageLayer("application", [
                LayerEntry.File("app/run", Encoding.UTF8.GetBytes($"#!/bin/sh\necho {greeting}\n"), executable: true),
                LayerEntry.File("app/zdata", new byte[5000]),
                LayerEntry.Symlink("app/current", "run"),
            ]),
        ],
        new ImageConfig
        {
            Entrypoint = ["/app/run"],
            Cmd = ["--flag"],
            Env = [env, "PATH=/app"],
            User = "1000:1000",
            WorkingDir = "/app",
            Labels = new Dictionary<string, string> { ["z.label"] = "2", ["a.label"] = "1" },
        },
        new ImageAnnotations(Revision: "0123abcd", Source: "https://example.invalid/vmspec"),
        epoch);
}
