from __future__ import annotations

import pytest
from sqlalchemy import select

from compliance_desk.bootstrap import Desk
from compliance_desk.domain.errors import DomainError, PermissionDenied, ValidationError
from compliance_desk.domain.roles import Role
from compliance_desk.persistence.models import AppUser, AuditEntry
from compliance_desk.services.auth import LoginFailed
from compliance_desk.services.context import CurrentUser


def test_first_run_asks_for_the_administrators_own_password(desk: Desk) -> None:
    assert desk.auth.needs_first_run()
    with pytest.raises(ValidationError) as info:
        desk.auth.create_first_administrator("root", "管理员", "short")
    assert "至少8位" in info.value.problems["password"]
    admin = desk.auth.create_first_administrator("root", "管理员", "MyOwnPass1")
    assert admin.role is Role.ADMINISTRATOR
    assert not desk.auth.needs_first_run()
    assert desk.auth.login("root", "MyOwnPass1").id == admin.id


def test_passwords_are_stored_as_argon2_and_never_audited(desk: Desk, admin: CurrentUser) -> None:
    with desk.ctx.uow(admin) as uow:
        hashes = list(uow.session.scalars(select(AppUser.password_hash)))
        audit = [
            a.changes
            for a in uow.session.scalars(
                select(AuditEntry).where(AuditEntry.table_name == "app_user")
            )
        ]
    assert hashes and all(h.startswith("$argon2") for h in hashes)
    assert all(c.get("password_hash") == "***" for c in audit)
    assert not any("2026" in str(c) for c in audit)


def test_wrong_password_and_unknown_user_look_the_same(desk: Desk, admin: CurrentUser) -> None:
    for name, password in (("clerk", "wrong-pass1"), ("nobody", "whatever1")):
        with pytest.raises(LoginFailed) as info:
            desk.auth.login(name, password)
        assert info.value.message_zh == "用户名或密码错误"


def test_disabled_user_cannot_log_in(desk: Desk, admin: CurrentUser, clerk: CurrentUser) -> None:
    assert desk.enterprises.count(clerk) >= 0  # signed in and working
    desk.auth.set_active(admin, clerk.id, False)
    with pytest.raises(LoginFailed, match="inactive"):
        desk.auth.login("clerk", "Clerk2026")
    # the session already signed in stops too (it registered appeals on after the decision)
    with pytest.raises(PermissionDenied) as err:
        desk.enterprises.count(clerk)
    assert "已被停用" in err.value.message_zh
    desk.auth.set_active(admin, clerk.id, True)
    assert desk.enterprises.count(clerk) >= 0


def test_only_administrators_manage_users(
    desk: Desk, admin: CurrentUser, clerk: CurrentUser
) -> None:
    with pytest.raises(PermissionDenied):
        desk.auth.create_user(clerk, "x", "某人", Role.CLERK, "Password1")
    with pytest.raises(ValidationError) as alone:  # a clerk or inspector belongs to a centre
        desk.auth.create_user(admin, "inspector2", "钱多多", Role.INSPECTOR, "Password1")
    assert "须属于一个合规中心" in alone.value.message_zh
    centre = desk.reference.items(admin, "centre")[0].id
    new = desk.auth.create_user(admin, "inspector2", "钱多多", Role.INSPECTOR, "Password1", centre)
    assert desk.auth.login("inspector2", "Password1").role is Role.INSPECTOR
    with pytest.raises(ValidationError, match="username"):
        desk.auth.create_user(admin, "inspector2", "重名", Role.CLERK, "Password1", centre)
    assert new.username == "inspector2"


def test_change_password(desk: Desk, clerk: CurrentUser) -> None:
    desk.auth.change_password(clerk, "Clerk2026", "NewSecret99")
    assert desk.auth.login("clerk", "NewSecret99").id == clerk.id
    with pytest.raises(LoginFailed):
        desk.auth.login("clerk", "Clerk2026")
    with pytest.raises(ValidationError, match="old"):  # said as 原密码不正确, not a login failure
        desk.auth.change_password(clerk, "Clerk2026", "Another99")
    with pytest.raises(ValidationError, match="password"):
        desk.auth.change_password(clerk, "NewSecret99", "NewSecret99")


def test_an_administrator_resets_a_forgotten_password(
    desk: Desk, admin: CurrentUser, clerk: CurrentUser
) -> None:
    with pytest.raises(PermissionDenied):
        desk.auth.reset_password(clerk, clerk.id, "Reset2026x")
    with pytest.raises(ValidationError) as weak:
        desk.auth.reset_password(admin, clerk.id, "short")
    assert "密码至少8位" in weak.value.message_zh
    desk.auth.reset_password(admin, clerk.id, "Reset2026x")
    assert desk.auth.login("clerk", "Reset2026x").id == clerk.id


def test_nobody_is_locked_out_by_disabling_accounts(
    desk: Desk, admin: CurrentUser, clerk: CurrentUser
) -> None:
    """Not one's own account, and never the last enabled administrator: with it gone nobody
    could enable anyone again."""
    with pytest.raises(DomainError) as own:
        desk.auth.set_active(admin, admin.id, False)
    assert "不能停用自己的账号" in own.value.message_zh
    second = desk.auth.create_user(admin, "admin2", "第二管理员", Role.ADMINISTRATOR, "Second2026")
    desk.auth.set_active(second, admin.id, False)  # another administrator remains: allowed
    with pytest.raises(DomainError) as last:
        desk.auth.set_active(second, second.id, False)
    assert "不能停用自己的账号" in last.value.message_zh
    third = desk.auth.create_user(second, "admin3", "第三管理员", Role.ADMINISTRATOR, "Third2026x")
    desk.auth.set_active(second, third.id, False)
    desk.auth.set_active(second, admin.id, True)
    desk.auth.set_active(admin, second.id, False)  # admin is the only enabled one now
    with pytest.raises(DomainError) as only:  # a disabled account's session does nothing
        desk.auth.set_active(third, admin.id, False)
    assert "已被停用" in only.value.message_zh
    desk.auth.set_active(admin, clerk.id, False)
    assert [u.active for u in desk.auth.list_users(admin) if u.username == "clerk"] == [False]
    assert desk.auth.login("admin", "Admin2026").id == admin.id


def test_a_user_name_is_one_name_however_it_is_typed(
    desk: Desk, admin: CurrentUser, clerk: CurrentUser
) -> None:
    """ "Clerk", "clerk" and full-width "ｃｌｅｒｋ" were three users; now one name, signed in
    however typed; a name with spaces or symbols is refused in Chinese."""
    centre = desk.reference.items(admin, "centre")[0].id
    for twin in ("Clerk", "ｃｌｅｒｋ", " CLERK "):
        with pytest.raises(ValidationError) as taken:
            desk.auth.create_user(admin, twin, "重名", Role.CLERK, "Password1", centre)
        assert "已被使用" in taken.value.message_zh
    assert desk.auth.login("ＣＬＥＲＫ", "Clerk2026").id == clerk.id
    with pytest.raises(ValidationError) as odd:
        desk.auth.create_user(admin, "li si", "李四", Role.CLERK, "Password1", centre)
    assert "用户名只能包含字母、数字" in odd.value.message_zh
    made = desk.auth.create_user(admin, "LiSi", "李四", Role.CLERK, "Password1", centre)
    assert made.username == "lisi" and desk.auth.login("lisi", "Password1").id == made.id
