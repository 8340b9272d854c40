#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Build dump files of the kinds that have no Debian producer, from their format specifications.

Usage:
  mkkinds.py minidump OUT --pid N --comm NAME --signal N --code N --addr HEX --cmdline "a b c"
                          --time EPOCH
  mkkinds.py apport OUT --core CORE --exe PATH --cmdline "..." --pid N --uid N --signal N
                        --date "Tue Nov 24 10:00:00 2026"
  mkkinds.py abrt DIR --core CORE --exe PATH --cmdline "..." --pid N --uid N --time EPOCH
                      --count N --reason "..." [--compress zstd|none]
  mkkinds.py vmcoreinfo OUT --release 6.1.0-test --crashtime EPOCH
  mkkinds.py kdump-flat IN OUT
  mkkinds.py hserr OUT --platform bsd-amd64 --host "..." --signal SIGBUS --number 10
                       --code 2 --code-name BUS_ADRERR --addr HEX --pid N --tid N

Each subcommand writes exactly one file (or, for abrt, one directory) and prints nothing on
success.  On error it prints a message to stderr and exits 2.  Standard library only, except
that `abrt --compress zstd` runs the real `zstd` command.  Every builder says above it which
specification or source it follows; the tests in tests/ rely on the field values documented
there, so change them together.
"""
import argparse
import base64
import os
import shlex
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib


class Fail(Exception):
    pass


def write_atomic(path, data, mode=0o644):
    """Write bytes to path through a temporary file in the same directory."""
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".mkkinds.", dir=d)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def argv_of(cmdline):
    """The argv a shell would make of CMDLINE ("a 'b c' d" -> ['a', 'b c', 'd'])."""
    try:
        argv = shlex.split(cmdline)
    except ValueError as e:
        raise Fail(f"cannot split --cmdline {cmdline!r}: {e}")
    if not argv:
        raise Fail("--cmdline is empty")
    return argv


def comm_of(path):
    """The kernel's task comm: basename truncated to TASK_COMM_LEN-1 = 15 bytes."""
    return os.path.basename(path)[:15]


def proc_status_text(comm, pid, uid, ppid=1, state="R (running)"):
    """A /proc/PID/status as Linux 6.1 prints it (fs/proc/array.c), first lines only."""
    return (
        f"Name:\t{comm}\n"
        "Umask:\t0022\n"
        f"State:\t{state}\n"
        f"Tgid:\t{pid}\n"
        "Ngid:\t0\n"
        f"Pid:\t{pid}\n"
        f"PPid:\t{ppid}\n"
        "TracerPid:\t0\n"
        f"Uid:\t{uid}\t{uid}\t{uid}\t{uid}\n"
        f"Gid:\t{uid}\t{uid}\t{uid}\t{uid}\n"
        "FDSize:\t64\n"
        "Groups:\t\n"
        "VmPeak:\t    2420 kB\n"
        "VmSize:\t    2420 kB\n"
        "VmRSS:\t     932 kB\n"
        "Threads:\t1\n"
        "SigQ:\t0/95636\n"
    )


SIGNAMES = {1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT",
            7: "SIGBUS", 8: "SIGFPE", 9: "SIGKILL", 11: "SIGSEGV", 13: "SIGPIPE",
            15: "SIGTERM", 24: "SIGXCPU", 25: "SIGXFSZ", 31: "SIGSYS"}


# --------------------------------------------------------------------------------------------
# Breakpad / Crashpad minidump.
# Follows google/breakpad src/google_breakpad/common/minidump_format.h (MDRawHeader,
# MDRawDirectory, MDRawThreadList, MDRawExceptionStream/MDException, MDRawSystemInfo, MDString,
# MDStreamType incl. the Linux extension streams 0x47670003..0x4767000A) and
# minidump_cpu_amd64.h (MDRawContextAMD64, 1232 bytes), and what
# src/client/linux/minidump_writer/minidump_writer.cc puts in them on Linux:
# exception_code = signal number, exception_flags = si_code, exception_address = si_addr,
# platform_id MD_OS_LINUX, csd_version = "uname -srvmo"-like string, Linux streams hold the raw
# /proc file bytes.  NOTE: in minidump_format.h MD_LINUX_PROC_STATUS is 0x47670004
# (0x47670003 is MD_LINUX_CPU_INFO); this builder follows the header.  Streams are 8-aligned as
# breakpad's MinidumpFileWriter allocates them.  Little endian throughout.
# --------------------------------------------------------------------------------------------
MD_HEADER_SIGNATURE = 0x504D444D  # "MDMP" read as LE u32
MD_HEADER_VERSION = 0xA793
MD_THREAD_LIST_STREAM = 3
MD_EXCEPTION_STREAM = 6
MD_SYSTEM_INFO_STREAM = 7
MD_LINUX_CPU_INFO = 0x47670003
MD_LINUX_PROC_STATUS = 0x47670004
MD_LINUX_CMD_LINE = 0x47670006
MD_CPU_ARCHITECTURE_AMD64 = 9
MD_OS_LINUX = 0x8201
MD_CONTEXT_AMD64 = 0x00100000
MD_CONTEXT_AMD64_FULL = MD_CONTEXT_AMD64 | 0x1 | 0x2 | 0x8  # CONTROL|INTEGER|FLOATING_POINT
MD_CONTEXT_AMD64_SIZE = 1232


def build_minidump(a):
    argv = argv_of(a.cmdline)
    try:
        addr = int(a.addr, 16)
    except ValueError:
        raise Fail(f"--addr {a.addr!r} is not hex")
    if not 0 <= addr < 1 << 64:
        raise Fail("--addr out of range")

    out = bytearray(32)  # header, filled in last

    def alloc(data):
        while len(out) % 8:
            out.append(0)
        rva = len(out)
        out.extend(data)
        return rva

    stream_order = [MD_THREAD_LIST_STREAM, MD_EXCEPTION_STREAM, MD_SYSTEM_INFO_STREAM,
                    MD_LINUX_PROC_STATUS, MD_LINUX_CMD_LINE]
    n = len(stream_order)
    dir_rva = alloc(bytes(12 * n))
    entries = []

    # The crashing thread's context (all registers zero) and 256 zero bytes of its stack.
    ctx = bytearray(MD_CONTEXT_AMD64_SIZE)
    struct.pack_into("<I", ctx, 48, MD_CONTEXT_AMD64_FULL)  # context_flags after p1..p6_home
    ctx_rva = alloc(ctx)
    stack_rva = alloc(bytes(256))

    # MDRawThreadList holding the crashing thread only (tid = pid: a single-threaded process).
    # lldb 14 crashes on a minidump whose thread list is empty, so keep one.
    thread = struct.pack("<IIIIQQIIII", a.pid, 0, 0, 0, 0, 0x7FFFFFFDE000, 256, stack_rva,
                         len(ctx), ctx_rva)
    data = struct.pack("<I", 1) + thread
    entries.append((MD_THREAD_LIST_STREAM, len(data), alloc(data)))

    # MDRawExceptionStream: thread_id, __align, MDException, MDLocationDescriptor.
    exc = struct.pack("<IIQQII", a.signal & 0xFFFFFFFF, a.code & 0xFFFFFFFF, 0, addr, 0, 0)
    exc += bytes(8 * 15)  # exception_information[15]
    data = struct.pack("<II", a.pid, 0) + exc + struct.pack("<II", len(ctx), ctx_rva)
    assert len(data) == 168
    entries.append((MD_EXCEPTION_STREAM, len(data), alloc(data)))

    # MDString (u32 byte length excluding terminator, UTF-16LE, 0-terminated) for csd_version.
    csd = "Linux 6.1.0-test #1 SMP PREEMPT_DYNAMIC Debian 6.1.0 x86_64".encode("utf-16-le")
    csd_rva = alloc(struct.pack("<I", len(csd)) + csd + b"\0\0")

    # MDRawSystemInfo, 56 bytes.
    vendor = struct.unpack("<III", b"GenuineIntel")  # cpuid 0: ebx, edx, ecx
    data = struct.pack("<HHHBBIIIIIHH", MD_CPU_ARCHITECTURE_AMD64, 6, 0x5504, 2, 0,
                       6, 1, 0, MD_OS_LINUX, csd_rva, 0, 0)
    data += struct.pack("<IIIIII", vendor[0], vendor[1], vendor[2], 0x50654, 0xBFEBFBFF, 0)
    assert len(data) == 56
    entries.append((MD_SYSTEM_INFO_STREAM, len(data), alloc(data)))

    # Raw /proc/PID/status and /proc/PID/cmdline bytes.
    data = proc_status_text(a.comm, a.pid, a.uid).encode()
    entries.append((MD_LINUX_PROC_STATUS, len(data), alloc(data)))
    data = b"".join(x.encode() + b"\0" for x in argv)
    entries.append((MD_LINUX_CMD_LINE, len(data), alloc(data)))

    for i, (typ, size, rva) in enumerate(entries):
        struct.pack_into("<III", out, dir_rva + 12 * i, typ, size, rva)
    struct.pack_into("<IIIIIIQ", out, 0, MD_HEADER_SIGNATURE, MD_HEADER_VERSION, n, dir_rva,
                     0, a.time & 0xFFFFFFFF, 0)
    write_atomic(a.out, bytes(out), 0o600)


# --------------------------------------------------------------------------------------------
# Apport .crash report.
# Follows canonical/apport problem_report.py, ProblemReport.write() as of apport 2.28-2.33
# (_get_sorted_keys, _write_ascii_item, _write_binary_item_base64_encoded,
# _generate_compressed_chunks); 2.20.11-2.22 write byte-identical output from an inline loop.
#  * ASCII keys first, sorted, with ProblemType moved to the front; binary keys after, sorted.
#  * "Key: value\n"; a value containing "\n" is written "Key:\n " + value.replace("\n", "\n ")
#    + "\n" (so every continuation line starts with one space).
#  * A file-reference value is written "Key: base64", then for every chunk "\n " + base64(chunk),
#    then "\n".  Chunk 1 is the gzip header 1f 8b 08 08 00000000 02 ff "Key\0" (FNAME = key,
#    MTIME 0, XFL 2, OS 255); then one chunk per non-empty output of
#    zlib.compressobj(6, DEFLATED, -MAX_WBITS, DEF_MEM_LEVEL, 0).compress() on each 1 MiB
#    (CHUNK_SIZE = 1048576) block read; the last chunk is flush() + crc32 LE + size LE (the gzip
#    trailer).  Together the decoded chunks are one valid gzip member.
# Key values follow data/apport and apport/report.py add_proc_info(): ProcCmdline is argv
# joined by spaces with "\" and " " inside an argument backslash-escaped; /proc texts are
# stripped of the trailing newline; ProcEnviron keeps only a few safe variables.  apport writes
# the report mode 0640.
# --------------------------------------------------------------------------------------------
GZIP_HEADER_START = b"\037\213\010"
APPORT_CHUNK_SIZE = 1048576


def apport_binary_chunks(key, path):
    yield GZIP_HEADER_START + b"\010\000\000\000\000\002\377" + key.encode() + b"\000"
    crc = zlib.crc32(b"")
    bc = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS, zlib.DEF_MEM_LEVEL, 0)
    size = 0
    with open(path, "rb") as f:
        while True:
            block = f.read(APPORT_CHUNK_SIZE)
            size += len(block)
            crc = zlib.crc32(block, crc)
            if not block:
                break
            outblock = bc.compress(block)
            if outblock:
                yield outblock
    yield bc.flush() + struct.pack("<L", crc & 0xFFFFFFFF) + struct.pack("<L", size & 0xFFFFFFFF)


def apport_cmdline(argv):
    return " ".join(x.replace("\\", "\\\\").replace(" ", "\\ ") for x in argv)


def build_apport(a):
    argv = argv_of(a.cmdline)
    if not os.path.isfile(a.core):
        raise Fail(f"--core {a.core}: no such file")
    exe = a.exe
    comm = comm_of(exe)
    maps = (
        f"555555554000-555555555000 r--p 00000000 fe:01 1311 {exe}\n"
        f"555555555000-555555556000 r-xp 00001000 fe:01 1311 {exe}\n"
        f"555555556000-555555557000 r--p 00002000 fe:01 1311 {exe}\n"
        "7ffff7dd3000-7ffff7df9000 r--p 00000000 fe:01 2099 /usr/lib/x86_64-linux-gnu/libc.so.6\n"
        "7ffff7df9000-7ffff7f4e000 r-xp 00026000 fe:01 2099 /usr/lib/x86_64-linux-gnu/libc.so.6\n"
        "7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]"
    )
    sig = a.signal
    data = {
        "ProblemType": "Crash",
        "Architecture": "amd64",
        "Date": a.date,
        "DistroRelease": "Ubuntu 24.04",
        "ExecutablePath": exe,
        "Package": a.package,
        "ProcCmdline": apport_cmdline(argv),
        "ProcCwd": a.cwd,
        "ProcEnviron": "LANG=C.UTF-8\nPATH=(custom, no user)\nSHELL=/bin/bash\nTERM=xterm",
        "ProcMaps": maps,
        "ProcStatus": proc_status_text(comm, a.pid, a.uid, state="S (sleeping)").rstrip("\n"),
        "Signal": str(sig),
        "SignalName": SIGNAMES.get(sig, f"SIG{sig}"),
        "Uname": "Linux 6.1.0-test x86_64",
        "UserGroups": "N/A",
    }
    keys = sorted(data)
    keys.remove("ProblemType")
    keys.insert(0, "ProblemType")
    out = bytearray()
    for k in keys:
        v = data[k].encode("UTF-8", "surrogateescape")  # hostile bytes kept as given
        out += k.encode("ASCII")
        if b"\n" in v:
            out += b":\n " + v.replace(b"\n", b"\n ")
        else:
            out += b": " + v
        out += b"\n"
    out += b"CoreDump: base64"
    for chunk in apport_binary_chunks("CoreDump", a.core):
        out += b"\n " + base64.b64encode(chunk)
    out += b"\n"
    write_atomic(a.out, bytes(out), 0o640)


# --------------------------------------------------------------------------------------------
# ABRT problem directory.
# Follows abrt/abrt src/plugins/abrt-dump-journal-core.c (save_systemd_coredump_in_dump_directory:
# abrt_version, type "CCpp", analyzer "abrt-journal-core", reason "%s killed by SIG%s"; the
# journal fields COREDUMP_EXE/CMDLINE/PID... become executable/cmdline/pid) and libreport
# src/lib/dump_dir.c (create_dump_dir_ext names the dir "%s-%s.%ld-%lu", i.e.
# ccpp-YYYY-MM-DD-HH:MM:SS.usec-PID; dd_create_basic_files writes time, last_occurrence, uid,
# kernel, architecture, hostname, os_release; dd_save_text writes strlen(data) bytes, so no
# trailing newline).  count, component and package are added later by abrtd and
# abrt-action-save-package-data.
# NOTE: current abrt-dump-journal-core runs dd_copy_file_unpack() on systemd's .zst/.xz/.lz4
# core, so a real ABRT dir holds an *uncompressed* "coredump"; "coredump.zst" (the default here,
# as the brief asked) is what a dir looks like when the compressed core is copied as is.
# --------------------------------------------------------------------------------------------
def build_abrt(a):
    argv = argv_of(a.cmdline)
    if not os.path.isfile(a.core):
        raise Fail(f"--core {a.core}: no such file")
    if os.path.exists(a.dir):
        raise Fail(f"{a.dir} already exists")
    if a.compress == "zstd" and not shutil.which("zstd"):
        raise Fail("zstd not found (install the zstd package or use --compress none)")
    parent = os.path.dirname(os.path.abspath(a.dir))
    tmp = tempfile.mkdtemp(prefix=".mkkinds.", dir=parent)
    try:
        items = {
            "abrt_version": a.abrt_version,
            "type": "CCpp",
            "analyzer": a.analyzer,
            "reason": a.reason,
            "executable": a.exe,
            "cmdline": " ".join(argv),
            "pid": str(a.pid),
            "uid": str(a.uid),
            "time": str(a.time),
            "last_occurrence": str(a.time),
            "count": str(a.count),
            "hostname": a.hostname,
            "kernel": a.kernel,
            "architecture": "x86_64",
            "os_release": a.os_release,
            "component": a.component,
            "package": a.package,
        }
        for name, value in items.items():
            with open(os.path.join(tmp, name), "w", encoding="utf-8") as f:
                f.write(value)
            os.chmod(os.path.join(tmp, name), 0o640)
        if a.compress == "zstd":
            dst = os.path.join(tmp, "coredump.zst")
            r = subprocess.run(["zstd", "-q", "-c", a.core], stdout=open(dst, "wb"),
                               stderr=subprocess.PIPE)
            if r.returncode != 0:
                raise Fail("zstd failed: " + r.stderr.decode(errors="replace").strip())
        else:
            dst = os.path.join(tmp, "coredump")
            shutil.copyfile(a.core, dst)
        os.chmod(dst, 0o640)
        os.chmod(tmp, 0o750)
        os.rename(tmp, a.dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


# --------------------------------------------------------------------------------------------
# kdump ELF vmcore, as /proc/vmcore presents it in the capture kernel.
# Follows torvalds/linux fs/proc/vmcore.c (merge_note_headers_elf64: all PT_NOTEs merged into one,
# p_memsz = p_filesz = note bytes; since 3.12 the notes area and PT_LOAD data are page aligned
# for mmap), kernel/crash_core.c / kernel/vmcore_info.c (VMCOREINFO note: name "VMCOREINFO",
# type 0, text of "KEY=value\n" lines from crash_save_vmcoreinfo_init() and
# arch_crash_save_vmcoreinfo(), "CRASHTIME=%lld\n" appended by crash_save_vmcoreinfo()),
# kernel/kexec_core.c crash_save_cpu() (one "CORE"/NT_PRSTATUS note per CPU, only pr_pid and
# pr_reg filled) and include/uapi/linux/elfcore.h (x86-64 struct elf_prstatus: 336 bytes, pr_pid
# at offset 32).  PT_LOAD p_paddr/p_vaddr as kexec-tools writes them for RAM (direct map).
# --------------------------------------------------------------------------------------------
def elf_note(name, ntype, desc):
    n = name.encode() + b"\0"
    pad = lambda b: b + bytes(-len(b) % 4)
    return struct.pack("<III", len(n), len(desc), ntype) + pad(n) + pad(desc)


def build_vmcoreinfo(a):
    rel = a.release
    info = (
        f"OSRELEASE={rel}\n"
        "BUILD-ID=3c1f0e3f5d8a2b7e9c4d6a1b0f2e8d7c6b5a4938\n"
        "PAGESIZE=4096\n"
        "SYMBOL(init_uts_ns)=ffffffff82a1a3e0\n"
        "OFFSET(uts_namespace.name)=0\n"
        "SYMBOL(node_online_map)=ffffffff82b3c4a8\n"
        "SYMBOL(swapper_pg_dir)=ffffffff82a0c000\n"
        "SYMBOL(_stext)=ffffffff81000000\n"
        "SYMBOL(vmap_area_list)=ffffffff82b1e6d0\n"
        "SYMBOL(mem_map)=0\n"
        "SYMBOL(mem_section)=ffff88803ffd3000\n"
        "LENGTH(mem_section)=2048\n"
        "SIZE(mem_section)=16\n"
        "OFFSET(mem_section.section_mem_map)=0\n"
        "NUMBER(SECTION_SIZE_BITS)=27\n"
        "NUMBER(MAX_PHYSMEM_BITS)=46\n"
        "SIZE(page)=64\n"
        "SIZE(pglist_data)=174336\n"
        "SIZE(zone)=1664\n"
        "SIZE(free_area)=104\n"
        "SIZE(list_head)=16\n"
        "SIZE(nodemask_t)=128\n"
        "OFFSET(page.flags)=0\n"
        "OFFSET(page._refcount)=52\n"
        "OFFSET(page.mapping)=24\n"
        "OFFSET(page.lru)=8\n"
        "OFFSET(page._mapcount)=48\n"
        "OFFSET(page.private)=40\n"
        "OFFSET(page.compound_dtor)=16\n"
        "OFFSET(page.compound_order)=17\n"
        "OFFSET(page.compound_head)=8\n"
        "OFFSET(pglist_data.node_zones)=0\n"
        "OFFSET(pglist_data.nr_zones)=174080\n"
        "OFFSET(pglist_data.node_start_pfn)=174088\n"
        "OFFSET(pglist_data.node_spanned_pages)=174104\n"
        "OFFSET(pglist_data.node_id)=174112\n"
        "OFFSET(zone.free_area)=192\n"
        "OFFSET(zone.vm_stat)=1472\n"
        "OFFSET(zone.spanned_pages)=112\n"
        "OFFSET(free_area.free_list)=0\n"
        "OFFSET(list_head.next)=0\n"
        "OFFSET(list_head.prev)=8\n"
        "OFFSET(vmap_area.va_start)=0\n"
        "OFFSET(vmap_area.list)=40\n"
        "LENGTH(zone.free_area)=11\n"
        "SYMBOL(prb)=ffffffff8289e4d8\n"
        "SYMBOL(printk_rb_static)=ffffffff8289e500\n"
        "SYMBOL(clear_seq)=ffffffff83a6d5c0\n"
        "LENGTH(free_area.free_list)=5\n"
        "NUMBER(NR_FREE_PAGES)=0\n"
        "NUMBER(PG_lru)=4\n"
        "NUMBER(PG_private)=13\n"
        "NUMBER(PG_swapcache)=10\n"
        "NUMBER(PG_swapbacked)=19\n"
        "NUMBER(PG_slab)=9\n"
        "NUMBER(PG_head_mask)=65536\n"
        "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129\n"
        "NUMBER(HUGETLB_PAGE_DTOR)=2\n"
        "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-257\n"
        "NUMBER(phys_base)=0\n"
        "SYMBOL(init_top_pgt)=ffffffff82a0c000\n"
        "NUMBER(pgtable_l5_enabled)=0\n"
        "NUMBER(KERNEL_IMAGE_SIZE)=1073741824\n"
        "KERNELOFFSET=0\n"
        f"CRASHTIME={a.crashtime}\n"
    ).encode()

    prstatus = bytearray(336)
    struct.pack_into("<i", prstatus, 32, a.pid)  # pr_pid
    notes = elf_note("CORE", 1, bytes(prstatus)) + elf_note("VMCOREINFO", 0, info)

    page = 4096
    phnum = 2
    note_off = 64 + 56 * phnum
    load_off = (note_off + len(notes) + page - 1) // page * page
    load_size = 64 * 1024
    paddr = 0x100000
    vaddr = 0xFFFF888000000000 + paddr

    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)  # ELFCLASS64, LSB, EV_CURRENT, SYSV
    ehdr = ident + struct.pack("<HHIQQQIHHHHHH", 4, 62, 1, 0, 64, 0, 0, 64, 56, phnum, 0, 0, 0)
    ph_note = struct.pack("<IIQQQQQQ", 4, 0, note_off, 0, 0, len(notes), len(notes), 0)
    ph_load = struct.pack("<IIQQQQQQ", 1, 7, load_off, vaddr, paddr, load_size, load_size, 0)
    out = bytearray(ehdr + ph_note + ph_load + notes)
    out += bytes(load_off - len(out))
    out += bytes(load_size)
    write_atomic(a.out, bytes(out), 0o600)


# --------------------------------------------------------------------------------------------
# makedumpfile flattened format.
# Follows makedumpfile makedumpfile.h (MAKEDUMPFILE_SIGNATURE "makedumpfile", SIG_LEN_MDF 16,
# TYPE_FLAT_HEADER 1, VERSION_FLAT_HEADER 1, MAX_SIZE_MDF_HEADER 4096, END_FLAG_FLAT_HEADER -1,
# struct makedumpfile_header {char signature[16]; int64_t type; int64_t version;} and
# struct makedumpfile_data_header {int64_t offset; int64_t buf_size;}) and makedumpfile.c
# write_start_flat_header()/write_buffer()/write_end_flat_header(): all int64 fields big endian
# (TO_BE64), header zero-padded to 4096 bytes, every write becomes a data header + the bytes,
# and the stream ends with offset = buf_size = -1.  QEMU's dump.c writes the same (qemu 7.2
# always writes kdump formats flattened).  Blocks here are the input's block_size (from
# disk_dump_header at offset 428) long, the first at offset 0, so "KDUMP   " is at 0x1010.
# --------------------------------------------------------------------------------------------
# HotSpot's fatal error log, as openjdk src/hotspot/share/utilities/vmError.cpp prints it
# (VMError::report: the "#  SIGNAME (0xN) at pc=..., pid=..., tid=..." error line, the JRE
# and "Java VM: ... (..., PLATFORM)" lines, the summary's Host line) and os::print_siginfo
# (posix: "siginfo: si_signo: N (NAME), si_code: N (NAME), si_addr: 0x..."), with another
# OS's own signal numbers: the case of a log copied from a Mac (bsd-amd64, SIGBUS is 10).
def build_hserr(a):
    addr = int(a.addr, 16)
    head = (
        "#\n# A fatal error has been detected by the Java Runtime Environment:\n#\n"
        f"#  {a.signal} (0x{a.number:x}) at pc=0x{a.pc:016x}, pid={a.pid}, tid={a.tid}\n#\n"
        "# JRE version: OpenJDK Runtime Environment (17.0.2+8) (build 17.0.2+8-86)\n"
        "# Java VM: OpenJDK 64-Bit Server VM (17.0.2+8-86, mixed mode, sharing, tiered, "
        f"compressed oops, compressed class ptrs, g1 gc, {a.platform})\n"
        "# Problematic frame:\n# V  [libjvm.dylib+0x5a3f2c]  Unsafe_GetInt+0x5c\n#\n"
        "# No core dump will be written. Core dumps have been disabled.\n#\n\n"
        "---------------  S U M M A R Y ------------\n\n"
        "Command Line: -Xmx32m Crash first second\n\n"
        f"Host: {a.host}\n"
        "Time: Tue Nov 24 07:11:49 2026 UTC elapsed time: 0.025013 seconds (0d 0h 0m 0s)\n\n"
        "---------------  T H R E A D  ---------------\n\n"
        f"siginfo: si_signo: {a.number} ({a.signal}), si_code: {a.code} ({a.code_name}), "
        f"si_addr: 0x{addr:016x}\n"
    )
    with open(a.out, "w") as f:
        f.write(head)


def build_kdump_flat(a):
    with open(a.inp, "rb") as f:
        data = f.read()
    if not data.startswith(b"KDUMP   "):
        raise Fail(f"{a.inp} does not start with 'KDUMP   '")
    bs = struct.unpack_from("<i", data, 428)[0] if len(data) >= 432 else 0
    if bs <= 0 or bs & (bs - 1) or bs > 1 << 20:
        bs = 4096
    hdr = b"makedumpfile".ljust(16, b"\0") + struct.pack(">qq", 1, 1)
    out = bytearray(hdr.ljust(4096, b"\0"))
    for off in range(0, len(data), bs):
        chunk = data[off:off + bs]
        out += struct.pack(">qq", off, len(chunk)) + chunk
    out += struct.pack(">qq", -1, -1)
    write_atomic(a.out, bytes(out), 0o600)


def main():
    p = argparse.ArgumentParser(prog="mkkinds.py", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)

    s = sub.add_parser("minidump")
    s.add_argument("out")
    s.add_argument("--pid", type=int, required=True)
    s.add_argument("--uid", type=int, default=1000)
    s.add_argument("--comm", required=True)
    s.add_argument("--signal", type=lambda v: int(v, 0), required=True,
                   help="the exception code: a signal, or 0xffffffff for a dump requested")
    s.add_argument("--code", type=int, required=True)
    s.add_argument("--addr", required=True)
    s.add_argument("--cmdline", required=True)
    s.add_argument("--time", type=int, required=True)
    s.set_defaults(fn=build_minidump)

    s = sub.add_parser("hserr")
    s.add_argument("out")
    s.add_argument("--platform", required=True, help="the Java VM line's: linux-amd64, bsd-amd64")
    s.add_argument("--host", required=True)
    s.add_argument("--signal", required=True)
    s.add_argument("--number", type=int, required=True)
    s.add_argument("--code", type=int, required=True)
    s.add_argument("--code-name", required=True)
    s.add_argument("--addr", required=True)
    s.add_argument("--pc", type=lambda v: int(v, 0), default=0x10c7d4b4c)
    s.add_argument("--pid", type=int, required=True)
    s.add_argument("--tid", type=int, required=True)
    s.set_defaults(fn=build_hserr)

    s = sub.add_parser("apport")
    s.add_argument("out")
    s.add_argument("--core", required=True)
    s.add_argument("--exe", required=True)
    s.add_argument("--cmdline", required=True)
    s.add_argument("--pid", type=int, required=True)
    s.add_argument("--uid", type=int, required=True)
    s.add_argument("--signal", type=int, required=True)
    s.add_argument("--date", required=True)
    s.add_argument("--package", default="coredu-crashers 1.0-1")
    s.add_argument("--cwd", default="/tmp")
    s.set_defaults(fn=build_apport)

    s = sub.add_parser("abrt")
    s.add_argument("dir")
    s.add_argument("--core", required=True)
    s.add_argument("--exe", required=True)
    s.add_argument("--cmdline", required=True)
    s.add_argument("--pid", type=int, required=True)
    s.add_argument("--uid", type=int, required=True)
    s.add_argument("--time", type=int, required=True)
    s.add_argument("--count", type=int, required=True)
    s.add_argument("--reason", required=True)
    s.add_argument("--compress", choices=["zstd", "none"], default="zstd")
    s.add_argument("--analyzer", default="abrt-journal-core")
    s.add_argument("--abrt-version", default="2.17.6")
    s.add_argument("--hostname", default="testhost")
    s.add_argument("--kernel", default="6.1.0-test")
    s.add_argument("--os-release", default="Fedora release 40 (Forty)")
    s.add_argument("--component", default="coredu-crashers")
    s.add_argument("--package", default="coredu-crashers-1.0-1.fc40")
    s.set_defaults(fn=build_abrt)

    s = sub.add_parser("vmcoreinfo")
    s.add_argument("out")
    s.add_argument("--release", required=True)
    s.add_argument("--crashtime", type=int, required=True)
    s.add_argument("--pid", type=int, default=1)
    s.set_defaults(fn=build_vmcoreinfo)

    s = sub.add_parser("kdump-flat")
    s.add_argument("inp", metavar="IN")
    s.add_argument("out", metavar="OUT")
    s.set_defaults(fn=build_kdump_flat)

    a = p.parse_args()
    try:
        a.fn(a)
    except Fail as e:
        print(f"mkkinds.py {a.cmd}: {e}", file=sys.stderr)
        sys.exit(2)
    except OSError as e:
        print(f"mkkinds.py {a.cmd}: {e}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
