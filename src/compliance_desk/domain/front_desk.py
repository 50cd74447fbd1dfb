"""What the front desk records: walk-in registrations and new appeals, and their rules."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from compliance_desk.domain import phone
from compliance_desk.domain.deadlines import AppealTier
from compliance_desk.domain.errors import ValidationError
from compliance_desk.domain.text import clean_line, clean_name, unprintable_problem


class Channel(StrEnum):
    WALK_IN = "walk_in"
    PHONE = "phone"
    CHAMBER = "chamber"
    ONLINE_COLUMN = "online_column"
    OTHER = "other"

    @property
    def label(self) -> str:
        return CHANNEL_LABELS[self]


CHANNEL_LABELS = {
    Channel.WALK_IN: "到访",
    Channel.PHONE: "电话",
    Channel.CHAMBER: "商会转交",
    Channel.ONLINE_COLUMN: "法治上虞专栏",
    Channel.OTHER: "其他",
}


class ManagementArea(StrEnum):
    """The plan's seven management areas (section 七), the spine of appeals and checklists."""

    CONTRACT_REVIEW = "contract_review"
    TAX = "tax"
    IP = "ip"
    TRADE_SECRETS = "trade_secrets"
    LABOUR = "labour"
    WORK_SAFETY = "work_safety"
    LIVE_STREAM = "live_stream"
    OTHER = "other"

    @property
    def label(self) -> str:
        return AREA_LABELS[self]


AREA_LABELS = {
    ManagementArea.CONTRACT_REVIEW: "合同审查管理",
    ManagementArea.TAX: "依法纳税管理",
    ManagementArea.IP: "知识产权管理",
    ManagementArea.TRADE_SECRETS: "商业秘密保护",
    ManagementArea.LABOUR: "劳动用工管理",
    ManagementArea.WORK_SAFETY: "安全生产管理",
    ManagementArea.LIVE_STREAM: "网络直播营销管理",
    ManagementArea.OTHER: "其他",
}


@dataclass(frozen=True)
class VisitDraft:
    enterprise_id: UUID
    visitor_name: str
    visited_at: datetime
    channel: Channel = Channel.WALK_IN
    subject_area: ManagementArea = ManagementArea.OTHER
    visitor_phone: str = ""
    description: str = ""

    def validated(self, now: datetime) -> VisitDraft:
        problems: dict[str, str] = {}
        name = clean_name(self.visitor_name)
        if not name:
            problems["visitor_name"] = "来访人姓名不能为空"
        elif len(name) > 60:
            problems["visitor_name"] = "来访人姓名过长"
        elif bad := unprintable_problem("来访人姓名", name):
            problems["visitor_name"] = bad
        reason = phone.problem(self.visitor_phone) if len(self.visitor_phone) < 60 else "电话过长"
        if reason:
            problems["visitor_phone"] = reason
        if self.visited_at > now:
            problems["visited_at"] = "来访时间不能晚于现在"
        if len(self.description) > 20_000:
            problems["description"] = "情况说明过长（最多20000字）"
        if problems:
            raise ValidationError(problems)
        return dataclasses.replace(
            self,
            visitor_name=name,
            visitor_phone=phone.normalise(self.visitor_phone) if self.visitor_phone.strip() else "",
            description=self.description.strip(),
        )


@dataclass(frozen=True)
class AppealDraft:
    enterprise_id: UUID
    title: str
    tier: AppealTier
    received_at: datetime
    channel: Channel = Channel.WALK_IN
    subject_area: ManagementArea = ManagementArea.OTHER
    description: str = ""
    visit_id: UUID | None = None
    centre_id: UUID | None = None

    def validated(self, now: datetime) -> AppealDraft:
        problems: dict[str, str] = {}
        title = clean_line(self.title)
        if not title:
            problems["title"] = "诉求事项不能为空"
        elif len(title) > 200:
            problems["title"] = "诉求事项过长（最多200字，详情请写在情况说明中）"
        elif bad := unprintable_problem("诉求事项", title):
            problems["title"] = bad
        if self.received_at > now:
            problems["received_at"] = "受理时间不能晚于现在"
        if len(self.description) > 20_000:
            problems["description"] = "情况说明过长（最多20000字）"
        if problems:
            raise ValidationError(problems)
        return dataclasses.replace(self, title=title, description=self.description.strip())
