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
/// A static x86-64 Linux executable (<see cref="StaticElf"/>): opens a path
/// (/dev/console in a guest), writes <see cref="Message"/>, then restarts the machine or exits. No libc, no build step.
/// </summary>
public static class InitProgram
{
    public const string Message = "vmspec-init: ok\n";
    public const string Console = "/dev/console";
    public const ulong LoadAddress = StaticElf.LoadAddress;

    private const int SysWrite = 1, SysOpen = 2, SysExit = 60, SysReboot = 169;
    private const int OpenWriteOnly = 0x1, OpenNoControllingTty = 0x100;
    private const uint RebootMagic1 = 0xFEE1_DEAD, RebootMagic2 = 672274793, RebootCmdRestart = 0x0123_4567;

    public static byte[] Build(string path = Console, InitFinish finish = InitFinish.Restart)
    {
        if (path.Length == 0 || path.Contains('\0')) throw new ArgumentException("the init's output path must be non-empty and free of NUL");
        return StaticElf.Build(address => AssembleCode(path, finish, address));
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
}
