using Vmspec.Plans.Hosts;

namespace Vmspec.Plans.Tests.Hosts;

public sealed class KernelRangeTests
{
    private static KernelVersion Version(string release) =>
        KernelVersion.TryParse(release, out var version) ? version : throw new ArgumentException(release);

    [Theory]
    [InlineData("6.12.117+deb12-amd64", "6.12.117")]
    [InlineData("6.1.0-56-amd64", "6.1.0")]
    [InlineData("6.18.44-fc-v1045", "6.18.44")]
    [InlineData("7.0", "7.0")]
    public void A_release_reads_as_its_leading_version(string release, string version) =>
        Assert.Equal(version, Version(release).ToString());

    [Theory]
    [InlineData("")]
    [InlineData("6")]
    [InlineData("linux-6.12")]
    public void A_release_without_two_leading_numbers_has_no_version(string release) =>
        Assert.False(KernelVersion.TryParse(release, out _));

    [Theory]
    [InlineData(">=6.9", "6.12.117+deb12-amd64", true)]
    [InlineData(">=6.9", "6.1.0-56-amd64", false)]
    [InlineData("<6.12.75", "6.1.0-56-amd64", true)]
    [InlineData("<6.12.75", "6.12.117+deb12-amd64", false)]
    [InlineData(">=6.12.75", "6.18.44-fc-v1045", true)]
    [InlineData("6.12", "6.12.117+deb12-amd64", true)] // compared at the bound's precision: any 6.12.x
    [InlineData("6.12", "6.1.0-56-amd64", false)]
    [InlineData(">=6.9 <6.13", "6.12.117", true)]
    [InlineData(">=6.9 <6.13", "6.13.0", false)]
    [InlineData(">6.1 <=6.12", "6.12.200", true)]
    [InlineData(">6.1", "6.1.192", false)]
    public void A_range_holds_when_every_bound_holds(string range, string release, bool contained)
    {
        Assert.True(KernelRange.TryParse(range, out var parsed, out _));
        Assert.Equal(contained, parsed!.Contains(Version(release)));
        Assert.Equal(range, parsed.Text);
    }

    [Theory]
    [InlineData(">=6", "'>=6' is not a bound")]
    [InlineData(">=6.9  <6.13", "'' is not a bound")]
    [InlineData("~6.9", "'~6.9' is not a bound")]
    [InlineData(">=6.09", "'>=6.09' is not a bound")]
    public void A_malformed_range_is_refused_naming_the_bound(string range, string message)
    {
        Assert.False(KernelRange.TryParse(range, out var parsed, out string error));
        Assert.Null(parsed);
        Assert.StartsWith(message, error);
    }
}
