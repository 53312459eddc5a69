#!/usr/bin/env python3
"""Proves the one-binary guarantee of native/core/src/simd_kernels.cpp on built x86-64 binaries.

Disassembles each binary (objdump -d -C) and fails when a function outside the per-level kernel
namespaces spatial::simd::avx2 and spatial::simd::avx512 uses an instruction a plain x86-64 CPU
(SSE2, no POPCNT) lacks: any VEX/EVEX-encoded instruction, a ymm/zmm/mask register, BMI1/BMI2,
POPCNT/LZCNT, MOVBE, or SSE3/SSSE3/SSE4. Such a function would be reachable from baseline
code (a COMDAT copy of an inline function or template the linker kept from a wide level) and
would die with SIGILL on an older CPU.

  check_simd_isolation.py [--objdump objdump] BINARY... [--optional BINARY...]

Binaries after --optional are checked only when they exist (the Node addon, built separately).
Also fails when no function of a level namespace is found at all (the check would be vacuous).
"""
import argparse
import os
import re
import subprocess
import sys

LEVEL_NAMESPACES = ("spatial::simd::avx2::", "spatial::simd::avx512::")

# Beyond x86-64 (SSE2): mnemonics, matched on the first word of the instruction.
BEYOND_BASELINE = {
    # BMI1, BMI2, ABM, MOVBE, ADX
    # (Not TZCNT: GCC emits `rep bsf`, which objdump prints as tzcnt, for __builtin_ctz on any
    # x86-64; a CPU without BMI1 runs it as BSF, which gives the same result for the nonzero
    # inputs __builtin_ctz is defined for.)
    "andn", "bextr", "blsi", "blsmsk", "blsr", "bzhi", "pdep", "pext", "rorx", "sarx", "shlx", "shrx",
    "mulx", "popcnt", "lzcnt", "movbe", "adcx", "adox",
    # SSE3
    "addsubpd", "addsubps", "haddpd", "haddps", "hsubpd", "hsubps", "lddqu", "movddup", "movshdup", "movsldup",
    # SSSE3
    "pabsb", "pabsd", "pabsw", "palignr", "phaddd", "phaddsw", "phaddw", "phsubd", "phsubsw", "phsubw",
    "pmaddubsw", "pmulhrsw", "pshufb", "psignb", "psignd", "psignw",
    # SSE4.1 / SSE4.2
    "blendpd", "blendps", "blendvpd", "blendvps", "dppd", "dpps", "extractps", "insertps", "movntdqa", "mpsadbw",
    "packusdw", "pblendvb", "pblendw", "pcmpeqq", "pextrb", "pextrd", "pextrq", "phminposuw", "pinsrb", "pinsrd",
    "pinsrq", "pmaxsb", "pmaxsd", "pmaxud", "pmaxuw", "pminsb", "pminsd", "pminud", "pminuw", "pmovsxbd",
    "pmovsxbq", "pmovsxbw", "pmovsxdq", "pmovsxwd", "pmovsxwq", "pmovzxbd", "pmovzxbq", "pmovzxbw", "pmovzxdq",
    "pmovzxwd", "pmovzxwq", "pmuldq", "pmulld", "ptest", "roundpd", "roundps", "roundsd", "roundss", "pcmpgtq",
    "pcmpestri", "pcmpestrm", "pcmpistri", "pcmpistrm", "crc32",
}
WIDE_REGISTER = re.compile(r"%(ymm|zmm)\d+|%k[0-7]\b")
LEGACY_V = {"verr", "verw"}  # the only non-VEX mnemonics starting with 'v'

FUNCTION = re.compile(r"^[0-9a-f]+ <(.*)>:$")


def strip_nested(name):
    """The function's own qualified name: template arguments and parameter lists removed, so that
    std::sort<spatial::simd::avx2::X*> does not count as level code."""
    out, depth = [], 0
    for ch in name:
        if ch in "<(":
            depth += 1
        elif ch in ">)":
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def is_level_code(name):
    own = strip_nested(name)
    return any(ns in own for ns in LEVEL_NAMESPACES)


def offending(instruction):
    """Why this instruction (objdump's text after the address) is beyond x86-64, or None."""
    parts = instruction.split()
    if not parts:
        return None
    # Skip prefixes objdump prints as words (rep, lock, notrack, bnd, data16, ...).
    while parts and parts[0] in ("rep", "repz", "repnz", "repe", "repne", "lock", "notrack", "bnd", "data16", "addr32",
                                 "cs", "ds", "es", "ss", "fs", "gs"):
        parts = parts[1:]
    if not parts:
        return None
    mnemonic = parts[0]
    if WIDE_REGISTER.search(instruction):
        return "wide register"
    if mnemonic.startswith("v") and mnemonic not in LEGACY_V:
        return "VEX/EVEX encoding"
    # AT&T syntax may suffix an operand size (popcntq, tzcntl, movbel, crc32b).
    if mnemonic in BEYOND_BASELINE or mnemonic[:-1] in BEYOND_BASELINE:
        return "beyond x86-64"
    return None


def check(objdump, path):
    proc = subprocess.run([objdump, "-d", "--no-show-raw-insn", "-C", path], capture_output=True, text=True)
    if proc.returncode != 0:
        print(f"{path}: objdump failed: {proc.stderr.strip()}")
        return False
    function, level_functions, checked, bad = None, set(), 0, {}
    for line in proc.stdout.splitlines():
        m = FUNCTION.match(line)
        if m:
            function = m.group(1)
            if is_level_code(function):
                level_functions.add(function)
            else:
                checked += 1
            continue
        if function is None or "\t" not in line or is_level_code(function):
            continue
        instruction = line.split("\t", 1)[1].strip()
        why = offending(instruction)
        if why:
            bad.setdefault(function, []).append(f"{instruction}  ({why})")
    levels = {ns for ns in LEVEL_NAMESPACES if any(ns in strip_nested(f) for f in level_functions)}
    print(f"{path}: {checked} functions outside the level namespaces checked, {len(level_functions)} level functions "
          f"({', '.join(sorted(n.rstrip(':') for n in levels)) or 'none'}) skipped")
    ok = True
    if len(levels) < len(LEVEL_NAMESPACES):
        print(f"{path}: FAIL: no function of {set(LEVEL_NAMESPACES) - levels}: the check would be vacuous")
        ok = False
    for function, instructions in sorted(bad.items()):
        print(f"{path}: FAIL: {function} uses {len(instructions)} instruction(s) beyond x86-64, e.g. {instructions[0]}")
        ok = False
    return ok


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objdump", default="objdump")
    parser.add_argument("binaries", nargs="*", help="binaries that must exist")
    parser.add_argument("--optional", nargs="*", default=[], help="binaries checked only when they exist")
    args = parser.parse_args(argv)
    paths = list(args.binaries)
    for p in args.optional:
        if os.path.exists(p):
            paths.append(p)
        else:
            print(f"{p}: not built, skipped")
    if not paths:
        print("no binary to check")
        return 2
    results = [check(args.objdump, p) for p in paths]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
