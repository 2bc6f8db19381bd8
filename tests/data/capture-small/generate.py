#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write tests/data/capture-small: a 512 MiB capture with every feature of
a real one that the import rules read, small enough to build in a unit test.

    python3 tests/data/capture-small/generate.py tests/data/twin/quiet

The layout is this VM's, shrunk: ZONE_DMA from PFN 1 with the BIOS hole
0x9f-0xff, DMA32 whose second 128 MiB section is a PCI hole, Normal of two
sections of which only the first is initialised (deferred_init=lazy), and
empty Movable and Device zones.  zoneinfo, buddyinfo and pagetypeinfo say
what the kpageflags content implies; zram holds 4 pages fewer than the
pages that look zsmalloc.  The text files take their shape (and the
counters nobody reads) from a real capture, the first argument.

The trace is a made-up compact_memory of the three zones, enough for
`pagemig twin` to compare against; its figures are not the machine's.
"""
import os
import re
import struct
import subprocess
import sys

PFNS = 0x20000
SECTION = 0x8000
BLOCK = 512

B = {n: 1 << b for n, b in dict(
    LOCKED=0, REFERENCED=2, UPTODATE=3, DIRTY=4, LRU=5, ACTIVE=6, SLAB=7,
    BUDDY=10, MMAP=11, ANON=12, SWAPBACKED=14, HEAD=15, TAIL=16, THP=22,
    PGTABLE=26, RESERVED=32, PRIVATE=35).items()}
ANON = B['ANON'] | B['LRU'] | B['MMAP'] | B['UPTODATE'] | B['SWAPBACKED']
FILE = B['LRU'] | B['UPTODATE'] | B['REFERENCED']

flags = [0] * PFNS
counts = [0] * PFNS


def put(start, end, word, count=0):
    for pfn in range(start, end):
        flags[pfn] = word
        counts[pfn] = count


def free(start, end):
    put(start, end, B['BUDDY'])


def thp(start):
    flags[start] = ANON | B['HEAD'] | B['THP']
    counts[start] = 1
    for pfn in range(start + 1, start + BLOCK):
        flags[pfn] = ANON | B['TAIL'] | B['THP']
        counts[pfn] = 1


# DMA: PFN 0 and the BIOS area reserved, then free blocks of order 8-10.
put(0, 0x100, B['RESERVED'])
free(0x100, 0x1000)
# DMA32: the kernel image, a block of slab, then half anon, half free.
put(0x1000, 0x1400, B['RESERVED'])
put(0x1400, 0x1600, B['SLAB'])
for b in range(0x1600, 0x8000, BLOCK):
    put(b, b + 256, ANON, 1)
    free(b + 256, b + BLOCK)
# 0x8000-0xffff: the PCI hole; kpageflags reads 0 there.
# Normal, initialised part: kernel pages, slab, THPs, file, zsmalloc look.
put(0x10000, 0x10600, 0)                   # 3 blocks of kernel pages
for b in (0x10600, 0x10800):               # a shrunk slab cache
    put(b, b + 16, B['SLAB'])
    free(b + 16, b + BLOCK)
for b in range(0x10a00, 0x11000, BLOCK):   # fuller slab blocks
    put(b, b + 64, B['SLAB'])
    free(b + 64, b + BLOCK)
for b in range(0x11000, 0x14000, BLOCK):   # THPs and free 2 MiB blocks
    if (b // BLOCK) % 2:
        free(b, b + BLOCK)
    else:
        thp(b)
for pfn in range(0x14000, 0x16000):        # file pages with holes between
    if pfn % 2:
        free(pfn, pfn + 1)
    else:
        put(pfn, pfn + 1, FILE, 1 if pfn % 8 == 0 else 0)
put(0x16000, 0x1612c, B['UPTODATE'] | B['PRIVATE'])   # 300 zsmalloc-looking
free(0x1612c, 0x17000)
for pfn in range(0x17000, 0x17e00):        # scattered anon pages
    if pfn % 4 == 0:
        put(pfn, pfn + 1, ANON, 1)
    else:
        free(pfn, pfn + 1)
put(0x17e00, 0x17e40, B['PGTABLE'])        # the processes' page tables
free(0x17e40, 0x18000)
# 0x18000-0x1ffff: Normal's second section, never initialised: all 0.

ZONES = [  # name, start, spanned, present, managed, min, low, high, promo
    ('DMA', 1, 0xfff, 3998, 3840, 33, 41, 49, 57),
    ('DMA32', 0x1000, 0xf000, 0x7000, 0x7000 - 0x400, 60, 75, 90, 105),
    ('Normal', 0x10000, 0x10000, 0x10000, 0x8000, 70, 87, 104, 121),
    ('Movable', 0, 0, 0, 0, 32, 32, 32, 32),
    ('Device', 0, 0, 0, 0, 0, 0, 0, 0),
]
PROTECTION = {'DMA': (0, 100, 200, 200, 200), 'DMA32': (0, 0, 128, 128, 128)}
PCP = {'DMA': (0, 1), 'DMA32': (186, 31), 'Normal': (220, 31)}
# pagetypeinfo's "Number of blocks type": Unmovable, Movable, Reclaimable.
BLOCKS = {'DMA': (1, 7, 0), 'DMA32': (3, 53, 0), 'Normal': (4, 58, 2)}
# The blocks of each type, as the import rules choose them (for the free
# counts per type that pagetypeinfo also prints).
TYPES = {0x0: 0, 0x1000: 0, 0x1200: 0, 0x1400: 0, 0x10000: 0, 0x10200: 0,
         0x10400: 0, 0x17e00: 0, 0x10600: 2, 0x10800: 2}


def zone_of(pfn):
    for z in ZONES:
        if z[2] and z[1] <= pfn < z[1] + z[2]:
            return z[0]
    return None


def free_blocks():
    """The buddy allocator's blocks: each free run split into aligned ones."""
    out = []
    pfn = 0
    while pfn < PFNS:
        if not flags[pfn] & B['BUDDY']:
            pfn += 1
            continue
        end = pfn
        while end < PFNS and flags[end] & B['BUDDY']:
            end += 1
        while pfn < end:
            order = 10
            while order and (pfn % (1 << order) or pfn + (1 << order) > end):
                order -= 1
            out.append((pfn, order))
            pfn += 1 << order
    return out


def buddyinfo(blocks):
    rows = {}
    for pfn, order in blocks:
        rows.setdefault(zone_of(pfn), [0] * 11)[order] += 1
    return rows


def write(dirname, name, data):
    mode = 'wb' if isinstance(data, bytes) else 'w'
    with open(os.path.join(dirname, name), mode) as f:
        f.write(data)


def zstd(dirname, name, data):
    path = os.path.join(dirname, name)
    subprocess.run(['zstd', '-19', '-q', '-f', '-o', path], input=data,
                   check=True)


def zoneinfo(real, rows):
    """The real file's shape, this machine's figures."""
    sections = re.split(r'(?m)^(?=Node 0, zone)', real)
    out = []
    for sec in sections:
        m = re.match(r'Node 0, zone\s+(\S+)', sec)
        if not m:
            out.append(sec)
            continue
        name = m.group(1)
        z = next(z for z in ZONES if z[0] == name)
        free_pages = sum(n << o for o, n in enumerate(rows.get(name, [])))
        for key, val in (('pages free', free_pages), ('min', z[5]),
                         ('low', z[6]), ('high', z[7]), ('promo', z[8]),
                         ('spanned', z[2]), ('present', z[3]),
                         ('managed', z[4])):
            sec = re.sub(r'(?m)^(\s+%s\s+)\d+' % key,
                         lambda mm, v=val: mm.group(1) + str(v), sec, count=1)
        prot = PROTECTION.get(name, (0, 0, 0, 0, 0))
        sec = re.sub(r'protection: \([^)]*\)',
                     'protection: (%s)' % ', '.join(map(str, prot)), sec)
        if name in PCP:
            high, batch = PCP[name]
            sec = re.sub(r'(?m)^(\s+count:\s+)\d+', r'\g<1>0', sec)
            sec = re.sub(r'(?m)^(\s+high:\s+)\d+', r'\g<1>%d' % high, sec)
            sec = re.sub(r'(?m)^(\s+batch:\s+)\d+', r'\g<1>%d' % batch, sec)
            sec = re.sub(r'(?m)^(\s+start_pfn:\s+)\d+', r'\g<1>%d' % z[1], sec)
        out.append(sec)
    return ''.join(out)


def pagetypeinfo(blocks):
    names = ['Unmovable', 'Movable', 'Reclaimable', 'HighAtomic', 'Isolate']
    per = {}
    for pfn, order in blocks:
        mt = TYPES.get(pfn & ~(BLOCK - 1), 1)
        per.setdefault((zone_of(pfn), mt), [0] * 11)[order] += 1
    s = 'Page block order: 9\nPages per block:  512\n\n'
    s += 'Free pages count per migrate type at order       0      1      2      3      4      5      6      7      8      9     10 \n'
    for z in ZONES[:3]:
        for mt, n in enumerate(names):
            row = per.get((z[0], mt), [0] * 11)
            s += 'Node    0, zone %8s, type %12s ' % (z[0], n)
            s += ''.join('%6d ' % v for v in row) + '\n'
    s += '\nNumber of blocks type     Unmovable      Movable  Reclaimable   HighAtomic      Isolate \n'
    for z in ZONES[:3]:
        u, m, r = BLOCKS[z[0]]
        s += 'Node 0, zone %8s %12d %12d %12d %12d %12d \n' % (z[0], u, m, r, 0, 0)
    return s


def buddyinfo_text(rows):
    return ''.join('Node 0, zone %8s %s\n' % (z[0], ''.join(
        '%6d ' % v for v in rows.get(z[0], [0] * 11))) for z in ZONES[:3])


TRACE_HEAD = '''# tracer: nop
#
# entries-in-buffer/entries-written: 16/16   #P:2
#
#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION
#              | |         |   |||||     |         |
'''


def trace():
    ev = []
    t = [10.000100]

    def line(text):
        ev.append('         pagemig-4242    [000] .....  %11.6f: %s\n' % (t[0], text))
        t[0] += 0.000013

    for start, end, mig, fre, status, migrated in (
            (0x1, 0x1000, 0xe00, 0xe00, 'complete', 0),
            (0x1000, 0x10000, 0xfe00, 0xfe00, 'complete', 0),
            (0x10000, 0x18000, 0x14400, 0x14200, 'complete', 96)):
        line('mm_compaction_begin: zone_start=%#x migrate_pfn=%#x free_pfn=%#x zone_end=%#x, mode=sync'
             % (start, start, (end - 1) & ~(BLOCK - 1), end))
        if migrated:
            line('mm_compaction_isolate_migratepages: range=(0x10000 ~ 0x10200) nr_scanned=512 nr_taken=0')
            line('mm_compaction_isolate_migratepages: range=(0x17000 ~ 0x17200) nr_scanned=512 nr_taken=32')
            line('mm_compaction_isolate_freepages: range=(0x17e00 ~ 0x18000) nr_scanned=504 nr_taken=32')
            line('mm_migrate_pages_start: mode=MIGRATE_SYNC reason=compaction')
            line('mm_migrate_pages: nr_succeeded=32 nr_failed=0 nr_thp_succeeded=0 nr_thp_failed=0 nr_thp_split=0 nr_split=0 mode=MIGRATE_SYNC reason=compaction')
            line('mm_compaction_migratepages: nr_migrated=32 nr_failed=0')
            line('mm_migrate_pages_start: mode=MIGRATE_SYNC reason=compaction')
            line('mm_migrate_pages: nr_succeeded=64 nr_failed=0 nr_thp_succeeded=0 nr_thp_failed=0 nr_thp_split=0 nr_split=0 mode=MIGRATE_SYNC reason=compaction')
            line('mm_compaction_migratepages: nr_migrated=64 nr_failed=0')
        line('mm_compaction_end: zone_start=%#x migrate_pfn=%#x free_pfn=%#x zone_end=%#x, mode=sync status=%s'
             % (start, mig, fre, end, status))
    return (TRACE_HEAD + ''.join(ev)).encode()


def main():
    real = sys.argv[1] if len(sys.argv) > 1 else 'tests/data/twin/quiet'
    out = os.path.dirname(os.path.abspath(__file__))
    blocks = free_blocks()
    rows = buddyinfo(blocks)
    zstd(out, 'kpageflags.before.zst', struct.pack('<%dQ' % PFNS, *flags))
    zstd(out, 'kpagecount.before.zst', struct.pack('<%dQ' % PFNS, *counts))
    with open(os.path.join(real, 'zoneinfo.before')) as f:
        zi = zoneinfo(f.read(), rows)
    write(out, 'zoneinfo.before', zi)
    write(out, 'buddyinfo.before', buddyinfo_text(rows))
    write(out, 'pagetypeinfo.before', pagetypeinfo(blocks))
    # After: what the made-up trace did, 96 pages moved down.
    after = {k: list(v) for k, v in rows.items()}
    after['Normal'][9] += 1
    after['Normal'][0] -= 96 - 32
    after['Normal'][1] -= 32 // 2 * 0
    write(out, 'buddyinfo.after', buddyinfo_text(after))
    free_pages = sum(sum(n << o for o, n in enumerate(r)) for r in rows.values())
    for when, mig in (('before', 1000), ('after', 1096)):
        write(out, 'vmstat.' + when,
              'nr_free_pages %d\npgmigrate_success %d\npgmigrate_fail 0\n'
              'compact_migrate_scanned %d\ncompact_free_scanned %d\n'
              'compact_isolated %d\n' % (free_pages, mig, 5000 + mig,
                                         4000 + mig, 2 * mig))
    write(out, 'meminfo.before', 'MemTotal:         %d kB\nMemFree:          %d kB\n'
          % ((3840 + 0x7000 - 0x400 + 0x8000) * 4, free_pages * 4))
    write(out, 'memory_blocks.before',
          '# pagemig capture: memory blocks of /sys/devices/system/memory\n'
          'block_size_bytes 8000000\nauto_online_blocks offline\n'
          '# block phys_index node state valid_zones\n'
          'memory0 00000000 0 online none\n'
          'memory2 00000002 0 online Normal\n'
          'memory3 00000003 0 online Normal\n')
    write(out, 'zram.before', '# pagemig capture: zram devices of /sys/block\n'
          'zram0 disksize 1073741824\n'
          'zram0 mm_stat 2457600 1212416 %d 0 %d 0 0 296 296\n'
          % (296 * 4096, 296 * 4096))
    with open(os.path.join(real, 'sysctl.before')) as f:
        write(out, 'sysctl.before', f.read())
    write(out, 'iomem', '00000000-00000fff : Reserved\n'
          '00001000-0009fbff : System RAM\n'
          '0009fc00-000fffff : Reserved\n'
          '  000f0000-000fffff : System ROM\n'
          '00100000-07ffffff : System RAM\n'
          '  01000000-013fffff : Kernel code\n'
          '08000000-0fffffff : PCI Bus 0000:00\n'
          '10000000-1fffffff : System RAM\n')
    write(out, 'cmdline', 'console=ttyS0 quiet deferred_init=lazy\n')
    write(out, 'uname', 'Linux fixture 6.18.44-fixture #1 SMP PREEMPT_DYNAMIC @0 x86_64\n')
    write(out, 'result', 'compact_memory_seconds 0.001\npgmigrate_success 96\n'
          'pgmigrate_fail 0\ntrace_lost_events 0\n')
    zstd(out, 'trace.zst', trace())


if __name__ == '__main__':
    main()
