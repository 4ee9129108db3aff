#!/bin/sh
# Runs inside one lab boot (./build.sh Bench, Build.Bench.Linux.cs): boots each kernel RUNS times under vmspec and under
# QEMU -accel kvm on the lab host's KVM, the same initramfs (vmspec's generated /init, written by vmspec's first run)
# and cmdline, 512 MiB, each process timed with date +%s%N. Prints the lines LinuxBootTimings reads into OUT/timings.txt.
# Each boot's console is kept (OUT/NAME.TOOL.RUN.console) to compare the two boots phase by phase.
# ENTRY is guest.linux.entry: vmspec boots VMLINUZ through it; QEMU boots QEMU_KERNEL (VMLINUZ, or for pvh the vmlinux
# inside it, which QEMU enters through its PVH note).
# Usage: linux-boot.sh VMSPEC OUT RUNS NAME ENTRY VMLINUZ QEMU_KERNEL [NAME ENTRY VMLINUZ QEMU_KERNEL]...
set -u
vmspec=$1 out=$2 runs=$3
shift 3
cmdline='console=ttyS0 reboot=k panic=-1'
bios=/usr/share/qemu/qboot.rom
{
    firmware=""
    if [ -f "$bios" ]; then
        echo "firmware qboot"
        firmware="-bios $bios"
    else
        echo "firmware default"
    fi
    while [ $# -ge 4 ]; do
        name=$1 entry=$2 kernel=$3 qemu_kernel=$4
        shift 4
        initrd=$out/$name.initramfs
        # The page cache holds what both read before the first timed run, as after a warm-up run.
        cat "$vmspec" "$kernel" "$qemu_kernel" "$(command -v qemu-system-x86_64)" > /dev/null
        i=0
        while [ "$i" -lt "$runs" ]; do
            i=$((i + 1))
            start=$(date +%s%N)
            "$vmspec" bench linux-boot --kernel "$kernel" --entry "$entry" --runs 1 --initramfs-out "$initrd" --console-out "$out/$name.vmspec.$i.console" \
                > "$out/$name.vmspec.$i.json"
            code=$?
            end=$(date +%s%N)
            echo "$name vmspec $((end - start)) $code"
            start=$(date +%s%N)
            console=$out/$name.qemu.$i.console
            # $firmware is unquoted on purpose: empty, or '-bios PATH' (a path without blanks).
            # isa-debug-exit covers port 0xEF alone: with iosize=4 it also took 0xF0 (the FPU error latch), which the
            # kernel's real-mode setup writes 0 to, and QEMU exited 1 before the kernel ran, as if /init were done.
            # shellcheck disable=SC2086
            qemu-system-x86_64 -accel kvm -cpu host -M pc $firmware -m 512 -kernel "$qemu_kernel" -initrd "$initrd" \
                -append "$cmdline" -display none -serial file:"$console" -no-reboot -nodefaults \
                -device isa-debug-exit,iobase=0xef,iosize=1
            code=$?
            end=$(date +%s%N)
            # Exit code 1 is also QEMU's own failure: only /init's greeting on the console shows the boot got there.
            # 2 is neither QEMU's nor isa-debug-exit's (always odd), so LinuxBootTimings fails the run on it.
            grep -q 'vmspec-init: ok' "$console" || code=2
            echo "$name qemu $((end - start)) $code"
        done
    done
} > "$out/timings.txt"
