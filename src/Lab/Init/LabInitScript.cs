namespace Vmspec.Lab.Init;

/// <summary>
/// /init of the lab kernel, run by the static busybox in the initramfs. It loads the module closure, mounts the host's
/// root read-only (9p) under an overlay whose upper layer is a tmpfs, mounts each output folder read-write over it,
/// runs /lab/command.sh there (with the root's /bin/sh, or the initramfs's busybox where the root has none) with its stdio on the vmspec.out/vmspec.err ports, and reports on vmspec.status:
/// "release R", "ready", then "exit N" or "error MESSAGE", and "beat" every <see cref="HeartbeatSeconds"/> s from "release" on. Nothing else ever reports an exit status, so a lab that dies
/// midway has no status rather than a made-up 0. Errors also go to the console, prefixed "vmspec-lab:".
/// </summary>
public static class LabInitScript
{
    public const string HostRootTag = "hostroot";
    public const string StatusPort = "vmspec.status", OutPort = "vmspec.out", ErrPort = "vmspec.err";
    public const string ConsolePrefix = "vmspec-lab: ";

    /// <summary>Seconds between the lab kernel's "beat" status lines.</summary>
    public const string HeartbeatSeconds = "5";

    public const string Text = $$"""
        #!/bin/busybox sh
        /bin/busybox --install -s /bin
        export PATH=/bin
        exec 3>/dev/null
        say() { echo "vmspec-lab: $*" > /dev/console; }
        fail() { say "$*"; echo "error $*" >&3; sync; reboot -f; sleep 60; }

        mount -t proc proc /proc && mount -t sysfs sysfs /sys && mount -t devtmpfs devtmpfs /dev \
          || fail "cannot mount /proc, /sys and /dev"
        while read -r module; do
          message=$(insmod "/lab/modules/$module.ko" 2>&1) \
            || fail "module $module failed to load: $message; kernel log: $(dmesg | tail -n 3 | tr '\n' ' ')"
        done < /lab/modules.list

        # Ports appear when QEMU announces them on virtio-console's control queue, a little after the driver binds.
        port() {
          for p in /sys/class/virtio-ports/*; do
            [ "$(cat "$p/name" 2>/dev/null)" = "$1" ] && { echo "/dev/${p##*/}"; return 0; }
          done
          return 1
        }
        tries=0
        until status=$(port vmspec.status) && out=$(port vmspec.out) && err=$(port vmspec.err) \
              && [ -c "$status" ] && [ -c "$out" ] && [ -c "$err" ]; do
          tries=$((tries + 1)); [ $tries -gt 500 ] && fail "the vmspec.* virtio ports did not appear"
          sleep 0.01
        done
        exec 3>"$status"
        echo "release $(uname -r)" >&3
        # The lab kernel's heartbeat: the host stops a lab that falls silent (see LabRunOptions.StallAfter).
        ( while sleep {{HeartbeatSeconds}}; do echo beat; done ) >&3 &

        mkdir -p /mnt/host /mnt/rw /mnt/root
        mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose hostroot /mnt/host \
          || fail "cannot mount the host's root (9p tag hostroot)"
        mount -t tmpfs -o mode=0755 tmpfs /mnt/rw && mkdir /mnt/rw/upper /mnt/rw/work \
          && mount -t overlay -o lowerdir=/mnt/host,upperdir=/mnt/rw/upper,workdir=/mnt/rw/work overlay /mnt/root \
          || fail "cannot mount the overlay over the host's root"
        while read -r tag path; do
          mkdir -p "/mnt/root$path" \
            && mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 "$tag" "/mnt/root$path" \
            || fail "cannot mount output folder $path (9p tag $tag)"
        done < /lab/outputs
        mount -t proc proc /mnt/root/proc && mount -t sysfs sysfs /mnt/root/sys \
          && mount -t devtmpfs devtmpfs /mnt/root/dev && mount -t tracefs tracefs /mnt/root/sys/kernel/tracing \
          && mkdir -p /mnt/root/dev/shm /mnt/root/dev/pts && mount -t tmpfs tmpfs /mnt/root/dev/shm \
          && mount -t devpts devpts /mnt/root/dev/pts \
          || fail "cannot mount /proc, /sys, /dev and tracefs for the command"
        mkdir -p /mnt/root/run/vmspec-lab && cp /lab/command.sh /mnt/root/run/vmspec-lab/command.sh \
          || fail "cannot copy the command script"
        # A root without a shell (the lab image's) runs the script with this busybox.
        shell=/bin/sh
        if ! chroot /mnt/root /bin/sh -c : 2>/dev/null; then
          cp /bin/busybox /mnt/root/run/vmspec-lab/busybox && shell="/run/vmspec-lab/busybox sh" \
            || fail "cannot copy busybox for the command script"
        fi
        hostname vmspec-lab

        echo ready >&3
        chroot /mnt/root $shell /run/vmspec-lab/command.sh < /dev/null > "$out" 2> "$err"
        echo "exit $?" >&3
        exec 3>&-
        sync
        reboot -f
        """;
}
