namespace Vmspec.Runtime.Devices;

/// <summary>Mnemonics of the architectural exception vectors 0-31.</summary>
public static class ExceptionNames
{
    private static readonly string[] Names =
    [
        "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "vector 15",
        "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
    ];

    public const uint GeneralProtection = 13, PageFault = 14, InvalidOpcode = 6, DoubleFault = 8;

    public static string Name(uint vector) => vector < Names.Length ? Names[vector] : $"vector {vector}";
}
