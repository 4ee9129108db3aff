using Vmspec.Build.Tools;

namespace Vmspec.Build.Tests.Tools;

public sealed class LabQemuTests
{
    [Theory]
    [InlineData("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n", "bookworm")]
    [InlineData("NAME=\"Ubuntu\"\nVERSION_CODENAME=\"noble\"\n", "noble")]
    [InlineData("ID=arch\n", null)]
    public void Reads_the_release_codename_from_os_release(string osRelease, string? codename) =>
        Assert.Equal(codename, LabQemu.Codename(osRelease));

    [Fact]
    public void Finds_the_backports_suite_in_one_line_and_deb822_sources_but_not_in_comments()
    {
        Assert.True(LabQemu.MentionsSuite(["deb http://deb.debian.org/debian bookworm-backports main\n"]));
        Assert.True(LabQemu.MentionsSuite(["Types: deb\n", LabQemu.Source]));
        Assert.False(LabQemu.MentionsSuite(["Types: deb\nSuites: bookworm bookworm-updates\n", "# deb http://deb.debian.org/debian bookworm-backports main\n"]));
    }

    [Fact]
    public void The_source_it_adds_is_a_deb822_stanza_for_the_backports_suite_signed_by_Debians_keyring()
    {
        string[] fields = LabQemu.Source.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();
        Assert.Equal(["Types: deb", "URIs: http://deb.debian.org/debian", "Suites: bookworm-backports", "Components: main",
            "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"], fields);
    }
}
