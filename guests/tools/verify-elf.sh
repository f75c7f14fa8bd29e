#!/bin/sh
# Checks guest ELFs against guest ABI v1 (spec/guest-abi.md), by inspection:
#   ELF32, little endian, EXEC, machine RISC-V, e_flags 0 (no RVC, soft-float ABI),
#   every PT_LOAD inside [0x00010000, 0x0C000000) with filesz <= memsz,
#   entry = _start, and every instruction of every code section a 4-byte
#   RV32IM instruction (no compressed, CSR, atomic, float, ebreak, fence.i).
# Usage: tools/verify-elf.sh file.elf...
set -u
CROSS=${CROSS:-riscv64-unknown-elf-}
READELF=${CROSS}readelf
OBJDUMP=${CROSS}objdump
NM=${CROSS}nm

status=0
fail() { echo "verify: FAILED: $1: $2" >&2; status=1; fstatus=1; }

for f in "$@"; do
    fstatus=0
    [ -f "$f" ] || { fail "$f" "no such file"; continue; }
    hdr=$($READELF -h "$f") || { fail "$f" "not an ELF file"; continue; }
    echo "$hdr" | grep -q 'Class: *ELF32$' || fail "$f" "not ELFCLASS32"
    echo "$hdr" | grep -q "Data: *2's complement, little endian" || fail "$f" "not little endian"
    echo "$hdr" | grep -q 'Type: *EXEC' || fail "$f" "not an EXEC file"
    echo "$hdr" | grep -q 'Machine: *RISC-V$' || fail "$f" "machine is not RISC-V"
    echo "$hdr" | grep -q 'Flags: *0x0$' || fail "$f" "e_flags not 0 (RVC or a hard-float ABI)"

    entry=$(echo "$hdr" | awk '/Entry point address/ {print $4}')
    start=$($NM "$f" | awk '$3 == "_start" {print $1}')
    if [ -z "$start" ]; then
        fail "$f" "no _start symbol"
    elif [ $((entry)) -ne $((0x$start)) ]; then
        fail "$f" "entry $entry is not _start (0x$start)"
    fi

    loads=$($READELF -lW "$f" | awk '$1 == "LOAD" {print $3, $5, $6}')
    [ -n "$loads" ] || fail "$f" "no PT_LOAD segment"
    echo "$loads" | while read -r vaddr filesz memsz; do
        [ -n "$vaddr" ] || continue
        lo=$((vaddr)); fs=$((filesz)); ms=$((memsz)); hi=$((lo + ms))
        if [ $lo -lt $((0x00010000)) ] || [ $hi -gt $((0x0C000000)) ]; then
            echo "verify: FAILED: $f: PT_LOAD [$vaddr, +$memsz) leaves guest memory [0x10000, 0xC000000)" >&2
            exit 1
        fi
        if [ $fs -gt $ms ]; then
            echo "verify: FAILED: $f: PT_LOAD at $vaddr has filesz > memsz" >&2
            exit 1
        fi
    done || { status=1; fstatus=1; }

    # Canonical mnemonics (no aliases), zero words included (-z).
    bad=$($OBJDUMP -d -z -M no-aliases,numeric "$f" | awk -F'\t' '
        BEGIN {
            n = split("lui auipc jal jalr beq bne blt bge bltu bgeu lb lh lw lbu lhu sb sh sw " \
                      "addi slti sltiu xori ori andi slli srli srai add sub sll slt sltu xor srl sra or and " \
                      "fence ecall mul mulh mulhsu mulhu div divu rem remu", ok, " ")
            for (i = 1; i <= n; i++) allowed[ok[i]] = 1
        }
        /^ *[0-9a-f]+:\t/ {
            raw = $2; gsub(/ /, "", raw)
            split($3, m, " ")
            if (length(raw) != 8 || !(m[1] in allowed)) { print; bad++ }
            total++
        }
        END { if (total == 0) print "no instructions found" }')
    if [ -n "$bad" ]; then
        fail "$f" "instructions outside RV32IM (or not 4 bytes):"
        echo "$bad" | head -20 >&2
    fi
    [ $fstatus -eq 0 ] && echo "ok   $f: ELF32 RISC-V, entry $entry = _start, PT_LOADs in guest memory, RV32IM only"
done
exit $status
