using System.Diagnostics;
using System.Runtime.InteropServices;
using Iced.Intel;
using Vmspec.Runtime.Boot;
using Vmspec.TestSupport;

namespace Vmspec.Runtime.Tests.Boot;

/// <summary>The init is an ordinary Linux executable: the exit variant runs here, writing to a stand-in for /dev/console.</summary>
public sealed class InitProgramTests
{
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static (int ExitCode, string? Written) RunOnHostLinux(bool createTarget)
    {
        using var temp = new TempDirectory("vmspec-init-");
        string dir = temp.Path;
        string console = Path.Combine(dir, "console"), exe = Path.Combine(dir, "init");
        if (createTarget) File.WriteAllBytes(console, []);
        File.WriteAllBytes(exe, InitProgram.Build(console, InitFinish.Exit));
        File.SetUnixFileMode(exe, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        using var process = Process.Start(new ProcessStartInfo(exe) { UseShellExecute = false })!;
        if (!process.WaitForExit(10_000))
        {
            process.Kill();
            Assert.Fail("the init did not exit within 10 s");
        }
        return (process.ExitCode, File.Exists(console) ? File.ReadAllText(console) : null);
    }

    private static (int ExitCode, string? Written) RunOnHost(bool createTarget)
    {
        if (OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64) return RunOnHostLinux(createTarget);
        Assert.Skip("the init is an x86-64 Linux executable");
        return default;
    }

    [Fact]
    public void Exit_variant_writes_the_message_to_its_path_and_exits_0()
    {
        var (exitCode, written) = RunOnHost(createTarget: true);

        Assert.Equal(0, exitCode);
        Assert.Equal(InitProgram.Message, written);
    }

    [Fact]
    public void Exit_variant_exits_1_when_the_path_cannot_be_opened()
    {
        var (exitCode, written) = RunOnHost(createTarget: false);

        Assert.Equal(1, exitCode);
        Assert.Null(written);
    }

    [Fact]
    public void Restart_variant_calls_reboot_with_the_magic_numbers_and_cmd_restart()
    {
        byte[] elf = InitProgram.Build();
        var decoder = Iced.Intel.Decoder.Create(64, new ByteArrayCodeReader(elf[120..]), InitProgram.LoadAddress + 120);
        var instructions = new List<Instruction>();
        while (decoder.IP < InitProgram.LoadAddress + (ulong)elf.Length)
        {
            decoder.Decode(out Instruction i);
            if (i.IsInvalid) break; // the path and message data follow the code
            instructions.Add(i);
        }

        int rebootCall = instructions.FindIndex(i => i.Code == Code.Mov_r32_imm32 && i.Op0Register == Register.EAX && i.Immediate32 == 169);
        Assert.True(rebootCall >= 0, "no reboot syscall number");
        var setup = instructions.Skip(rebootCall).TakeWhile(i => i.Code != Code.Syscall).ToDictionary(i => i.Op0Register, i => i.Immediate32);
        Assert.Equal(0xFEE1DEADu, setup[Register.EDI]);
        Assert.Equal(672274793u, setup[Register.ESI]);
        Assert.Equal(0x01234567u, setup[Register.EDX]);
        Assert.Equal(InitProgram.Console + "\0", System.Text.Encoding.ASCII.GetString(elf).Split(InitProgram.Message)[0][^(InitProgram.Console.Length + 1)..]);
    }

    [Fact]
    public void ELF_header_is_a_static_x86_64_executable_with_one_load_segment()
    {
        byte[] elf = InitProgram.Build();

        Assert.Equal("\u007fELF"u8.ToArray(), elf[..4]);
        Assert.Equal(2, BitConverter.ToUInt16(elf, 16)); // ET_EXEC
        Assert.Equal(62, BitConverter.ToUInt16(elf, 18)); // EM_X86_64
        Assert.Equal(InitProgram.LoadAddress + 120, BitConverter.ToUInt64(elf, 24));
        Assert.Equal(1, BitConverter.ToUInt16(elf, 56));
        Assert.Equal(1u, BitConverter.ToUInt32(elf, 64)); // PT_LOAD
        Assert.Equal((ulong)elf.Length, BitConverter.ToUInt64(elf, 64 + 32));
        Assert.Equal(elf, InitProgram.Build());
    }
}
