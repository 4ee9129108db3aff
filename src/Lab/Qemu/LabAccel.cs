namespace Vmspec.Lab.Qemu;

/// <summary>How QEMU runs the lab kernel: TCG (emulated AMD SVM, any x86-64 machine) or KVM with nested virtualization.</summary>
public enum LabAccel { Auto, Kvm, Tcg }

public static class LabAccelChoice
{
    public static LabAccel Parse(string text) => text switch
    {
        "auto" => LabAccel.Auto,
        "kvm" => LabAccel.Kvm,
        "tcg" => LabAccel.Tcg,
        _ => throw new LabException($"--accel {text}: expected auto, kvm or tcg"),
    };

    public static string Name(this LabAccel accel) => accel.ToString().ToLowerInvariant();

    /// <summary>auto → kvm when /dev/kvm opens and its module offers nested virtualization, else tcg.</summary>
    public static LabAccel Resolve(LabAccel requested, string sysfsModules = "/sys/module", string devKvm = "/dev/kvm")
    {
        if (requested == LabAccel.Tcg)
            return LabAccel.Tcg;
        string? why = WhyNoNestedKvm(sysfsModules, devKvm);
        if (requested == LabAccel.Kvm && why is not null)
            throw new LabException($"--accel kvm: {why}; use --accel tcg (or auto)");
        return why is null ? LabAccel.Kvm : LabAccel.Tcg;
    }

    /// <summary>Null when nested KVM is usable, else the reason it is not.</summary>
    internal static string? WhyNoNestedKvm(string sysfsModules, string devKvm)
    {
        if (!File.Exists(devKvm))
            return $"{devKvm} does not exist";
        try
        {
            using var _ = File.Open(devKvm, FileMode.Open, FileAccess.ReadWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{devKvm} cannot be opened read-write: {e.Message}";
        }
        foreach (string module in (string[])["kvm_intel", "kvm_amd"])
        {
            string nested = Path.Combine(sysfsModules, module, "parameters", "nested");
            if (File.Exists(nested) && File.ReadAllText(nested).Trim() is "Y" or "1")
                return null;
        }
        return "this machine's KVM does not offer nested virtualization (no kvm_intel or kvm_amd with nested=Y)";
    }
}
