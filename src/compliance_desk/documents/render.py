"""Letters from data: check, lay out, sign, draw.  Data in, PDF bytes out (no Qt, no database).

    render([LetterRequest("penalty_decision", data)], private_key=key)  -> PDF bytes

A draft carries the 草稿 watermark and no number or QR code.  An issued letter needs its number
(assigned at approval) and a private key: its QR code and verification code are signed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from compliance_desk.documents import gbt9704, legal_values, signing
from compliance_desk.documents.fields import LetterDataError
from compliance_desk.documents.kinds import build_letter, check_data, kind, legal_context_for
from compliance_desk.domain.errors import DomainError


@dataclass(frozen=True)
class LetterRequest:
    kind: str
    data: Mapping[str, Any]
    template: str | None = None  # None: the bundled default template
    template_version: int = 0
    draft: bool = False
    # An issued letter reprinted: the QR text given at issue (carried unchanged, after checking
    # that the data still hashes to what was signed) and the legal values it printed then.
    signed: str | None = None
    legal_context: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Prepared:
    request: LetterRequest
    data: dict[str, Any]  # cleaned
    letter: gbt9704.Letter
    reference: signing.Reference | None
    qr_text: str | None
    legal_context: dict[str, Any]


def prepare(
    request: LetterRequest,
    private_key: bytes | None = None,
    legal: legal_values.LegalValues | None = None,
) -> Prepared:
    k = kind(request.kind)
    legal = legal or legal_values.load()
    reprint = request.signed is not None
    data = check_data(k, request.data, legal, rules=not reprint)
    template = request.template if request.template is not None else k.default_template()
    number = data.get("number") or data.get("appeal_number")
    frozen = dict(request.legal_context or legal_context_for(k, data, legal))
    digest = signing.content_hash(k.code, data, request.template_version, frozen)
    qr_text = reference = None
    if request.signed is not None:
        reference = signing.parse(request.signed)
        if digest != reference.content_hash or reference.number != number:
            raise DomainError(
                f"存档文书 {number} 的内容与签发时的签名不符，已停止打印：请核查数据是否被改动",
                f"letter {number}: stored data does not match its signature",
            )
        qr_text = request.signed
    elif not request.draft and number:
        if private_key is None:
            raise LetterDataError(["正式文书需要本机的签名密钥才能生成核验二维码"])
        qr_text = signing.sign(private_key, number, data["party"]["uscc"], data["date"], digest)
        reference = signing.parse(qr_text)
    letter = build_letter(
        k,
        data,
        template,
        template_version=request.template_version,
        draft=request.draft,
        qr=qr_text,
        verify_code=reference.short_code if reference else "",
        legal_context=frozen,
    )
    return Prepared(request, data, letter, reference, qr_text, frozen)


def render(
    requests: Sequence[LetterRequest],
    private_key: bytes | None = None,
    fonts: Mapping[str, str] | None = None,
    *,
    duplex: bool = False,
    legal: legal_values.LegalValues | None = None,
) -> bytes:
    """One PDF with every letter in order; nothing is drawn unless all of them are valid."""
    prepared = [prepare(r, private_key, legal) for r in requests]
    return render_prepared(prepared, fonts, duplex=duplex)


def render_prepared(
    prepared: Sequence[Prepared],
    fonts: Mapping[str, str] | None = None,
    *,
    duplex: bool = False,
    drawn: Callable[[int], None] | None = None,
) -> bytes:
    """One PDF of the prepared letters (a bundle, or a batch of bundles: each font embedded
    once for all of them); ``drawn(i)`` after letter ``i`` (see gbt9704.render)."""
    letters = [p.letter for p in prepared]
    author = prepared[0].data["authority"] if prepared else ""
    return gbt9704.render(letters, fonts, author=author, duplex=duplex, drawn=drawn)
