"""QR codes for the letters' signed references, encoded fast: one mode, one level, one mask.

The qrcode package takes 5-15 ms per code in pure Python (bit by bit buffers, recursive
polynomial division, a module-by-module placement loop), three codes a bundle.  The codes here
are always the same kind: bytes (the reference is ASCII), error correction M, mask pattern 2.
So what depends on the version only (function patterns, format and version information, the
order of the data modules and the mask over them) is built once per version, from the qrcode
package's own tables and pattern code, and a code is: codewords as one integer, Reed-Solomon by
a table per generator, and one pass over the cached module order.  The result is the same
matrix qrcode makes with ``mask_pattern=2`` for 8-bit data (tests/test_letters_speed.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from operator import itemgetter

from qrcode import base, constants, util
from qrcode.exceptions import DataOverflowError
from qrcode.main import QRCode

LEVEL = constants.ERROR_CORRECT_M
MASK = 2
_BITS = [bytes((b >> k) & 1 for k in range(7, -1, -1)) for b in range(256)]


@dataclass(frozen=True)
class _Layout:
    size: int
    base: bytes  # size * size modules, row by row, 1 = dark; data modules 0
    order: tuple[int, ...]  # the data modules' flat indices, in placement order
    mask: int  # mask pattern 2 over ``order``, one byte (0 or 1) per module, as an integer
    gather: Callable[[bytes], tuple[int, ...]]  # base + placed bits -> the modules in order
    blocks: tuple[tuple[int, int], ...]  # (total, data) codewords per block
    capacity: int  # data bits


@cache
def _layout(version: int) -> _Layout:
    n = version * 4 + 17
    qr = QRCode(version=version, error_correction=LEVEL, border=0, mask_pattern=MASK)
    qr.modules_count = n
    qr.modules = [[None] * n for _ in range(n)]
    qr.setup_position_probe_pattern(0, 0)
    qr.setup_position_probe_pattern(n - 7, 0)
    qr.setup_position_probe_pattern(0, n - 7)
    qr.setup_position_adjust_pattern()
    qr.setup_timing_pattern()
    qr.setup_type_info(False, MASK)
    if version >= 7:
        qr.setup_type_number(False)
    masked = util.mask_func(MASK)
    order: list[int] = []
    mask: list[int] = []
    # The placement walk of QRCode.map_data: two columns at a time from the right, upwards
    # then downwards, skipping the vertical timing pattern.
    row, step = n - 1, -1
    for col in range(n - 1, 0, -2):
        if col <= 6:
            col -= 1
        while True:
            for c in (col, col - 1):
                if qr.modules[row][c] is None:
                    order.append(row * n + c)
                    mask.append(1 if masked(row, c) else 0)
            row += step
            if row < 0 or row >= n:
                row -= step
                step = -step
                break
    base_bytes = bytes(1 if m else 0 for line in qr.modules for m in line)
    blocks = tuple((b.total_count, b.data_count) for b in base.rs_blocks(version, LEVEL))
    # Module p comes from the base, or from the k-th placed bit when it is a data module.
    source = list(range(n * n))
    for k, p in enumerate(order):
        source[p] = n * n + k
    return _Layout(
        n,
        base_bytes,
        tuple(order),
        int.from_bytes(bytes(mask)),
        itemgetter(*source),
        blocks,
        sum(d for _, d in blocks) * 8,
    )


@cache
def _products(ec: int) -> tuple[int, ...]:
    """For each factor 0..255, the generator polynomial's lower coefficients times it, as one
    big-endian integer of ``ec`` bytes (the division below shifts and XORs whole remainders)."""
    gen = [1]
    for i in range(ec):  # the product of (x - a^i)
        nxt = [0] * (len(gen) + 1)
        for j, coef in enumerate(gen):
            nxt[j] ^= coef
            if coef:
                nxt[j + 1] ^= base.gexp(base.glog(coef) + i)
        gen = nxt
    logs = [base.glog(c) for c in gen[1:]]
    table = [0]
    for factor in range(1, 256):
        lf = base.glog(factor)
        table.append(int.from_bytes(bytes(base.gexp(lf + lg) for lg in logs)))
    return tuple(table)


def _ec_bytes(data: bytes, ec: int) -> bytes:
    """The Reed-Solomon remainder of ``data``: polynomial division, one byte per step."""
    table = _products(ec)
    top = 8 * (ec - 1)
    full = (1 << (8 * ec)) - 1
    rem = 0
    for byte in data:
        rem = ((rem << 8) & full) ^ table[byte ^ (rem >> top)]
    return rem.to_bytes(ec, "big")


def _version(length: int) -> int:
    limits = util.BIT_LIMIT_TABLE[LEVEL]
    for version in range(1, 41):
        count_bits = 8 if version < 10 else 16
        if 4 + count_bits + 8 * length <= limits[version]:
            return version
    raise DataOverflowError(f"{length} bytes do not fit in a QR code at level M")


def _codewords(data: bytes, layout: _Layout, version: int) -> list[int]:
    count_bits = 8 if version < 10 else 16
    bits = 4 + count_bits + 8 * len(data)
    value = (((0b0100 << count_bits) | len(data)) << (8 * len(data))) | int.from_bytes(data)
    terminator = min(4, layout.capacity - bits)
    value <<= terminator
    bits += terminator
    pad = -bits % 8
    value <<= pad
    bits += pad
    stream = value.to_bytes(bits // 8, "big") + bytes(
        0xEC if i % 2 == 0 else 0x11 for i in range((layout.capacity - bits) // 8)
    )
    data_blocks: list[bytes] = []
    ec_blocks: list[bytes] = []
    offset = 0
    for total, count in layout.blocks:
        block = stream[offset : offset + count]
        offset += count
        data_blocks.append(block)
        ec_blocks.append(_ec_bytes(block, total - count))
    out: list[int] = []
    for i in range(max(len(b) for b in data_blocks)):
        out += [b[i] for b in data_blocks if i < len(b)]
    for i in range(max(len(e) for e in ec_blocks)):
        out += [e[i] for e in ec_blocks if i < len(e)]
    return out


def encode(data: bytes) -> tuple[int, bytes]:
    """(size, modules): ``size * size`` bytes row by row, 1 for a dark module; no quiet zone."""
    version = _version(len(data))
    layout = _layout(version)
    count = len(layout.order)
    bits = b"".join(_BITS[word] for word in _codewords(data, layout, version))
    bits += bytes(count - len(bits))  # remainder bits
    masked = (int.from_bytes(bits) ^ layout.mask).to_bytes(count)
    return layout.size, bytes(layout.gather(layout.base + masked))
