"""Users, roles and offline login (argon2 hashes stored locally)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from compliance_desk.domain.errors import DomainError, NotFound, ValidationError
from compliance_desk.domain.roles import Permission, Role
from compliance_desk.domain.text import to_halfwidth
from compliance_desk.persistence.models import AppUser
from compliance_desk.services.context import CurrentUser, ServiceContext

MIN_PASSWORD = 8


class LoginFailed(DomainError):
    pass


@dataclass(frozen=True)
class UserView:
    id: uuid.UUID
    username: str
    display_name: str
    role: Role
    centre_id: uuid.UUID | None
    active: bool


def _password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD:
        return f"密码至少{MIN_PASSWORD}位"
    if password.isdigit() or password.isalpha():
        return "密码需同时包含字母和数字"
    return None


def _username(raw: str) -> str:
    """A user name as the desk keeps it: "Clerk", "clerk" and full-width "ｃｌｅｒｋ" are one
    name (they were three users; signing in, one of them had to be typed exactly)."""
    return to_halfwidth(raw).strip().lower()


def _current(u: AppUser) -> CurrentUser:
    return CurrentUser(u.id, u.username, u.display_name, Role(u.role), u.centre_id)


class AuthService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def needs_first_run(self) -> bool:
        """True until the first administrator has set their own password."""
        with self.ctx.uow(None) as uow:
            count = uow.session.scalar(
                select(func.count()).select_from(AppUser).where(AppUser.deleted_at.is_(None))
            )
            return not count

    def create_first_administrator(
        self, username: str, display_name: str, password: str
    ) -> CurrentUser:
        if not self.needs_first_run():
            raise DomainError("管理员已设置，请直接登录", "first administrator already exists")
        return self._create(None, username, display_name, Role.ADMINISTRATOR, password, None)

    def create_user(
        self,
        admin: CurrentUser,
        username: str,
        display_name: str,
        role: Role,
        password: str,
        centre_id: uuid.UUID | None = None,
    ) -> CurrentUser:
        admin.require(Permission.USER_ADMIN)
        return self._create(admin, username, display_name, role, password, centre_id)

    def _create(
        self,
        actor: CurrentUser | None,
        username: str,
        display_name: str,
        role: Role,
        password: str,
        centre_id: uuid.UUID | None,
    ) -> CurrentUser:
        username = _username(username)
        problems = {}
        if not username:
            problems["username"] = "用户名不能为空"
        elif len(username) > 60 or not all(c.isalnum() or c in "._-" for c in username):
            problems["username"] = "用户名只能包含字母、数字和“._-”，最多60个字符"
        if not display_name.strip():
            problems["display_name"] = "姓名不能为空"
        pw = _password_problem(password)
        if pw:
            problems["password"] = pw
        if role in (Role.CLERK, Role.INSPECTOR) and centre_id is None:
            # (a clerk's appeals and receipts are the centre's; an inspector's draws too)
            problems["centre_id"] = "前台人员和执法人员须属于一个合规中心，请选择合规中心"
        if problems:
            raise ValidationError(problems)
        with self.ctx.uow(actor) as uow:
            live = uow.session.scalars(select(AppUser.username).where(AppUser.deleted_at.is_(None)))
            taken = any(_username(name) == username for name in live)
            if taken:
                raise ValidationError({"username": f"用户名“{username}”已被使用"})
            user = AppUser(
                username=username,
                display_name=display_name.strip(),
                role=role.value,
                password_hash=self.ctx.hasher.hash(password),
                centre_id=centre_id,
                active=True,
            )
            uow.session.add(user)
            uow.commit()
            return _current(user)

    def login(self, username: str, password: str) -> CurrentUser:
        with self.ctx.uow(None) as uow:
            user = self._named(uow.session, username)
            failed = LoginFailed("用户名或密码错误", f"login failed for {username!r}")
            if user is None:
                self.ctx.hasher.hash(password)  # same cost whether or not the user exists
                raise failed
            try:
                self.ctx.hasher.verify(user.password_hash, password)
            except (VerificationError, InvalidHashError):
                raise failed from None
            if not user.active:
                raise LoginFailed("该账号已停用，请联系管理员", f"user {username!r} inactive")
            return _current(user)

    @staticmethod
    def _named(session: Session, typed: str) -> AppUser | None:
        """The live user of that name: as typed first (a name kept before names were folded,
        "Clerk" beside "clerk", stays reachable), else the one whose folded name matches
        (folded in Python: SQLite's lower() folds ASCII only; the users are a few dozen)."""
        live = list(session.scalars(select(AppUser).where(AppUser.deleted_at.is_(None))))
        exact = [u for u in live if u.username == typed.strip()]
        if exact:
            return exact[0]
        folded = [u for u in live if _username(u.username) == _username(typed)]
        return folded[0] if len(folded) == 1 else None

    def change_password(self, user: CurrentUser, old: str, new: str) -> None:
        try:
            self.login(user.username, old)
        except LoginFailed as exc:
            raise ValidationError({"old": "原密码不正确"}) from exc
        if new == old:
            raise ValidationError({"password": "新密码不能与原密码相同"})
        pw = _password_problem(new)
        if pw:
            raise ValidationError({"password": pw})
        with self.ctx.uow(user) as uow:
            row = uow.session.get(AppUser, user.id)
            if row is None:
                raise NotFound("用户不存在", f"user {user.id} missing")
            row.password_hash = self.ctx.hasher.hash(new)
            uow.commit()

    def list_users(self, admin: CurrentUser) -> list[UserView]:
        admin.require(Permission.USER_ADMIN)
        with self.ctx.uow(admin) as uow:
            return [
                UserView(u.id, u.username, u.display_name, Role(u.role), u.centre_id, u.active)
                for u in uow.session.scalars(
                    select(AppUser).where(AppUser.deleted_at.is_(None)).order_by(AppUser.username)
                )
            ]

    def set_active(self, admin: CurrentUser, user_id: uuid.UUID, active: bool) -> None:
        """Enable or disable an account; never one's own, nor the last enabled administrator
        (nobody could enable anyone again)."""
        admin.require(Permission.USER_ADMIN)
        with self.ctx.uow(admin) as uow:
            row = uow.session.get(AppUser, user_id)
            if row is None or row.deleted_at is not None:
                raise NotFound("用户不存在", f"user {user_id} missing")
            if not active and row.id == admin.id:
                raise DomainError("不能停用自己的账号", f"{admin.username} disabling themselves")
            if not active and row.role == Role.ADMINISTRATOR.value and row.active:
                others = uow.session.scalar(
                    select(func.count())
                    .select_from(AppUser)
                    .where(
                        AppUser.role == Role.ADMINISTRATOR.value,
                        AppUser.active.is_(True),
                        AppUser.deleted_at.is_(None),
                        AppUser.id != row.id,
                    )
                )
                if not others:
                    raise DomainError(
                        "这是唯一启用的管理员账号，不能停用：请先启用或新建另一个管理员",
                        f"last active administrator {row.username}",
                    )
            row.active = active
            uow.commit()
        self.ctx.active_seen.pop(user_id, None)  # this process's sessions learn it at once

    def reset_password(self, admin: CurrentUser, user_id: uuid.UUID, new: str) -> None:
        """An administrator sets a new password for a user who forgot theirs (the user then
        changes it: ``change_password``)."""
        admin.require(Permission.USER_ADMIN)
        pw = _password_problem(new)
        if pw:
            raise ValidationError({"password": pw})
        with self.ctx.uow(admin) as uow:
            row = uow.session.get(AppUser, user_id)
            if row is None or row.deleted_at is not None:
                raise NotFound("用户不存在", f"user {user_id} missing")
            row.password_hash = self.ctx.hasher.hash(new)
            uow.commit()
