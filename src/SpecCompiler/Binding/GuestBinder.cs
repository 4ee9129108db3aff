using Vmspec.Abi.KvmPara;

namespace Vmspec.SpecCompiler.Binding;

/// <summary>Test guests (with MSR access defaults resolved) and Linux guests (with paths made leaf-relative).</summary>
internal sealed class GuestBinder(Action<YamlNode, string, string> error, string leafFile)
{
    public GuestPlan? Bind(YamlMapping? guest, YamlMapping? asyncPfNode, AsyncPfPlan? asyncPf, MachinePlan? machine)
    {
        if (Map(guest, "test") is { } test)
            return BindTest(test, asyncPfNode, asyncPf);
        if (Map(guest, "linux") is { } linux)
            return BindLinux(linux, machine);
        return null;
    }

    private TestGuestPlan? BindTest(YamlMapping test, YamlMapping? asyncPfNode, AsyncPfPlan? asyncPf)
    {
        if (TestPrograms.Names.FirstOrDefault(p => p.Key == Text(Get(test, "program"))) is not { Key: not null, Value: var program })
            return null;
        if (program == TestProgram.AsyncPf && Get(asyncPfNode, "workload") is null)
            error(test, "guest.test", "the async-pf program needs asyncPf with a workload");
        if (program != TestProgram.AsyncPf && Get(asyncPfNode, "workload") is not null)
            error(test, "guest.test.program", $"only the async-pf program runs asyncPf.workload, found {Text(Get(test, "program"))}");

        var accesses = new List<MsrAccess>();
        var items = Items(Get(test, "accesses"));
        for (var i = 0; i < items.Count; i++)
        {
            if (BindAccess(items[i], $"guest.test.accesses[{i}]", asyncPfNode, asyncPf) is { } access)
                accesses.Add(access);
        }
        return new TestGuestPlan(program, accesses);
    }

    private MsrAccess? BindAccess(YamlNode node, string path, YamlMapping? asyncPfNode, AsyncPfPlan? asyncPf)
    {
        var msrNode = Get(node, "msr");
        var msr = Text(msrNode) is { } name && KvmPvMsrs.BySpecName(name) is { } named ? named : Integer(msrNode) is { } n and <= uint.MaxValue ? (uint?)n : null;
        MsrOp? op = Text(Get(node, "op")) switch { "write" => MsrOp.Write, "read" => MsrOp.Read, _ => null };
        var expect = Text(Get(node, "expect")) switch { "accept" => AccessExpectation.Accept, "gp" => AccessExpectation.Gp, _ => AccessExpectation.Oracle };
        var valueNode = Get(node, "value");
        var value = Integer(valueNode);
        var readBack = Integer(Get(node, "readBack"));
        var waitNode = Get(node, "wait");
        var expectPageReadyNode = Get(node, "expectPageReady");
        if (msr is null || op is null)
            return null;

        if (op == MsrOp.Read && valueNode is not null)
            error(valueNode, $"{path}.value", "a read takes no value; use readBack for the expected result");
        if (expect == AccessExpectation.Gp && readBack is not null)
            error(Get(node, "readBack")!, $"{path}.readBack", "an access expected to #GP returns no value to check");
        else if (op == MsrOp.Write && readBack is not null)
            error(Get(node, "readBack")!, $"{path}.readBack", "a write returns no value to check; add a read access after it with this readBack");
        if (op == MsrOp.Write && valueNode is null)
        {
            value = msr switch
            {
                KvmPvMsrs.AsyncPfEn => asyncPf?.EnValue,
                KvmPvMsrs.AsyncPfInt => asyncPf?.Vector,
                KvmPvMsrs.AsyncPfAck => 1,
                _ => null,
            };
            // A default whose source is present but invalid was already reported there.
            var sourcePresent = msr switch
            {
                KvmPvMsrs.AsyncPfEn => asyncPfNode is not null,
                KvmPvMsrs.AsyncPfInt => Get(asyncPfNode, "vector") is not null,
                _ => false,
            };
            if (value is null && !sourcePresent)
                error(node, path, msr switch
                {
                    KvmPvMsrs.AsyncPfEn => "a write to async-pf-en without value takes the EN value of asyncPf, but asyncPf is missing",
                    KvmPvMsrs.AsyncPfInt => "a write to async-pf-int without value takes asyncPf.vector, but it is missing",
                    _ => $"missing required key 'value' for a write to MSR 0x{msr:x}",
                });
        }
        bool wait = Boolean(waitNode) ?? MsrAccess.WaitsByDefault(msr.Value, op.Value, value);
        if (expectPageReadyNode is not null && !wait)
            error(expectPageReadyNode, $"{path}.expectPageReady", waitNode is null
                ? "only a waiting access expects a page-ready; this access does not wait by default, add wait: true"
                : "only a waiting access expects a page-ready, and this one says wait: false");
        return new MsrAccess(msr.Value, op.Value, op == MsrOp.Write ? value : null, expect, readBack, wait, Boolean(expectPageReadyNode));
    }

    private LinuxGuestPlan? BindLinux(YamlMapping linux, MachinePlan? machine)
    {
        var kernelNode = Map(linux, "kernel");
        KernelSource? kernel = null;
        if (Map(kernelNode, "debian") is { } debian)
        {
            if (Get(kernelNode, "sha256") is { } stray)
                error(stray, "guest.linux.kernel.sha256", "a Debian kernel's hash goes in debian.sha256");
            if (DebianPackageBinder.Bind(debian) is (var package, var version, var hash))
                kernel = new DebianKernel(package, version, hash);
        }
        else if (Get(kernelNode, "path") is { } pathNode)
        {
            kernel = BindFile(kernelNode!, pathNode, "guest.linux.kernel");
        }

        FileReference? initramfs = null;
        if (Map(linux, "initramfs") is { } initrd && Get(initrd, "path") is { } initrdPath)
            initramfs = BindFile(initrd, initrdPath, "guest.linux.initramfs");
        var workload = BindWorkload(linux, machine);
        // The shape admits only the entry names, so an unknown one was reported already.
        var entry = LinuxEntries.Names.FirstOrDefault(n => n.Key == Text(Get(linux, "entry"))) is { Key: not null, Value: var named } ? named : LinuxEntry.BootProtocol64;
        return kernel is null ? null : new LinuxGuestPlan(kernel, initramfs, Text(Get(linux, "cmdline")) ?? "", workload, entry);
    }

    /// <summary>The workload runs in the /init vmspec generates, so a spec that brings its own initramfs cannot have one.</summary>
    private LinuxWorkload? BindWorkload(YamlMapping linux, MachinePlan? machine)
    {
        if (Map(linux, "workload") is not { } workload)
            return null;
        if (Get(linux, "initramfs") is not null)
            error(workload, "guest.linux.workload", "the workload runs in the /init vmspec generates, but guest.linux.initramfs brings its own; "
                + (IsLeaf(workload.Location.File) ? "drop the initramfs or the workload" : "drop the initramfs, or extend a base without a workload (an extending spec cannot remove it)"));
        if (Integer(Get(workload, "pages")) is not { } pages || pages is 0 or > LinuxWorkload.MaxPages)
            return null;
        var plan = new LinuxWorkload((uint)pages);
        if (machine is not null && plan.Bytes >= machine.MemoryBytes)
            error(Get(workload, "pages")!, "guest.linux.workload.pages", $"{pages} pages of 4 KiB do not fit in {machine.MemoryBytes} bytes of guest RAM");
        return plan;
    }

    private FileReference? BindFile(YamlNode owner, YamlNode pathNode, string path)
    {
        if (Text(Get(owner, "sha256")) is not { } hash)
        {
            error(owner, $"{path}.sha256", "missing required key (a file given by path is pinned by its sha256)");
            return null;
        }
        if (Text(pathNode) is not { } relative || !PathText.IsUsable(relative))
            return null;
        if (Path.IsPathRooted(relative))
        {
            error(pathNode, $"{path}.path", $"expected a path relative to the spec file, found absolute path '{relative}'");
            return null;
        }
        return new FileReference(LeafRelative(pathNode.Location.File, relative), hash);
    }

    private bool IsLeaf(string file) => Path.GetFullPath(file) == Path.GetFullPath(leafFile);

    /// <summary>Paths are written relative to their own file; the plan holds them relative to the leaf spec.</summary>
    private string LeafRelative(string definingFile, string relative)
    {
        var leafDir = Path.GetFullPath(Path.GetDirectoryName(Path.GetFullPath(leafFile))!);
        var target = Path.GetFullPath(Path.Join(Path.GetDirectoryName(Path.GetFullPath(definingFile)), relative));
        return Path.GetRelativePath(leafDir, target).Replace('\\', '/');
    }
}
