using Vmspec.Build.Framework;
using Vmspec.Build.Tools;

namespace Vmspec.Build.Tests.Tools;

public class FaultMeasurementTests
{
    [Fact]
    public void Reads_kvm_baselines_faults_line()
    {
        var c = FaultMeasurement.Parse("""{"faults":4,"periodsMs":[1.0000,3.0000,2.0000],"latenciesMs":[0.5000,0.2500,0.7500,0.1000],"totalMs":10.0000,"exits":10}""" + "\n");
        Assert.Equal(2, c.Periods.Median);
        Assert.Equal(3, c.Periods.Percentile(99));
        Assert.Equal(0.25, c.Latencies.Median);
        Assert.Equal(2.5, c.RunMsPerFault);
        Assert.Equal(2.5, c.ExitsPerFault);
        Assert.Null(c.GuestTscLatencies);
    }

    [Fact]
    public void Reads_vmspec_bench_faults_with_the_guests_own_latencies()
    {
        var ours = FaultMeasurement.Parse("""
            {
              "name": "faults",
              "faults": 2,
              "periodsMs": [ 0.5 ],
              "latenciesMs": [ 0.2, 0.3 ],
              "guestTscLatenciesMs": [ 0.04, 0.05 ],
              "totalMs": 3,
              "exits": 40
            }
            """);
        Assert.Equal([0.04, 0.05], ours.GuestTscLatencies!.Milliseconds);
        Assert.Equal(20, ours.ExitsPerFault);
    }

    [Theory]
    [InlineData("""{"faults":1,"periodsMs":[],"latenciesMs":[1],"totalMs":1,"exits":2}""")]
    [InlineData("""{"samplesMs":[1,2]}""")]
    [InlineData("error: KVM unavailable")]
    public void Anything_else_fails_the_target_naming_the_problem(string json) =>
        Assert.StartsWith("not a fault benchmark's JSON", Assert.Throws<BuildException>(() => FaultMeasurement.Parse(json)).Message);
}
