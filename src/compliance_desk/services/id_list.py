"""An ordered list of 100,000 ids that costs what the database returned, not 100,000 UUIDs.

Parsing a UUID in Python costs about a microsecond and 100 bytes; the register's table
holds every id of the current filter, so the ids stay as the driver returned them (hex
strings on SQLite) and become UUIDs only when a row is looked at.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from typing import overload


def _as_uuid(raw: object) -> uuid.UUID:
    return raw if isinstance(raw, uuid.UUID) else uuid.UUID(hex=str(raw))


class IdList(Sequence[uuid.UUID]):
    __slots__ = ("_raw", "_text")

    def __init__(self, raw: Sequence[object]) -> None:
        self._raw = raw
        self._text = bool(raw) and isinstance(raw[0], str)

    def __len__(self) -> int:
        return len(self._raw)

    @overload
    def __getitem__(self, index: int) -> uuid.UUID: ...

    @overload
    def __getitem__(self, index: slice) -> list[uuid.UUID]: ...

    def __getitem__(self, index: int | slice) -> uuid.UUID | list[uuid.UUID]:
        if isinstance(index, slice):
            return [_as_uuid(r) for r in self._raw[index]]
        return _as_uuid(self._raw[index])

    def __iter__(self) -> Iterator[uuid.UUID]:
        return (_as_uuid(r) for r in self._raw)

    def index(self, value: object, start: int = 0, stop: int | None = None) -> int:
        if not isinstance(value, uuid.UUID):
            raise ValueError(value)
        key: object = value.hex if self._text else value
        return list.index(self._raw, key, start, len(self._raw) if stop is None else stop)  # type: ignore[arg-type]

    def __contains__(self, value: object) -> bool:
        try:
            self.index(value)
        except ValueError:
            return False
        return True

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]
