using Vmspec.Runtime.AsyncPf.Evidence;

namespace Vmspec.Runtime.AsyncPf.Tests.Evidence;

/// <summary>Runs against the host's real tracefs; skips where tracefs or the kvm events are not available.</summary>
public class KvmTraceSessionTests
{
    [Fact]
    public void Private_instance_records_nothing_without_a_VM_and_is_removed_on_dispose()
    {
        var session = KvmTraceSession.TryStart([Environment.ProcessId], out var reason);
        if (session is null)
        {
            Assert.Skip($"host tracing unavailable: {reason}");
            return;
        }
        // Only this session's own instance is looked for: tests running in parallel (CaseRunner on KVM) have theirs.
        string name = session.InstanceName;
        using (session)
        {
            Assert.StartsWith($"vmspec-{Environment.ProcessId}-", name, StringComparison.Ordinal);
            Assert.Contains(name, Instances());
            var record = session.Stop();
            Assert.Equal(KvmTraceSession.Events.Order(), record.Counts.Keys.Order());
            Assert.All(record.Counts.Values, count => Assert.Equal(0, count));
        }
        Assert.DoesNotContain(name, Instances());
    }

    /// <summary>The instance names visible through any tracefs mount this process can see (a parallel test's private mount
    /// may vanish while they are listed).</summary>
    private static string[] Instances()
    {
        var mounts = File.ReadLines("/proc/self/mounts")
            .Select(line => line.Split(' '))
            .Where(fields => fields.Length > 2 && fields[2] == "tracefs")
            .Select(fields => Path.Combine(fields[1], "instances"));
        return mounts.SelectMany(InstancesIn).Select(Path.GetFileName).OfType<string>().ToArray();
    }

    private static string[] InstancesIn(string instancesDirectory)
    {
        try
        {
            return Directory.GetDirectories(instancesDirectory);
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }
    }
}
