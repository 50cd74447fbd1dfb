"""What makes bundles fast must not change what is printed: the QR encoder, the font caches."""

from __future__ import annotations

import random

import qrcode
from qrcode import constants, util

from compliance_desk.documents.qrencode import encode


def test_the_fast_qr_encoder_draws_the_same_code_as_the_qrcode_package() -> None:
    rng = random.Random(5)
    versions = set()
    for length in [*range(1, 330, 7), 201, 202, 213, 330]:
        text = bytes(rng.randrange(33, 127) for _ in range(length))
        reference = qrcode.QRCode(
            border=0, error_correction=constants.ERROR_CORRECT_M, mask_pattern=2
        )
        reference.add_data(util.QRData(text, mode=util.MODE_8BIT_BYTE))
        reference.make(fit=True)
        versions.add(reference.version)
        matrix = reference.get_matrix()
        size, modules = encode(text)
        assert size == len(matrix), length
        assert modules == bytes(1 if dark else 0 for row in matrix for dark in row), length
    assert {1, 9, 10, 13} <= versions, versions  # both widths of the length field
