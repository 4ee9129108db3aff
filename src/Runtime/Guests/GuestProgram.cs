using System.Security.Cryptography;

namespace Vmspec.Runtime.Guests;

/// <summary>An assembled guest: code to load at <see cref="LoadAddress"/>, its entry point and its IDT handlers.</summary>
public sealed record GuestProgram(
    ulong LoadAddress,
    ulong Entry,
    byte[] Code,
    IReadOnlyDictionary<int, ulong> InterruptHandlers,
    IReadOnlyList<ExceptionFixup> Fixups)
{
    /// <summary>Lower-case hex SHA-256 of the code bytes (a stable identity for logs and pins).</summary>
    public string Sha256 => Convert.ToHexStringLower(SHA256.HashData(Code));
}

/// <summary>An exception-table entry: a fault at <paramref name="FaultRip"/> resumes at <paramref name="FixupRip"/>.</summary>
public readonly record struct ExceptionFixup(ulong FaultRip, ulong FixupRip);

/// <summary>Comparison outcomes a <see cref="GuestProgramBuilder.GuestAssert"/> can require of the flags.</summary>
public enum GuestCondition
{
    Equal,
    NotEqual,
    Below,
    BelowOrEqual,
    Above,
    AboveOrEqual,
}
