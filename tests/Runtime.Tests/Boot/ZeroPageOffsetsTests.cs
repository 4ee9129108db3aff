using Vmspec.Runtime.Boot;
using Vmspec.Runtime.Tests.Support;

namespace Vmspec.Runtime.Tests.Boot;

/// <summary>Zero-page offsets against the kernel documentation's tables and against asm/bootparam.h compiled with gcc.</summary>
public sealed class ZeroPageOffsetsTests
{
    // (constant, offset as printed in zero-page.rst / boot.rst, field name in struct boot_params)
    public static TheoryData<int, int, string> DocumentedOffsets => new()
    {
        { ZeroPageOffsets.AcpiRsdpAddr, 0x070, "acpi_rsdp_addr" },
        { ZeroPageOffsets.ExtRamdiskImage, 0x0C0, "ext_ramdisk_image" },
        { ZeroPageOffsets.ExtRamdiskSize, 0x0C4, "ext_ramdisk_size" },
        { ZeroPageOffsets.ExtCmdLinePtr, 0x0C8, "ext_cmd_line_ptr" },
        { ZeroPageOffsets.E820Entries, 0x1E8, "e820_entries" },
        { ZeroPageOffsets.Sentinel, 0x1EF, "sentinel" },
        { ZeroPageOffsets.E820Table, 0x2D0, "e820_table" },
        { ZeroPageOffsets.SetupHeader, 0x1F1, "hdr.setup_sects" },
        { ZeroPageOffsets.SetupHeaderLimit, 0x290, "edd_mbr_sig_buffer" },
        { ZeroPageOffsets.BootFlag, 0x1FE, "hdr.boot_flag" },
        { ZeroPageOffsets.Jump, 0x200, "hdr.jump" },
        { ZeroPageOffsets.Header, 0x202, "hdr.header" },
        { ZeroPageOffsets.Version, 0x206, "hdr.version" },
        { ZeroPageOffsets.TypeOfLoader, 0x210, "hdr.type_of_loader" },
        { ZeroPageOffsets.LoadFlags, 0x211, "hdr.loadflags" },
        { ZeroPageOffsets.Code32Start, 0x214, "hdr.code32_start" },
        { ZeroPageOffsets.RamdiskImage, 0x218, "hdr.ramdisk_image" },
        { ZeroPageOffsets.RamdiskSize, 0x21C, "hdr.ramdisk_size" },
        { ZeroPageOffsets.HeapEndPtr, 0x224, "hdr.heap_end_ptr" },
        { ZeroPageOffsets.CmdLinePtr, 0x228, "hdr.cmd_line_ptr" },
        { ZeroPageOffsets.InitrdAddrMax, 0x22C, "hdr.initrd_addr_max" },
        { ZeroPageOffsets.KernelAlignment, 0x230, "hdr.kernel_alignment" },
        { ZeroPageOffsets.CmdlineSize, 0x238, "hdr.cmdline_size" },
        { ZeroPageOffsets.PrefAddress, 0x258, "hdr.pref_address" },
        { ZeroPageOffsets.InitSize, 0x260, "hdr.init_size" },
    };

    [Theory]
    [MemberData(nameof(DocumentedOffsets))]
    public void Offset_matches_the_kernel_documentation(int constant, int documented, string field)
    {
        Assert.True(constant == documented, $"{field}: constant 0x{constant:x}, documented 0x{documented:x}");
    }

    [Fact]
    public void Offsets_and_sizes_match_asm_bootparam_h()
    {
        var fields = DocumentedOffsets.Select(row => (string)row.Data.Item3).ToArray();
        string source = "#include <stdio.h>\n#include <stddef.h>\n#include <asm/bootparam.h>\nint main(void) {\n"
            + string.Concat(fields.Select(f => $"  printf(\"{f} %zu\\n\", offsetof(struct boot_params, {f}));\n"))
            + "  printf(\"size %zu\\n\", sizeof(struct boot_params));\n"
            + "  printf(\"e820 entry %zu\\n\", sizeof(struct boot_e820_entry));\n"
            + "  printf(\"e820 max %zu\\n\", sizeof(((struct boot_params *)0)->e820_table) / sizeof(struct boot_e820_entry));\n"
            + "  return 0;\n}\n";

        var values = CProgram.Run("bootparam", source);

        foreach (var row in DocumentedOffsets)
            Assert.True(values[row.Data.Item3] == (ulong)row.Data.Item1, $"{row.Data.Item3}: header says {values[row.Data.Item3]:x}, constant 0x{row.Data.Item1:x}");
        Assert.Equal((ulong)ZeroPageOffsets.Size, values["size"]);
        Assert.Equal((ulong)ZeroPageOffsets.E820EntrySize, values["e820 entry"]);
        Assert.Equal((ulong)ZeroPageOffsets.E820MaxEntries, values["e820 max"]);
    }
}
