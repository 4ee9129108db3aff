using Vmspec.Build.Framework;
using Vmspec.Build.Tools;

namespace Vmspec.Build.Tests.Tools;

public class LinuxRestoreFiguresTests
{
    [Fact]
    public void Reads_pages_per_second_async_PFs_per_second_and_the_page_not_present_count_per_host_and_case()
    {
        var figures = LinuxRestoreFigures.Parse("""
            {
              "runs": [
                {
                  "host": { "name": "debian-6.12", "mode": "lab" },
                  "cases": [
                    {
                      "name": "debian-6-12-cloud",
                      "status": "passed",
                      "checks": [
                        { "name": "boot to /init", "status": "passed", "expected": "e", "observed": "status 0", "figures": "31.0 s, 1000 exits" },
                        { "name": "workload pages evicted and read back", "status": "passed", "expected": "e", "observed": "4096 of 4096 found", "figures": "2345 pages/s" },
                        { "name": "async #PFs taken by Linux", "status": "passed", "expected": "e",
                          "observed": "812 page-not-present, 812 paired, 812 ACK write(s)", "figures": "410 async #PFs/s" }
                      ]
                    },
                    {
                      "name": "debian-6-1-cloud",
                      "status": "failed",
                      "checks": [ { "name": "lab run", "status": "failed", "expected": "e", "observed": "timed out after 1200 s: QEMU was stopped\nconsole tail" } ]
                    }
                  ]
                }
              ]
            }
            """);
        Assert.Equal(new LinuxRestoreFigures("debian-6.12", "debian-6-12-cloud", "passed", 2345, 410, 812, null), figures[0]);
        Assert.Equal(new LinuxRestoreFigures("debian-6.12", "debian-6-1-cloud", "failed", null, null, null,
            "lab run: timed out after 1200 s: QEMU was stopped"), figures[1]);
    }

    [Fact]
    public void Refuses_what_is_not_a_results_file() =>
        Assert.Throws<BuildException>(() => LinuxRestoreFigures.Parse("""{"figures":{}}"""));
}
