using Vmspec.SpecCompiler.Composition;
using Vmspec.SpecCompiler.Diagnostics;
using Vmspec.SpecCompiler.Language;
using Vmspec.SpecCompiler.Model;
using Vmspec.SpecCompiler.Syntax;
using static Vmspec.SpecCompiler.Binding.Nodes;
using static Vmspec.SpecCompiler.Shapes.ScalarParsers;

namespace Vmspec.SpecCompiler.Binding;

/// <summary>
/// Builds the typed plan from a merged, substituted spec tree and checks the rules that span
/// fields (contradictions, GPA inside RAM, defaults that need another field). Tolerates nodes the
/// shape checker already rejected: a rule whose inputs are missing is simply not evaluated.
/// </summary>
internal sealed class PlanBinder(DiagnosticBag diagnostics, string leafFile)
{
    private bool _failed;

    /// <summary>The plan, or null when this case has errors (all reported).</summary>
    public VmPlan? Bind(YamlMapping root, MatrixCase matrixCase)
    {
        var metadata = Map(root, "metadata");
        var specName = Text(Get(metadata, "name"));
        var machine = BindMachine(Map(root, "machine"));
        var cpuid = CpuidBinder.Bind(Map(root, "cpuid"), Error);
        var asyncPfNode = Map(root, "asyncPf");
        var asyncPf = BindAsyncPf(asyncPfNode, machine);
        var guest = new GuestBinder(Error, leafFile).Bind(Map(root, "guest"), asyncPfNode, asyncPf);
        var expect = ExpectBinder.Bind(Map(root, "expect"));
        var timeout = Milliseconds(Get(root, "timeout")) ?? SpecLanguage.DefaultTimeoutMs;

        if (_failed || specName is null || machine is null || cpuid is null || guest is null)
            return null;
        var labels = (Map(metadata, "labels")?.Entries ?? [])
            .Select(e => new KeyValuePair<string, string>(e.Key.Value, Text(e.Value) ?? ""))
            .OrderBy(l => l.Key, StringComparer.Ordinal)
            .ToArray();
        return new VmPlan(
            matrixCase.NameFor(specName),
            new SpecInfo(specName, Text(Get(metadata, "description")) ?? "", labels),
            matrixCase.Bindings.Select(b => new KeyValuePair<string, string>(b.Axis, b.ValueName)).ToArray(),
            machine, cpuid, guest, asyncPf, expect, timeout);
    }

    private void Error(YamlNode at, string path, string message)
    {
        _failed = true;
        diagnostics.Add(at.Location, path, message);
    }

    private static MachinePlan? BindMachine(YamlMapping? machine)
    {
        if (ByteSize(Get(machine, "memory")) is not { } memory)
            return null;
        return new MachinePlan(
            memory,
            (uint)(Integer(Get(machine, "vcpus")) ?? 1),
            Boolean(Get(machine, "enforcePvFeatureCpuid")) ?? false);
    }

    private AsyncPfPlan? BindAsyncPf(YamlMapping? node, MachinePlan? machine)
    {
        if (node is null)
            return null;
        var vector = Integer(Get(node, "vector")) is { } v && v <= byte.MaxValue ? (byte?)v : null;
        var gpaNode = Get(node, "dataGpa");
        var dataGpa = Integer(gpaNode);
        var enNode = Get(node, "en");
        var rawNode = Get(node, "enRaw");
        var raw = Integer(rawNode);

        var flags = AsyncPfEnFlags.None;
        foreach (var item in Items(enNode))
        {
            var flag = AsyncPfEn.FlagNames.FirstOrDefault(f => f.Key == Text(item));
            if (flag.Key is not null && (flags & flag.Value) != 0)
                Error(item, "asyncPf.en", $"flag '{flag.Key}' is listed twice");
            flags |= flag.Key is null ? AsyncPfEnFlags.None : flag.Value;
        }

        if (gpaNode is not null && dataGpa is { } gpa)
        {
            if (gpa % AsyncPfEn.DataAreaBytes != 0)
                Error(gpaNode, "asyncPf.dataGpa", $"expected a 64-byte aligned GPA, found 0x{gpa:x} (low 6 bits are EN flag bits)");
            else if (machine is not null && (gpa >= machine.MemoryBytes || machine.MemoryBytes - gpa < AsyncPfEn.DataAreaBytes))
                Error(gpaNode, "asyncPf.dataGpa", $"expected the 64-byte area inside guest RAM (below 0x{machine.MemoryBytes:x}), found 0x{gpa:x}; use enRaw for a deliberately bad GPA");
        }
        if (rawNode is not null && enNode is not null)
            Error(rawNode, "asyncPf.enRaw", "give either en (flags, with dataGpa) or enRaw (the whole value), not both");
        if (rawNode is null && gpaNode is null)
            Error(node, "asyncPf", "missing required key 'dataGpa' (required unless enRaw gives the whole EN value)");
        if (flags.HasFlag(AsyncPfEnFlags.DeliveryAsInt) && vector is null && Get(node, "vector") is null)
            Error(enNode!, "asyncPf.en", "delivery-as-int needs asyncPf.vector for the page-ready interrupt");

        var workloadNode = Map(node, "workload");
        FaultWorkload? workload = null;
        if (workloadNode is not null && Integer(Get(workloadNode, "pages")) is { } pages)
        {
            workload = new FaultWorkload(
                (uint)pages,
                Milliseconds(Get(workloadNode, "resolveDelay")) ?? 0,
                (byte)(Integer(Get(workloadNode, "cpl")) ?? 3),
                Text(Get(workloadNode, "interrupts")) != "disabled");
            if (machine is not null && pages <= 1024 && pages * 4096 >= machine.MemoryBytes)
                Error(Get(workloadNode, "pages")!, "asyncPf.workload.pages", $"{pages} pages of 4 KiB do not fit in {machine.MemoryBytes} bytes of guest RAM");
        }

        if (raw is null && dataGpa is null)
            return null;
        var enValue = raw ?? (dataGpa!.Value | (ulong)flags);
        var plan = new AsyncPfPlan(vector, raw is null ? dataGpa : null, raw is null ? flags : (AsyncPfEnFlags)(raw.Value & 0xf), enValue, raw is not null, workload);
        if (workloadNode is not null && !plan.Enabled)
            Error(workloadNode, "asyncPf.workload", "a fault workload needs async #PF enabled: add 'enabled' to asyncPf.en (or bit 0 to enRaw)");
        return plan;
    }
}
