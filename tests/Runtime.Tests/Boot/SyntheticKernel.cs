using System.Buffers.Binary;
using System.Text;
using Iced.Intel;
using Vmspec.GuestKernels.Boot;
using Vmspec.Runtime.Boot;
using Vmspec.Runtime.Devices;
using static Iced.Intel.AssemblerRegisters;

namespace Vmspec.Runtime.Tests.Boot;

/// <summary>What the synthetic kernel expects the loader to have given it.</summary>
internal sealed record SyntheticKernelExpectations(string CommandLine, ulong RamSize, ReadOnlyMemory<byte> Initramfs);

/// <summary>
/// A valid bzImage (boot protocol 2.15) for loader tests: its 64-bit entry (load address + 0x200) checks what Linux
/// relies on — boot segments, the copied setup header, type_of_loader, the command line, the e820 table and the
/// initramfs bytes (FNV-1a) — prints "check NAME ok" or "check NAME FAILED" per check on the 16550 at 0x3F8, then
/// pulses the reset line through the i8042. The code is position-independent (RIP-relative), as relocation requires.
/// </summary>
internal static class SyntheticKernel
{
    public const int SetupSects = 4;
    public const ushort Protocol = 0x020F;
    public const ulong PrefAddress = 0x100_0000;
    public const uint KernelAlignment = 0x20_0000;
    public const uint InitSize = 0x20_0000;
    public const uint CmdlineSize = 0x7FF;
    public const string Version = "vmspec-synthetic";

    /// <summary>The checks in the order the kernel prints them.</summary>
    public static readonly IReadOnlyList<string> Checks = ["segments", "header", "loader", "cmdline", "e820", "initramfs"];

    private const int SetupSize = (SetupSects + 1) * 512;
    private const int VersionOffset = 0x300;
    private const int StackBytes = 0x4000;
    private const byte HeaderJump = 0x6A; // 0x202 + 0x6A = 0x26C, the end of the 2.15 header

    public static string OkLine(string check) => $"check {check} ok";

    public static string FailedLine(string check) => $"check {check} FAILED";

    /// <summary>FNV-1a (32-bit) as the kernel computes it over the initramfs.</summary>
    public static uint Fnv1a(ReadOnlySpan<byte> data)
    {
        uint hash = 0x811C_9DC5;
        foreach (byte b in data) hash = (hash ^ b) * 0x0100_0193;
        return hash;
    }

    public static byte[] Build(SyntheticKernelExpectations expected)
    {
        byte[] code = AssembleEntry(expected);
        int protectedModeSize = (int)LinuxLoader.Entry64Offset + code.Length;
        protectedModeSize = (protectedModeSize + 15) & ~15;
        if ((ulong)protectedModeSize + StackBytes > InitSize)
            throw new InvalidOperationException($"synthetic kernel of {protectedModeSize} bytes leaves no room for its stack in init_size 0x{InitSize:x}");

        var image = new byte[SetupSize + protectedModeSize];
        WriteSetupHeader(image, protectedModeSize);
        Span<byte> kernel = image.AsSpan(SetupSize);
        kernel[..(int)LinuxLoader.Entry64Offset].Fill(0xF4); // the 32-bit entry (unused by the 64-bit protocol): HLT
        code.CopyTo(kernel[(int)LinuxLoader.Entry64Offset..]);
        return image;
    }

    private static void WriteSetupHeader(Span<byte> image, int protectedModeSize)
    {
        image[0x1F1] = SetupSects;
        BinaryPrimitives.WriteUInt32LittleEndian(image[0x1F4..], (uint)(protectedModeSize / 16));
        BinaryPrimitives.WriteUInt16LittleEndian(image[0x1FE..], BzImage.BootFlagMagic);
        image[0x200] = 0xEB; // jmp short past the header
        image[0x201] = HeaderJump;
        BinaryPrimitives.WriteUInt32LittleEndian(image[0x202..], BzImage.HeaderMagic);
        BinaryPrimitives.WriteUInt16LittleEndian(image[0x206..], Protocol);
        BinaryPrimitives.WriteUInt16LittleEndian(image[0x20E..], VersionOffset - 0x200);
        image[0x211] = (byte)LoadFlags.LoadedHigh;
        BinaryPrimitives.WriteUInt32LittleEndian(image[0x214..], 0x10_0000); // code32_start
        BinaryPrimitives.WriteUInt32LittleEndian(image[0x22C..], 0x7FFF_FFFF); // initrd_addr_max
        BinaryPrimitives.WriteUInt32LittleEndian(image[0x230..], KernelAlignment);
        image[0x234] = 1; // relocatable_kernel
        image[0x235] = 21; // min_alignment: 2 MiB
        BinaryPrimitives.WriteUInt16LittleEndian(image[0x236..], (ushort)XLoadFlags.Kernel64);
        BinaryPrimitives.WriteUInt32LittleEndian(image[0x238..], CmdlineSize);
        BinaryPrimitives.WriteUInt64LittleEndian(image[0x258..], PrefAddress);
        BinaryPrimitives.WriteUInt32LittleEndian(image[0x260..], InitSize);
        Encoding.ASCII.GetBytes(Version).CopyTo(image[VersionOffset..]);
    }

    private static byte[] AssembleEntry(SyntheticKernelExpectations expected)
    {
        var a = new Assembler(64);
        Label print = a.CreateLabel(), imageEnd = a.CreateLabel(), expectedCommandLine = a.CreateLabel();
        var messages = new List<(Label Label, byte[] Text)>();

        a.mov(r15, rsi);
        a.lea(rsp, __[imageEnd]);
        a.add(rsp, StackBytes);
        a.and(rsp, -16);
        a.cld();

        Check(a, print, messages, "segments", fail =>
        {
            a.mov(eax, cs); a.cmp(ax, BootGdt.BootCs); a.jne(fail);
            a.mov(eax, ds); a.cmp(ax, BootGdt.BootDs); a.jne(fail);
            a.mov(eax, ss); a.cmp(ax, BootGdt.BootDs); a.jne(fail);
        });
        Check(a, print, messages, "header", fail =>
        {
            a.cmp(__dword_ptr[r15 + ZeroPageOffsets.Header], unchecked((int)BzImage.HeaderMagic)); a.jne(fail);
            a.cmp(__word_ptr[r15 + ZeroPageOffsets.Version], Protocol); a.jne(fail);
        });
        Check(a, print, messages, "loader", fail =>
        {
            a.cmp(__byte_ptr[r15 + ZeroPageOffsets.TypeOfLoader], BootParams.LoaderUndefined); a.jne(fail);
        });
        byte[] commandLine = [.. Encoding.UTF8.GetBytes(expected.CommandLine), 0];
        Check(a, print, messages, "cmdline", fail =>
        {
            Load64(a, rsi, esi, ZeroPageOffsets.CmdLinePtr, ZeroPageOffsets.ExtCmdLinePtr);
            a.lea(rdi, __[expectedCommandLine]);
            a.mov(ecx, commandLine.Length);
            a.repe.cmpsb();
            a.jne(fail);
        });
        Check(a, print, messages, "e820", fail =>
        {
            // Highest end of a usable range must be the RAM size; usable bytes must miss at most the first 1 MiB.
            Label next = a.CreateLabel(), loop = a.CreateLabel();
            a.movzx(ecx, __byte_ptr[r15 + ZeroPageOffsets.E820Entries]);
            a.test(ecx, ecx); a.jz(fail);
            a.lea(rbx, __[r15 + ZeroPageOffsets.E820Table]);
            a.xor(edx, edx); // highest usable end
            a.xor(r8d, r8d); // usable bytes
            a.Label(ref loop);
            a.cmp(__dword_ptr[rbx + 16], (int)E820Type.Ram); a.jne(next);
            a.mov(rax, __qword_ptr[rbx]);
            a.add(rax, __qword_ptr[rbx + 8]);
            a.add(r8, __qword_ptr[rbx + 8]);
            a.cmp(rax, rdx); a.cmovae(rdx, rax);
            a.Label(ref next);
            a.add(rbx, ZeroPageOffsets.E820EntrySize);
            a.dec(ecx); a.jnz(loop);
            a.mov(rax, expected.RamSize);
            a.cmp(rdx, rax); a.jne(fail);
            a.mov(rax, expected.RamSize - E820Map.HighMemoryStart);
            a.cmp(r8, rax); a.jb(fail);
        });
        uint initramfsHash = Fnv1a(expected.Initramfs.Span);
        Check(a, print, messages, "initramfs", fail =>
        {
            Label loop = a.CreateLabel(), hashed = a.CreateLabel();
            Load64(a, rsi, esi, ZeroPageOffsets.RamdiskImage, ZeroPageOffsets.ExtRamdiskImage);
            Load64(a, rcx, ecx, ZeroPageOffsets.RamdiskSize, ZeroPageOffsets.ExtRamdiskSize);
            a.mov(rax, (ulong)expected.Initramfs.Length);
            a.cmp(rcx, rax); a.jne(fail);
            a.test(esi, (int)(LinuxLoader.InitramfsAlignment - 1)); a.jnz(fail);
            a.mov(edx, 0x811C_9DC5);
            a.test(rcx, rcx); a.jz(hashed);
            a.Label(ref loop);
            a.movzx(eax, __byte_ptr[rsi]);
            a.xor(edx, eax);
            a.imul(edx, edx, 0x0100_0193);
            a.inc(rsi);
            a.dec(rcx); a.jnz(loop);
            a.Label(ref hashed);
            a.cmp(edx, unchecked((int)initramfsHash)); a.jne(fail);
        });

        // Reset through the keyboard controller as Linux's reboot=k does: wait for an empty input buffer, then 0xFE.
        Label waitInput = a.CreateLabel(), halt = a.CreateLabel();
        a.Label(ref waitInput);
        a.@in(al, (byte)I8042.StatusPort);
        a.test(al, I8042.StatusInputFull); a.jnz(waitInput);
        a.mov(al, I8042.CommandPulseReset);
        a.@out((byte)I8042.CommandPort, al);
        a.Label(ref halt);
        a.hlt();
        a.jmp(halt);

        EmitPrint(a, print);
        a.Label(ref expectedCommandLine);
        a.db(commandLine);
        foreach (var (label, text) in messages)
        {
            Label l = label;
            a.Label(ref l);
            a.db(text);
        }
        a.Label(ref imageEnd);
        a.zero_bytes();

        using var stream = new MemoryStream();
        a.Assemble(new StreamCodeWriter(stream), PrefAddress + LinuxLoader.Entry64Offset);
        return stream.ToArray();
    }

    /// <summary>Runs <paramref name="body"/> (which jumps to its argument on failure) and prints the line for the outcome.</summary>
    private static void Check(Assembler a, Label print, List<(Label, byte[])> messages, string name, Action<Label> body)
    {
        Label fail = a.CreateLabel(), next = a.CreateLabel(), okText = a.CreateLabel(), failText = a.CreateLabel();
        byte[] ok = Encoding.ASCII.GetBytes(OkLine(name) + "\n"), failed = Encoding.ASCII.GetBytes(FailedLine(name) + "\n");
        messages.Add((okText, ok));
        messages.Add((failText, failed));
        body(fail);
        a.lea(rbx, __[okText]);
        a.mov(ecx, ok.Length);
        a.call(print);
        a.jmp(next);
        a.Label(ref fail);
        a.lea(rbx, __[failText]);
        a.mov(ecx, failed.Length);
        a.call(print);
        a.Label(ref next);
        a.zero_bytes(); // the next check may bind its own label here
    }

    /// <summary>print(RBX = text, ECX = length): polled output on COM1, waiting for THR empty before each byte.</summary>
    private static void EmitPrint(Assembler a, Label print)
    {
        Label wait = a.CreateLabel();
        a.Label(ref print);
        a.mov(dx, Serial16550.Com1 + Serial16550.LineStatus);
        a.Label(ref wait);
        a.@in(al, dx);
        a.test(al, Serial16550.LsrThrEmpty); a.jz(wait);
        a.mov(dx, Serial16550.Com1);
        a.mov(al, __byte_ptr[rbx]);
        a.@out(dx, al);
        a.inc(rbx);
        a.dec(ecx); a.jnz(print);
        a.ret();
    }

    /// <summary>register = zero-page u32 at <paramref name="low"/> | u32 at <paramref name="high"/> &lt;&lt; 32. Clobbers RAX.</summary>
    private static void Load64(Assembler a, AssemblerRegister64 register, AssemblerRegister32 register32, int low, int high)
    {
        a.mov(eax, __dword_ptr[r15 + high]);
        a.shl(rax, 32);
        a.mov(register32, __dword_ptr[r15 + low]);
        a.or(register, rax);
    }
}
