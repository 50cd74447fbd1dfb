"""Reading and writing the spreadsheets themselves: .xlsx (openpyxl) and CSV (UTF-8 or GBK)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from compliance_desk.domain.errors import DomainError

csv.field_size_limit(64 * 1024 * 1024)  # a 10 MB cell is read, then refused by validation


@dataclass(frozen=True)
class SheetRow:
    number: int  # as the user sees it in Excel: 1-based, counting title rows
    cells: list[str]


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_rows(path: Path) -> list[SheetRow]:
    """The rows of the file's first visible sheet."""
    return read_sheets(path)[0][1]


def read_sheets(path: Path) -> list[tuple[str, list[SheetRow]]]:
    """(name, rows) of each visible sheet, in the workbook's order (a CSV file: one, named
    ""); a workbook whose first sheet is its instructions (填表说明) has its list further on."""
    suffix = path.suffix.lower()
    if not path.exists():
        raise DomainError(f"找不到文件：{path}", f"no such file {path}")
    if suffix in {".xlsx", ".xlsm"}:
        return _read_xlsx(path)
    if suffix in {".csv", ".txt"}:
        return [("", _read_csv(path.read_bytes()))]
    raise DomainError(
        f"不支持的文件类型“{suffix}”：请使用 .xlsx 或 .csv（旧版 .xls 请先在 Excel 中另存为 .xlsx）",
        f"unsupported file type {suffix}",
    )


def _read_xlsx(path: Path) -> list[tuple[str, list[SheetRow]]]:
    from openpyxl import load_workbook

    if not zipfile.is_zipfile(path):
        raise DomainError(
            f"“{path.name}”不是有效的 Excel 工作簿（文件可能已损坏，或只是改了扩展名）",
            f"{path} is not an xlsx workbook",
        )
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for broken files
        raise DomainError(  # (openpyxl's own words are English: the log's)
            f"“{path.name}”无法作为 Excel 工作簿打开：文件可能已损坏、被加密，或并非 .xlsx 格式"
            "（旧版 .xls 请先在 Excel 中另存为 .xlsx）",
            f"cannot open {path}: {exc!r}",
        ) from exc
    try:
        sheets = [
            (sheet.title, [
                SheetRow(number, [_cell_text(v) for v in values])
                for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
            ])
            for sheet in workbook.worksheets
            if getattr(sheet, "sheet_state", "visible") == "visible"
        ]  # fmt: skip
    finally:
        workbook.close()
    if not sheets:
        raise DomainError(f"“{path.name}”中没有可见的工作表", f"{path}: no visible sheet")
    return sheets


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK and GB2312)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError(
        "无法识别文件编码：请另存为 UTF-8 或 GBK 编码的 CSV", "csv is neither utf-8 nor gb18030"
    )


def _read_csv(data: bytes) -> list[SheetRow]:
    text = decode(data)
    try:  # the delimiter only: quotes are Excel's " (a sniffed ' took apart cells like '=1+2)
        delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",\t;").delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text), csv.excel, delimiter=delimiter)
    return [SheetRow(n, [_unguarded(c) for c in row]) for n, row in enumerate(reader, start=1)]


# A CSV cell that begins with one of these is a formula to Excel (=HYPERLINK(...) runs on open):
# exported with an apostrophe before it, which Excel shows as text; read back without it.
_FORMULA_START = ("=", "+", "-", "@")


def _guarded(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _unguarded(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(_FORMULA_START) else cell


def write_rows(
    path: Path, header: Sequence[str], rows: Sequence[Sequence[object]], title: str = "企业名录"
) -> None:
    """Write to a temporary file first, then move it into place: no half-written exports; a
    place that cannot be written is said in Chinese, and nothing is left behind there."""
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise DomainError(
            f"不支持导出为“{suffix}”：请使用 .xlsx 或 .csv", f"unsupported export type {suffix}"
        )

    def write(tmp: Path) -> None:
        if suffix == ".xlsx":
            _write_xlsx(tmp, header, rows, title)
            return
        with tmp.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows([_guarded(v) for v in row] for row in rows)

    written(path, write)


def save_bytes(path: Path, data: bytes) -> None:
    """A file the user chose (a receipt, a letter's PDF) saved whole or not at all."""

    def write(tmp: Path) -> None:
        tmp.write_bytes(data)

    written(path, write)


def written(path: Path, write: Callable[[Path], None]) -> None:
    """``write`` to a temporary file beside ``path``, then moved into place; a place that
    cannot be written is a DomainError in Chinese, and nothing is left behind there."""
    tmp = path.with_name(path.name + ".part")
    try:
        write(tmp)
        tmp.replace(path)
    except OSError as exc:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass  # (a folder that is not there holds no temporary file either)
        raise DomainError(_cannot_write(path, exc), f"writing {path} failed: {exc!r}") from exc


def _write_xlsx(
    tmp: Path, header: Sequence[str], rows: Sequence[Sequence[object]], title: str
) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.append(list(header))
    for row in rows:
        cells: list[object] = []
        for value in row:
            if isinstance(value, str) and value.startswith("="):
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"  # text typed with "=" stays text (not a formula Excel runs)
                value = cell
            cells.append(value)
        sheet.append(cells)
    workbook.save(tmp)


def _cannot_write(path: Path, exc: OSError) -> str:
    """Why an export could not be written, for the clerk."""
    import errno

    if exc.errno == errno.ENOENT:
        return f"保存位置不存在：{path.parent}，请另选文件夹"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"无法写入“{path.name}”：没有写入该位置的权限，或文件正被其他程序（如 Excel）打开"
    if exc.errno == errno.ENOSPC:
        return "磁盘空间不足，导出未完成"
    return f"无法写入“{path.name}”，导出未完成（系统错误代码 {exc.errno}）"
