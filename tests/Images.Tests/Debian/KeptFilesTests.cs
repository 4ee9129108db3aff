using Vmspec.Images.Tests.Support;

namespace Vmspec.Images.Tests.Debian;

public sealed class KeptFilesTests
{
    private const string Interpreter = "/lib64/ld-linux-x86-64.so.2";

    /// <summary>A package tree laid out as Debian's: the loader linked from lib64, libraries in both multiarch folders.</summary>
    private static List<LayerEntry> Packages() =>
    [
        LayerEntry.Directory("lib64"),
        LayerEntry.Symlink("lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"),
        LayerEntry.File("lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", SyntheticElf.Create(null), executable: true),
        LayerEntry.File("lib/x86_64-linux-gnu/libc.so.6", SyntheticElf.Create(null, "ld-linux-x86-64.so.2")),
        LayerEntry.File("usr/bin/tool", SyntheticElf.Create(Interpreter, "libfoo.so.1", "libc.so.6"), executable: true),
        LayerEntry.File("usr/bin/other", SyntheticElf.Create(Interpreter, "libbar.so.2"), executable: true),
        LayerEntry.Symlink("usr/lib/x86_64-linux-gnu/libfoo.so.1", "libfoo.so.1.2.3"),
        LayerEntry.File("usr/lib/x86_64-linux-gnu/libfoo.so.1.2.3", SyntheticElf.Create(null, "libc.so.6")),
        LayerEntry.File("usr/lib/x86_64-linux-gnu/libbar.so.2", SyntheticElf.Create(null)),
        LayerEntry.File("usr/share/qemu/qboot.rom", "not an ELF"u8.ToArray()),
        LayerEntry.File("usr/share/qemu/bios.bin", "not an ELF"u8.ToArray()),
    ];

    private static IEnumerable<string> Kept(params string[] patterns) =>
        KeptFiles.Select(Packages(), patterns).Select(e => e.Path).Order(StringComparer.Ordinal);

    [Fact]
    public void An_executable_keeps_its_interpreter_and_its_libraries_with_their_links_and_their_own_needs()
    {
        Assert.Equal(
        [
            "lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", "lib/x86_64-linux-gnu/libc.so.6", "lib64/ld-linux-x86-64.so.2", "usr/bin/tool",
            "usr/lib/x86_64-linux-gnu/libfoo.so.1", "usr/lib/x86_64-linux-gnu/libfoo.so.1.2.3",
        ], Kept("usr/bin/tool"));
    }

    [Fact]
    public void A_glob_matches_within_one_folder_and_a_data_file_needs_nothing() =>
        Assert.Equal(["usr/share/qemu/bios.bin", "usr/share/qemu/qboot.rom"], Kept("usr/share/*/*.*"));

    [Fact]
    public void A_pattern_that_matches_nothing_is_an_error()
    {
        var error = Assert.Throws<ImageBuildException>(() => Kept("usr/bin/qemu-system-x86_64").ToList());
        Assert.Equal("image.base.keep: 'usr/bin/qemu-system-x86_64' matches no file of the packages", error.Message);
    }

    [Fact]
    public void A_library_no_package_has_is_an_error_naming_who_needs_it()
    {
        var entries = Packages().Where(e => !e.Path.Contains("libbar", StringComparison.Ordinal)).ToList();
        var error = Assert.Throws<ImageBuildException>(() => KeptFiles.Select(entries, ["usr/bin/other"]));
        Assert.StartsWith("image.base.keep: usr/bin/other needs libbar.so.2, which none of the packages has in lib/x86_64-linux-gnu, usr/lib/x86_64-linux-gnu", error.Message);
    }

    [Fact]
    public void ELF_needs_are_read_from_the_dynamic_segment_and_a_non_ELF_file_needs_nothing()
    {
        var tool = ElfNeeds.Read(SyntheticElf.Create(Interpreter, "libfoo.so.1", "libc.so.6"), "tool");
        Assert.Equal(Interpreter, tool.Interpreter);
        Assert.Equal(["libfoo.so.1", "libc.so.6"], tool.Needed);
        var (interpreter, needed) = ElfNeeds.Read("#!/bin/sh\n"u8, "script");
        Assert.Null(interpreter);
        Assert.Empty(needed);
    }

    [Theory]
    [InlineData("usr/lib/libz.so.1", "libz.so.1.2.13", "usr/lib/libz.so.1.2.13")]
    [InlineData("lib64/ld.so", "/lib/x86_64-linux-gnu/ld.so", "lib/x86_64-linux-gnu/ld.so")]
    [InlineData("usr/bin/sh", "../../bin/busybox", "bin/busybox")]
    public void A_link_target_resolves_from_the_links_folder_or_the_root(string link, string target, string resolved) =>
        Assert.Equal(resolved, KeptFiles.Resolve(link, target));
}
