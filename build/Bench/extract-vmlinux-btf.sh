#!/usr/bin/env bash
# Baseline for `vmspec abi`: the usual pipeline. Like the kernel's scripts/extract-vmlinux, scan the
# bzImage for each compression magic in turn and decompress from every hit until an ELF comes out;
# then print struct kvm_vcpu_pv_apf_data from its BTF with pahole (or bpftool when given "bpftool").
# Usage: extract-vmlinux-btf.sh BZIMAGE [pahole|bpftool]
set -uo pipefail
image=$1
reader=${2:-pahole}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

print_struct() {
  if [ "$reader" = bpftool ]; then
    bpftool btf dump file "$1" format c | awk '/^struct kvm_vcpu_pv_apf_data \{/,/^\};/'
  else
    pahole -F btf -C kvm_vcpu_pv_apf_data "$1"
  fi
}

# $1 magic as tr escapes, $2 filler that cannot occur in the magic, $3 decompressor
try_decompress() {
  local filler=$2 position
  for position in $(tr "$1\n$filler" "\n$filler=" < "$image" | grep -abo "^$filler"); do
    position=${position%%:*}
    tail -c+"$position" "$image" | $3 > "$work/vmlinux" 2>/dev/null
    if readelf -h "$work/vmlinux" >/dev/null 2>&1; then
      print_struct "$work/vmlinux"
      exit 0
    fi
  done
}

try_decompress '\037\213\010' xy gunzip
try_decompress '\3757zXZ\000' abcde unxz
try_decompress '\002!L\030' xxx 'lz4 -d'
try_decompress '(\265/\375' xxx unzstd
echo "no vmlinux found in $image" >&2
exit 1
