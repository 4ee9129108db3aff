using System.Buffers.Binary;
using System.Text;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace Vmspec.Runtime.Boot;

/// <summary>How the tiny init ends.</summary>
public enum InitFinish
{
    /// <summary>reboot(LINUX_REBOOT_CMD_RESTART): the VM's i8042/triple-fault reset tells the host init ran.</summary>
    Restart,
    /// <summary>exit(status): 0 when the message was written in full. For running the program on the host in tests.</summary>
    Exit,
}

/// <summary>
/// A static x86-64 Linux executable written directly (an ELF64 header, one PT_LOAD and Iced code): opens a path
/// (/dev/console in a guest), writes <see cref="Message"/>, then restarts the machine or exits. No libc, no build step.
/// </summary>
public static class InitProgram
{
    public const string Message = "vmspec-init: ok\n";
    public const string Console = "/dev/console";
    public const ulong LoadAddress = 0x40_0000;

    private const int ElfHeaderSize = 64, ProgramHeaderSize = 56;
    private const int SysWrite = 1, SysOpen = 2, SysExit = 60, SysReboot = 169;
    private const int OpenWriteOnly = 0x1, OpenNoControllingTty = 0x100;
    private const uint RebootMagic1 = 0xFEE1_DEAD, RebootMagic2 = 672274793, RebootCmdRestart = 0x0123_4567;

    public static byte[] Build(string path = Console, InitFinish finish = InitFinish.Restart)
    {
        if (path.Length == 0 || path.Contains('\0')) throw new ArgumentException("the init's output path must be non-empty and free of NUL");
        ulong codeAddress = LoadAddress + ElfHeaderSize + ProgramHeaderSize;
        byte[] code = AssembleCode(path, finish, codeAddress);
        var file = new byte[ElfHeaderSize + ProgramHeaderSize + code.Length];
        WriteElfHeader(file, codeAddress);
        WriteProgramHeader(file.AsSpan(ElfHeaderSize), (ulong)file.Length);
        code.CopyTo(file, ElfHeaderSize + ProgramHeaderSize);
        return file;
    }

    private static byte[] AssembleCode(string path, InitFinish finish, ulong address)
    {
        byte[] message = Encoding.ASCII.GetBytes(Message);
        var a = new Assembler(64);
        Label pathText = a.CreateLabel(), messageText = a.CreateLabel(), done = a.CreateLabel();

        a.mov(ebx, 1); // status: 1 until the whole message is written
        a.mov(eax, SysOpen);
        a.lea(rdi, __[pathText]);
        a.mov(esi, OpenWriteOnly | OpenNoControllingTty);
        a.xor(edx, edx);
        a.syscall();
        a.test(eax, eax);
        a.js(done);
        a.mov(edi, eax);
        a.mov(eax, SysWrite);
        a.lea(rsi, __[messageText]);
        a.mov(edx, message.Length);
        a.syscall();
        a.cmp(rax, message.Length);
        a.jne(done);
        a.xor(ebx, ebx);
        a.Label(ref done);
        if (finish == InitFinish.Restart)
        {
            a.mov(eax, SysReboot);
            a.mov(edi, unchecked((int)RebootMagic1));
            a.mov(esi, unchecked((int)RebootMagic2));
            a.mov(edx, unchecked((int)RebootCmdRestart));
            a.syscall();
            a.mov(ebx, 2); // reboot returned: exit (a panic for PID 1, visible on the console)
        }
        a.mov(eax, SysExit);
        a.mov(edi, ebx);
        a.syscall();
        a.Label(ref pathText);
        a.db([.. Encoding.UTF8.GetBytes(path), 0]);
        a.Label(ref messageText);
        a.db(message);

        using var stream = new MemoryStream();
        a.Assemble(new StreamCodeWriter(stream), address);
        return stream.ToArray();
    }

    private static void WriteElfHeader(Span<byte> file, ulong entry)
    {
        "\x7F"u8.CopyTo(file);
        "ELF"u8.CopyTo(file[1..]);
        file[4] = 2; // ELFCLASS64
        file[5] = 1; // little-endian
        file[6] = 1; // EV_CURRENT
        BinaryPrimitives.WriteUInt16LittleEndian(file[16..], 2); // ET_EXEC
        BinaryPrimitives.WriteUInt16LittleEndian(file[18..], 62); // EM_X86_64
        BinaryPrimitives.WriteUInt32LittleEndian(file[20..], 1);
        BinaryPrimitives.WriteUInt64LittleEndian(file[24..], entry);
        BinaryPrimitives.WriteUInt64LittleEndian(file[32..], ElfHeaderSize); // e_phoff
        BinaryPrimitives.WriteUInt16LittleEndian(file[52..], ElfHeaderSize);
        BinaryPrimitives.WriteUInt16LittleEndian(file[54..], ProgramHeaderSize);
        BinaryPrimitives.WriteUInt16LittleEndian(file[56..], 1); // e_phnum
    }

    /// <summary>One PT_LOAD, read + execute, mapping the whole file at <see cref="LoadAddress"/>.</summary>
    private static void WriteProgramHeader(Span<byte> header, ulong fileSize)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(header, 1); // PT_LOAD
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], 5); // PF_R | PF_X
        BinaryPrimitives.WriteUInt64LittleEndian(header[8..], 0);
        BinaryPrimitives.WriteUInt64LittleEndian(header[16..], LoadAddress);
        BinaryPrimitives.WriteUInt64LittleEndian(header[24..], LoadAddress);
        BinaryPrimitives.WriteUInt64LittleEndian(header[32..], fileSize);
        BinaryPrimitives.WriteUInt64LittleEndian(header[40..], fileSize);
        BinaryPrimitives.WriteUInt64LittleEndian(header[48..], 0x1000);
    }
}
