"""Roles and what each may do. Services call ``require``; the GUI only mirrors it."""

from __future__ import annotations

from enum import StrEnum

from compliance_desk.domain.errors import PermissionDenied


class Role(StrEnum):
    CLERK = "clerk"
    LEGAL_ADVISER = "legal_adviser"
    INSPECTOR = "inspector"
    ADMINISTRATOR = "administrator"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.CLERK: "前台工作人员",
    Role.LEGAL_ADVISER: "法律顾问",
    Role.INSPECTOR: "执法人员",
    Role.ADMINISTRATOR: "管理员（依法治区办）",
}


class Permission(StrEnum):
    ENTERPRISE_VIEW = "enterprise.view"
    ENTERPRISE_EDIT = "enterprise.edit"
    ENTERPRISE_DELETE = "enterprise.delete"
    ENTERPRISE_IMPORT = "enterprise.import"
    ENTERPRISE_EXPORT = "enterprise.export"
    REFERENCE_EDIT = "reference.edit"
    USER_ADMIN = "user.admin"
    AUDIT_VIEW = "audit.view"
    APPEAL_VIEW = "appeal.view"
    APPEAL_EDIT = "appeal.edit"
    CALENDAR_EDIT = "calendar.edit"
    LETTER_VIEW = "letter.view"
    LETTER_DRAFT = "letter.draft"
    LETTER_APPROVE = "letter.approve"
    TEMPLATE_EDIT = "template.edit"
    INSPECTION_VIEW = "inspection.view"
    INSPECTION_EDIT = "inspection.edit"
    INSPECTION_ADMIN = "inspection.admin"


PERMISSION_LABELS = {
    Permission.ENTERPRISE_VIEW: "查看企业档案",
    Permission.ENTERPRISE_EDIT: "新建或修改企业档案",
    Permission.ENTERPRISE_DELETE: "删除企业档案",
    Permission.ENTERPRISE_IMPORT: "导入企业名录",
    Permission.ENTERPRISE_EXPORT: "导出企业名录",
    Permission.REFERENCE_EDIT: "维护中心、部门、商会等基础数据",
    Permission.USER_ADMIN: "管理用户",
    Permission.AUDIT_VIEW: "查看操作日志",
    Permission.APPEAL_VIEW: "查看诉求台账",
    Permission.APPEAL_EDIT: "登记和处理诉求",
    Permission.CALENDAR_EDIT: "维护工作日日历",
    Permission.LETTER_VIEW: "查看和打印文书",
    Permission.LETTER_DRAFT: "起草文书",
    Permission.LETTER_APPROVE: "审批文书（编号并签发）",
    Permission.TEMPLATE_EDIT: "修改文书模板",
    Permission.INSPECTION_VIEW: "查看检查、整改和合规企业名单",
    Permission.INSPECTION_EDIT: "安排和记录现场检查、整改验收",
    Permission.INSPECTION_ADMIN: "维护检查清单、抽查比例、不予处罚清单，破例安排检查",
}

_ALL = frozenset(Permission)
_DESK = frozenset(
    {
        Permission.ENTERPRISE_VIEW,
        Permission.ENTERPRISE_EDIT,
        Permission.ENTERPRISE_IMPORT,
        Permission.ENTERPRISE_EXPORT,
        Permission.APPEAL_VIEW,
        Permission.APPEAL_EDIT,
    }
)

GRANTS: dict[Role, frozenset[Permission]] = {
    Role.CLERK: _DESK,
    Role.LEGAL_ADVISER: _DESK
    | {
        Permission.ENTERPRISE_DELETE,
        Permission.AUDIT_VIEW,
        Permission.LETTER_VIEW,
        Permission.LETTER_DRAFT,
        Permission.LETTER_APPROVE,
        Permission.INSPECTION_VIEW,
    },
    Role.INSPECTOR: frozenset(
        {
            Permission.ENTERPRISE_VIEW,
            Permission.ENTERPRISE_EXPORT,
            Permission.APPEAL_VIEW,
            Permission.LETTER_VIEW,
            Permission.LETTER_DRAFT,
            Permission.INSPECTION_VIEW,
            Permission.INSPECTION_EDIT,
        }
    ),
    # Only the legal adviser signs letters off; the administrator keeps the templates.
    Role.ADMINISTRATOR: _ALL - {Permission.LETTER_APPROVE},
}


def allows(role: Role, permission: Permission) -> bool:
    return permission in GRANTS[role]


def require(role: Role, permission: Permission) -> None:
    if not allows(role, permission):
        raise PermissionDenied(
            f"当前角色（{role.label}）无权{PERMISSION_LABELS[permission]}",
            f"role {role} lacks permission {permission}",
        )
