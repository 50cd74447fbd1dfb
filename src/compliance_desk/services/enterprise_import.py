"""Import and export of the enterprise register.

Import checks every row before anything is written: by default one bad row writes nothing
and every bad row is listed (row, column, reason in Chinese); with ``skip_invalid`` the good
rows go in and the rejected ones are returned for a report.  Rows are matched by USCC, so
importing the same file twice changes nothing.  The write is one transaction: a cancel or a
failure leaves the register as it was.
"""

from __future__ import annotations

import csv
import dataclasses
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from compliance_desk.domain import uscc as uscc_rules
from compliance_desk.domain.enterprise import FIELD_LABELS, EnterpriseDraft
from compliance_desk.domain.errors import DomainError, ValidationError
from compliance_desk.domain.ledger import (
    COLUMN_SYNONYMS,
    EXPORT_HEADERS,
    IGNORED_COLUMNS,
    REQUIRED,
    field_for_header,
    is_total_row,
    parse_date,
    parse_flag,
    parse_size,
)
from compliance_desk.domain.local_time import local_date
from compliance_desk.domain.roles import Permission
from compliance_desk.domain.text import name_key
from compliance_desk.persistence.models import Centre, Chamber, Enterprise, Industry
from compliance_desk.services import compliant_list
from compliance_desk.services.context import CurrentUser, ServiceContext
from compliance_desk.services.dto import enterprise_view
from compliance_desk.services.enterprises import apply_draft, reference_names
from compliance_desk.services.ledger_files import SheetRow, read_sheets, write_rows

Progress = Callable[[int, int], bool]  # (done, total) -> keep going?

LEDGER_REASON = "台账导入：台账标注为已列入合规企业名单"
LABELS = FIELD_LABELS | {"industry": "所属产业", "centre": "合规中心", "chamber": "所属商会"}


class ImportCancelled(DomainError):
    def __init__(self) -> None:
        super().__init__("导入已取消，企业档案未做任何改动", "import cancelled; nothing written")


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"第{self.row}行" if self.row else "表头"
        return (
            f"{where}“{self.column}”：{self.reason}" if self.column else f"{where}：{self.reason}"
        )


@dataclass
class ImportPlan:
    header_row: int
    columns: dict[int, str]
    drafts: list[tuple[int, EnterpriseDraft]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    derived: dict[int, dict[str, uuid.UUID]] = field(default_factory=dict)
    raw: dict[int, list[str]] = field(default_factory=dict)
    sheet: str = ""  # the workbook's sheet read, when it has several

    @property
    def bad_rows(self) -> list[int]:
        return sorted({p.row for p in self.problems})


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    rejected: list[RowProblem]
    notices: list[str]


class AllRowsChecked(DomainError):
    """The whole file was checked and some rows are wrong; nothing was written."""

    def __init__(self, problems: list[RowProblem]) -> None:
        self.row_problems = problems
        super().__init__(
            f"共有{len({p.row for p in problems})}行有问题，未导入任何数据：\n"
            + "\n".join(str(p) for p in problems[:200]),
            f"{len(problems)} problems; nothing imported",
        )


def find_header(rows: list[SheetRow], overrides: dict[str, str]) -> tuple[int, dict[int, str]]:
    """The first of the top rows that names the required columns, and what each column is."""
    for index, row in enumerate(rows[:30]):
        columns: dict[int, str] = {}
        for col, cell in enumerate(row.cells):
            name = cell.strip()
            target = overrides.get(name) or field_for_header(name)
            if target and target not in columns.values():
                columns[col] = target
        if all(req in columns.values() for req in REQUIRED):
            return index, columns
    wanted = "、".join(f"“{COLUMN_SYNONYMS[r][0]}”" for r in REQUIRED)
    raise DomainError(
        f"找不到表头：文件前30行中没有同时包含{wanted}的一行。"
        f"请把企业名称列的表头改为{_names('name')}之一、信用代码列改为{_names('uscc')}之一后再导入",
        "no header row with the required columns",
    )


def resolve_mapping(mapping: dict[str, str]) -> dict[str, str]:
    """Header -> field, the field given by its name (contact_phone) or any of its headers
    (联系电话); an unknown one is refused, never silently dropped with its column."""
    out = {}
    for header, target in mapping.items():
        field_name = target if target in COLUMN_SYNONYMS else field_for_header(target)
        if field_name is None:
            known = "、".join(f"{f}（{LABELS.get(f, names[0])}）"
                             for f, names in COLUMN_SYNONYMS.items())  # fmt: skip
            raise DomainError(f"列“{header}”要导入的字段“{target}”不存在；可用的字段：{known}",
                              f"unknown field {target!r} for column {header!r}")  # fmt: skip
        out[header] = field_name
    return out


def _listing_sheet(
    sheets: list[tuple[str, list[SheetRow]]], overrides: dict[str, str]
) -> tuple[str, list[SheetRow], int, dict[int, str]]:
    """The first sheet with a header row (a workbook may open on its 填表说明): its name (""
    when the file has only the one), rows, header row and columns."""
    failure: DomainError | None = None
    for name, rows in sheets:
        try:
            index, columns = find_header(rows, overrides)
        except DomainError as exc:
            failure = failure or exc
            continue
        return (name if len(sheets) > 1 else ""), rows, index, columns
    assert failure is not None
    if len(sheets) > 1:
        tried = "、".join(f"“{name}”" for name, _rows in sheets)
        raise DomainError(f"{failure.message_zh}（已查看工作表{tried}）", failure.message_en)
    raise failure


@dataclass(frozen=True)
class ColumnLayout:
    """Where a file's list is, said by the clerk when its header is not recognised: the
    sheet (""; the first), the header's row number as Excel shows it, and the field of each
    column read (by 0-based column index; columns left out are not imported)."""

    sheet: str
    header_row: int
    columns: dict[int, str]


def import_fields() -> list[tuple[str, str]]:
    """(field, label) of every field a column can be imported as, in the register's order."""
    return [(f, LABELS.get(f, names[0])) for f, names in COLUMN_SYNONYMS.items()]


def _laid_out(
    sheets: list[tuple[str, list[SheetRow]]], layout: ColumnLayout
) -> tuple[str, list[SheetRow], int, dict[int, str]]:
    named = [(n, rows) for n, rows in sheets if n == layout.sheet] or sheets[:1]
    name, rows = named[0]
    index = next((i for i, r in enumerate(rows) if r.number == layout.header_row), None)
    if index is None:
        raise DomainError(f"文件中没有第 {layout.header_row} 行", f"no row {layout.header_row}")
    unknown = [f for f in layout.columns.values() if f not in COLUMN_SYNONYMS]
    if unknown:
        raise DomainError(f"未知的字段：{'、'.join(unknown)}", f"unknown fields {unknown}")
    if wrong := columns_problem(layout.columns):
        raise DomainError(wrong, f"column layout refused: {sorted(layout.columns.values())}")
    return (name if len(sheets) > 1 else ""), rows, index, dict(layout.columns)


def columns_problem(columns: dict[int, str]) -> str | None:
    """Why the fields chosen for the columns cannot be read (a field twice, the name or the
    code without a column), in Chinese: the column dialog says it before the importer would."""
    fields = list(columns.values())
    twice = sorted({LABELS.get(f, f) for f in fields if fields.count(f) > 1})
    if twice:
        return f"每项内容只能对应一列：{'、'.join(twice)}"
    missing = [LABELS.get(f, f) for f in REQUIRED if f not in fields]
    if missing:
        return f"请指明以下内容所在的列：{'、'.join(missing)}"
    return None


def preview(path: Path, count: int = 30) -> list[tuple[str, list[SheetRow]]]:
    """The first ``count`` rows of each visible sheet, for the clerk to say where the list is."""
    return [(name, rows[:count]) for name, rows in read_sheets(path)]


def _names(field: str) -> str:
    """A field's accepted headers, for a message: “企业名称”“单位名称”…"""
    return "".join(f"“{name}”" for name in COLUMN_SYNONYMS[field][:4])


class EnterpriseImporter:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def plan(
        self,
        user: CurrentUser,
        path: Path,
        mapping: dict[str, str] | None = None,
        centre_id: uuid.UUID | None = None,
        layout: ColumnLayout | None = None,
    ) -> ImportPlan:
        """Check every row; ``centre_id`` is the centre for rows that do not name one;
        ``layout``: where the list is and what each column holds, as the clerk said it (the
        headers are then not looked for)."""
        user.require(Permission.ENTERPRISE_IMPORT)
        mapping = resolve_mapping(mapping or {})
        if layout is not None:
            sheet, rows, header_index, columns = _laid_out(read_sheets(path), layout)
        else:
            sheet, rows, header_index, columns = _listing_sheet(read_sheets(path), mapping)
        plan = ImportPlan(rows[header_index].number, columns)
        if sheet:
            plan.sheet = sheet
            plan.notices.append(f"已读取工作表“{sheet}”")
        header_cells = rows[header_index].cells
        for col, cell in enumerate(header_cells):
            name = cell.strip()
            if (
                layout is None
                and name
                and col not in columns
                and name.lower() not in IGNORED_COLUMNS
            ):
                plan.notices.append(
                    f"列“{name}”无法识别，已忽略（如需导入，请用“对应列…”指定它的内容，或把表头改为可识别的，如“联系电话”“企业地址”）"
                )
        with self.ctx.uow(user) as uow:
            industries = {
                i.name: i
                for i in uow.session.scalars(select(Industry).where(Industry.deleted_at.is_(None)))
            }
            centres = {
                c.name: c
                for c in uow.session.scalars(select(Centre).where(Centre.deleted_at.is_(None)))
            }
            chambers = {
                c.name: c
                for c in uow.session.scalars(select(Chamber).where(Chamber.deleted_at.is_(None)))
            }
        default_centre = next((c for c in centres.values() if c.id == centre_id), None)
        seen: dict[str, tuple[int, tuple[str, ...], EnterpriseDraft | None]] = {}
        names_seen: dict[str, int] = {}
        for row in rows[header_index + 1 :]:
            cells = [c.strip() for c in row.cells]
            if not any(cells) or is_total_row(cells):
                continue
            values = {columns[i]: cells[i] for i in columns if i < len(cells)}
            key_cells = tuple(values.get(f, "") for f in COLUMN_SYNONYMS)
            code = uscc_rules.normalise(values.get("uscc", ""))
            draft, problems = self._draft(row.number, values, industries, centres, chambers)
            if code and code in seen:
                first_row, first_cells, first_draft = seen[code]
                # the same once cleaned (spaces in a name, a code or a phone) is the same row
                if first_cells == key_cells or (draft is not None and draft == first_draft):
                    plan.notices.append(
                        f"第 {row.number} 行与第 {first_row} 行内容相同，只导入一次。"
                    )
                else:
                    plan.problems.append(
                        RowProblem(
                            row.number,
                            LABELS["uscc"],
                            f"与第{first_row}行的统一社会信用代码相同但内容不同，请合并后再导入",
                        )
                    )
                continue
            seen[code] = (row.number, key_cells, draft if not problems else None)
            plan.raw[row.number] = row.cells
            plan.problems.extend(problems)
            if draft is not None and not problems:
                derived = self._derived(draft, centres, chambers, default_centre)
                if derived:
                    plan.derived[row.number] = derived
                plan.drafts.append((row.number, draft))
                key = name_key(draft.name)
                if key in names_seen:
                    plan.notices.append(
                        f"第 {row.number} 行与第 {names_seen[key]} 行企业名称相同（“{draft.name}”）但信用"
                        "代码不同，将作为两家企业登记，请核实。"
                    )
                else:
                    names_seen[key] = row.number
        self._namesakes(user, plan)
        if default_centre is not None:
            placed = [n for n, d in plan.derived.items() if d.get("centre_id") == default_centre.id]
            typed = [n for n in placed if "industry_id" in plan.derived[n]]
            if placed:
                industry = next((name for name, i in industries.items()
                                 if i.id == default_centre.industry_id), "")  # fmt: skip
                line = f"{len(placed)} 行未注明合规中心，归入“{default_centre.name}”"
                if typed and industry:
                    line += f"，其中 {len(typed)} 行的所属产业随之记为“{industry}”"
                plan.notices.insert(0, line + "；如不对，请另选合规中心。")
        return plan

    def _namesakes(self, user: CurrentUser, plan: ImportPlan) -> None:
        """A row named as a registered enterprise but with another code: two enterprises, or
        one code typed wrong (the new-enterprise form warns of it; the import said nothing)."""
        listed, found = sorted({draft.name for _n, draft in plan.drafts}), list[Any]()
        with self.ctx.uow(user) as uow:
            for start in range(0, len(listed), 500):  # (the databases' parameter limits)
                found += uow.session.execute(
                    select(Enterprise.name, Enterprise.uscc).where(
                        Enterprise.name.in_(listed[start : start + 500]),
                        Enterprise.deleted_at.is_(None),
                    )
                ).all()
        registered: dict[str, set[str]] = {}
        for name, code in found:
            registered.setdefault(name, set()).add(code)
        for number, draft in plan.drafts:  # each row, in the file's order
            codes = registered.get(draft.name, set())
            if codes and uscc_rules.normalise(draft.uscc) not in codes:
                shown = "、".join(sorted(codes))
                plan.notices.append(
                    f"第 {number} 行“{draft.name}”与已登记的企业同名，但信用代码不同（已登记的为"
                    f"{shown}）：将作为另一家企业登记，请核实。"
                )

    def _derived(
        self,
        draft: EnterpriseDraft,
        centres: dict[str, Centre],
        chambers: dict[str, Chamber],
        default_centre: Centre | None,
    ) -> dict[str, uuid.UUID]:
        """What a row did not say but a new enterprise should get: the chamber's industry,
        that industry's centre, or the centre chosen for the import.  Never applied to an
        enterprise the desk already has (an empty cell never overwrites what it knows)."""
        derived: dict[str, uuid.UUID] = {}
        industry_id = draft.industry_id
        if industry_id is None and draft.chamber_id is not None:
            chamber = next(c for c in chambers.values() if c.id == draft.chamber_id)
            if chamber.industry_id is not None:
                industry_id = derived["industry_id"] = chamber.industry_id
        if draft.centre_id is None:
            if default_centre is not None:
                derived["centre_id"] = default_centre.id
                if industry_id is None and default_centre.industry_id is not None:
                    derived["industry_id"] = default_centre.industry_id
            elif industry_id is not None:
                centre = next((c for c in centres.values() if c.industry_id == industry_id), None)
                if centre is not None:
                    derived["centre_id"] = centre.id
        return derived

    def _draft(
        self,
        number: int,
        values: dict[str, str],
        industries: dict[str, Industry],
        centres: dict[str, Centre],
        chambers: dict[str, Chamber],
    ) -> tuple[EnterpriseDraft | None, list[RowProblem]]:
        problems: list[RowProblem] = []
        extra: dict[str, object] = {}

        def ref(
            kind: str, table: dict[str, Industry] | dict[str, Centre] | dict[str, Chamber]
        ) -> uuid.UUID | None:
            name = values.get(kind, "")
            if not name:
                return None
            if name not in table:
                problems.append(
                    RowProblem(number, LABELS[kind], f"“{name}”不在基础数据中，请先由管理员添加")
                )
                return None
            return table[name].id

        industry_id = ref("industry", industries)
        centre_id = ref("centre", centres)
        chamber_id = ref("chamber", chambers)
        for key, parser in (("size", parse_size), ("settled_on", parse_date)):
            if values.get(key):
                try:
                    extra[key] = parser(values[key])
                except ValueError as exc:
                    problems.append(RowProblem(number, LABELS[key], str(exc)))
        for key in ("on_compliant_list", "is_model"):
            try:
                extra[key] = parse_flag(values.get(key, ""))
            except ValueError as exc:
                problems.append(RowProblem(number, LABELS[key], str(exc)))
        draft = EnterpriseDraft(
            name=values.get("name", ""),
            uscc=values.get("uscc", ""),
            industry_id=industry_id,
            centre_id=centre_id,
            chamber_id=chamber_id,
            address=values.get("address", ""),
            legal_representative=values.get("legal_representative", ""),
            contact_person=values.get("contact_person", ""),
            contact_phone=values.get("contact_phone", ""),
            size=extra.get("size"),  # type: ignore[arg-type]
            settled_on=extra.get("settled_on"),  # type: ignore[arg-type]
            on_compliant_list=bool(extra.get("on_compliant_list", False)),
            is_model=bool(extra.get("is_model", False)),
            notes=values.get("notes", ""),
        )
        try:
            return draft.validated(), problems
        except ValidationError as exc:
            problems.extend(
                RowProblem(number, LABELS.get(k, k), r) for k, r in exc.problems.items()
            )
            return None, problems

    def apply(
        self,
        user: CurrentUser,
        plan: ImportPlan,
        skip_invalid: bool = False,
        progress: Progress | None = None,
    ) -> ImportResult:
        user.require(Permission.ENTERPRISE_IMPORT)
        user.require(Permission.ENTERPRISE_EDIT)
        if plan.problems and not skip_invalid:
            raise AllRowsChecked(plan.problems)
        created = updated = unchanged = 0
        total = len(plan.drafts)
        today = local_date(self.ctx.clock())
        with self.ctx.uow(user) as uow:
            codes = [d.uscc for _, d in plan.drafts]
            existing: dict[str, Enterprise] = {}
            for start in range(0, len(codes), 500):
                for e in uow.session.scalars(
                    select(Enterprise).where(
                        Enterprise.deleted_at.is_(None),
                        Enterprise.uscc.in_(codes[start : start + 500]),
                    )
                ):
                    existing[e.uscc] = e
            names = reference_names(uow.session)
            for done, (row, draft) in enumerate(plan.drafts, start=1):
                current = existing.get(draft.uscc)
                if current is None:
                    e = Enterprise()
                    derived = plan.derived.get(row, {})
                    apply_draft(
                        e,
                        dataclasses.replace(
                            draft,
                            centre_id=derived.get("centre_id", draft.centre_id),
                            industry_id=derived.get("industry_id", draft.industry_id),
                        ),
                    )
                    uow.session.add(e)
                    created += 1
                    if draft.on_compliant_list:
                        compliant_list.join_from_ledger(uow.session, e, today, LEDGER_REASON)
                else:
                    merged = _merge(enterprise_view(current, names).to_draft(), draft)
                    if merged == enterprise_view(current, names).to_draft():
                        unchanged += 1
                    else:
                        apply_draft(current, merged)
                        # a ledger puts an enterprise on the list, never takes one off it
                        if draft.on_compliant_list:
                            compliant_list.join_from_ledger(uow.session, current, today,
                                                            LEDGER_REASON)  # fmt: skip
                        updated += 1
                if done % 500 == 0:
                    uow.session.flush()
                if progress is not None and (done % 50 == 0 or done == total):
                    if not progress(done, total):
                        uow.rollback()
                        raise ImportCancelled()
            uow.commit()
        return ImportResult(created, updated, unchanged, list(plan.problems), list(plan.notices))

    def export(self, user: CurrentUser, path: Path) -> int:
        user.require(Permission.ENTERPRISE_EXPORT)
        fields = list(EXPORT_HEADERS)
        with self.ctx.uow(user) as uow:
            names = reference_names(uow.session)
            rows = []
            for e in uow.session.scalars(
                select(Enterprise)
                .where(Enterprise.deleted_at.is_(None))
                .order_by(Enterprise.name_pinyin, Enterprise.id)
                .execution_options(yield_per=2000)
            ):
                v = enterprise_view(e, names)
                rows.append(
                    [
                        v.name,
                        v.uscc,
                        v.industry_name,
                        v.centre_name,
                        v.chamber_name,
                        v.address,
                        v.legal_representative,
                        v.contact_person,
                        v.contact_phone,
                        v.size.label if v.size else "",
                        v.settled_on.isoformat() if v.settled_on else "",
                        "是" if v.on_compliant_list else "否",
                        "是" if v.is_model else "否",
                        v.notes,
                    ]
                )
        write_rows(path, [EXPORT_HEADERS[f] for f in fields], rows)
        return len(rows)


def _merge(old: EnterpriseDraft, new: EnterpriseDraft) -> EnterpriseDraft:
    """A ledger fills and corrects fields; an empty cell never erases what the desk knows."""
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(new):
        value = getattr(new, f.name)
        if f.name in {"on_compliant_list", "is_model"}:
            value = value or getattr(old, f.name)
        if value not in (None, "", {}) or isinstance(value, bool):
            changes[f.name] = value
    return dataclasses.replace(old, **changes)


def write_report(path: Path, plan: ImportPlan, problems: list[RowProblem]) -> None:
    """The rejected rows with their reasons, UTF-8 with BOM so Excel opens it in Chinese; a
    place that cannot be written is a DomainError in Chinese (ledger_files.written)."""
    from compliance_desk.services.ledger_files import written

    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["行号", "列", "原因", "原始内容"])
            for p in problems:
                raw = " | ".join(plan.raw.get(p.row, []))[:2000]
                writer.writerow([p.row, p.column, p.reason, raw])

    written(path, write)


__all__ = [
    "AllRowsChecked",
    "EnterpriseImporter",
    "ImportCancelled",
    "ImportPlan",
    "ImportResult",
    "RowProblem",
    "write_report",
    "write_rows",
]
