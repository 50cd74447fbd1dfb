"""Reproducible demo data: Chinese enterprises of both industries, and one user per role.

``small`` (about 200 enterprises) is for trying the app and for the README screenshot;
``large`` (100,000) is for the benchmarks.  The same seed always gives the same data.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from compliance_desk.domain.enterprise import EnterpriseDraft, EnterpriseSize
from compliance_desk.domain.local_time import local_date
from compliance_desk.domain.roles import Role
from compliance_desk.domain.uscc import with_check_character
from compliance_desk.persistence.models import AppUser, Centre, Chamber, Enterprise, Industry
from compliance_desk.services.auth import AuthService
from compliance_desk.services.compliant_list import join_from_ledger
from compliance_desk.services.context import CurrentUser, ServiceContext
from compliance_desk.services.enterprises import apply_draft

if TYPE_CHECKING:
    from compliance_desk.services.letters import LetterService

LISTED_ON = date(2025, 12, 20)  # the demo's compliant list: the year before's, as published

SCALES = {"small": 200, "large": 100_000}

# (username, display name, role, password): the README lists these.
DEMO_USERS = [
    ("admin", "王建国", Role.ADMINISTRATOR, "Admin2026"),
    ("clerk", "陈晓燕", Role.CLERK, "Clerk2026"),
    ("adviser", "李律师", Role.LEGAL_ADVISER, "Adviser2026"),
    ("inspector", "赵志刚", Role.INSPECTOR, "Inspector2026"),
]

PLACES = [
    "崧厦",
    "上虞",
    "曹娥",
    "百官",
    "盖北",
    "谢塘",
    "丰惠",
    "舜江",
    "长塘",
    "驿亭",
    "小越",
    "东关",
    "道墟",
    "沥海",
    "梁湖",
]
BRANDS = [
    "蓝天",
    "恒丰",
    "宏达",
    "雨霏",
    "润泽",
    "丽晶",
    "海涛",
    "众诚",
    "嘉禾",
    "永兴",
    "华伞",
    "金伞",
    "天堂",
    "晴雨",
    "虹霓",
    "百合",
    "紫荆",
    "东升",
    "新和",
    "瑞丰",
    "鼎盛",
    "卓越",
    "诚信",
    "荣达",
    "晨光",
    "远航",
    "天成",
    "博雅",
    "明辉",
    "锦程",
    "兴隆",
    "安泰",
    "盛世",
    "云帆",
    "春晖",
    "德馨",
]
UMBRELLA_TRADES = ["伞业", "制伞", "伞件制造", "伞骨", "雨具", "日用品", "伞面印染", "户外用品"]
GAME_BRANDS = [
    "翊霄",
    "火鸟",
    "星游",
    "极光",
    "曜石",
    "乘风",
    "像素",
    "青瓷",
    "云梦",
    "灵犀",
    "墨羽",
    "凌霄",
    "幻境",
    "鲸落",
    "萤火",
    "星河",
]
GAME_TRADES = ["游戏开发", "数字科技", "互动娱乐", "网络科技", "动漫设计", "电竞文化", "软件开发"]
FORMS = ["有限公司", "有限公司", "有限公司", "厂", "股份有限公司"]
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = [
    "建国",
    "国平",
    "志强",
    "海燕",
    "丽华",
    "晓峰",
    "立新",
    "雪梅",
    "静",
    "敏",
    "伟",
    "芳",
    "喆",
    "堃",
    "秀英",
    "桂兰",
    "明",
    "磊",
    "洋",
    "婷",
]
STREETS = [
    ("崧厦街道", ["伞城大道", "工业区", "人民西路", "祝温路"]),
    ("百官街道", ["市民大道", "人民大道"]),
    ("曹娥街道", ["江扬路", "曹娥路"]),
]
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@dataclass(frozen=True)
class DemoSummary:
    enterprises: int
    users: int
    appeals: int = 0


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _uscc(rng: random.Random) -> str:
    body = "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    return with_check_character("91330604" + body)


def _phone(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"
    return f"0575-821{rng.randrange(10**5):05d}"


def enterprise_drafts(count: int, seed: int, refs: dict[str, object]) -> list[EnterpriseDraft]:
    rng = random.Random(seed)
    drafts: list[EnterpriseDraft] = []
    names: set[str] = set()
    codes: set[str] = set()
    attempts = 0
    while len(drafts) < count:
        attempts += 1
        if attempts > count * 20:
            raise RuntimeError(f"demo name space exhausted after {len(drafts)} enterprises")
        game = rng.random() < 0.3
        if game:
            brand = rng.choice(GAME_BRANDS)
            if rng.random() < 0.5 or count > 500:
                brand += rng.choice(BRANDS)
            if count > 5000:  # enough distinct names for the 100,000-row benchmark
                brand = rng.choice(BRANDS) + brand
            name = f"绍兴上虞{brand}{rng.choice(GAME_TRADES)}有限公司"
            address = f"e游小镇{rng.randint(1, 12)}幢{rng.randint(101, 999)}室"
            industry, centre, chamber = refs["game"], refs["game_centre"], refs["game_chamber"]
        else:
            brand = rng.choice(BRANDS)
            if count > 500:
                brand += rng.choice(BRANDS)
            name = f"{rng.choice(PLACES)}{brand}{rng.choice(UMBRELLA_TRADES)}{rng.choice(FORMS)}"
            street, roads = rng.choice(STREETS)
            address = f"{street}{rng.choice(roads)}{rng.randint(1, 400)}号"
            industry, centre = refs["umbrella"], refs["umbrella_centre"]
            chamber = rng.choice([refs["songxia_chamber"], refs["umbrella_assoc"], None])
        code = _uscc(rng)
        if name in names or code in codes:
            continue
        names.add(name)
        codes.add(code)
        drafts.append(
            EnterpriseDraft(
                name=name,
                uscc=code,
                industry_id=industry,  # type: ignore[arg-type]
                centre_id=centre,  # type: ignore[arg-type]
                chamber_id=chamber,  # type: ignore[arg-type]
                address=address,
                legal_representative=_person(rng),
                contact_person=_person(rng),
                contact_phone=_phone(rng),
                size=rng.choice(list(EnterpriseSize)),
                settled_on=date(2015, 1, 1) + timedelta(days=rng.randrange(3600)),
                on_compliant_list=rng.random() < 0.15,
                is_model=rng.random() < 0.01,
                notes="",
            ).validated()
        )
    return drafts


def _refs(ctx: ServiceContext) -> dict[str, object]:
    with ctx.uow(None) as uow:
        s = uow.session
        industries = {i.code: i.id for i in s.scalars(select(Industry))}
        centres = {c.code: c.id for c in s.scalars(select(Centre))}
        chambers = {c.name: c.id for c in s.scalars(select(Chamber))}
    return {
        "umbrella": industries.get("umbrella"),
        "game": industries.get("game"),
        "umbrella_centre": centres.get("umbrella"),
        "game_centre": centres.get("game"),
        "songxia_chamber": chambers.get("崧厦伞业商会"),
        "umbrella_assoc": chambers.get("上虞区伞业协会"),
        "game_chamber": chambers.get("上虞区游戏产业商会"),
    }


def ensure_demo_users(ctx: ServiceContext) -> CurrentUser:
    """Create the demo users that do not exist yet; return the administrator."""
    auth = AuthService(ctx)
    with ctx.uow(None) as uow:
        existing = set(uow.session.scalars(select(AppUser.username)))
        centre = uow.session.scalars(select(Centre.id).where(Centre.code == "umbrella")).first()
    admin: CurrentUser | None = None
    for username, display, role, password in DEMO_USERS:
        if username in existing:
            continue
        if role is Role.ADMINISTRATOR and auth.needs_first_run():
            admin = auth.create_first_administrator(username, display, password)
        else:
            admin = admin or auth.login("admin", "Admin2026")
            auth.create_user(admin, username, display, role, password, centre)
    return admin or auth.login("admin", "Admin2026")


def load_demo(
    ctx: ServiceContext,
    scale: str = "small",
    seed: int = 20241,
    progress: Callable[[int, int], None] | None = None,
    appeals: int | None = None,
) -> DemoSummary:
    """Idempotent: enterprises already present (same USCC) are not added again."""
    admin = ensure_demo_users(ctx)
    _demo_centre_phones(ctx, admin)
    drafts = enterprise_drafts(SCALES[scale], seed, _refs(ctx))
    with ctx.uow(admin) as uow:
        present = set(uow.session.scalars(select(Enterprise.uscc)))
    todo = [d for d in drafts if d.uscc not in present]
    batch = 2000
    for start in range(0, len(todo), batch):
        chunk = todo[start : start + batch]
        if len(todo) > 5000:  # the large scale: bulk INSERTs, no audit entries
            _bulk_enterprises(ctx, admin, chunk)
        else:
            with ctx.uow(admin) as uow:
                for draft in chunk:
                    e = Enterprise()
                    apply_draft(e, draft)
                    uow.session.add(e)
                    if draft.on_compliant_list:  # on the list as a ledger puts it there
                        join_from_ledger(
                            uow.session, e, LISTED_ON, "示例数据：2025年度合规企业名单"
                        )
                uow.commit()
        if progress:
            progress(min(start + batch, len(todo)), len(todo))
    made = load_demo_appeals(
        ctx, APPEAL_SCALES[scale] if appeals is None else appeals, progress=progress
    )
    return DemoSummary(enterprises=len(todo), users=len(DEMO_USERS), appeals=made)


DEMO_CENTRE_PHONES = {"umbrella": "0575-82112345", "game": "0575-82112346"}  # made up


def _demo_centre_phones(ctx: ServiceContext, admin: CurrentUser) -> None:
    """The demo's centres answer the phone (their receipts print it); a phone set is kept."""
    from compliance_desk.persistence.models import Centre

    with ctx.uow(admin) as uow:
        for centre in uow.session.scalars(select(Centre).where(Centre.phone == "")):
            centre.phone = DEMO_CENTRE_PHONES.get(centre.code, "")
        uow.commit()


def _bulk_enterprises(
    ctx: ServiceContext, admin: CurrentUser, drafts: list[EnterpriseDraft]
) -> None:
    """Enterprises by bulk INSERT, with their search index rows, in one transaction."""
    from sqlalchemy import insert

    from compliance_desk.domain.ids import new_id
    from compliance_desk.persistence import search_index
    from compliance_desk.persistence.uow import index_doc

    now = ctx.clock()
    columns = list(Enterprise.__table__.columns)
    rows, docs = [], []
    for draft in drafts:
        e = Enterprise()
        apply_draft(e, draft)
        e.id, e.row_version, e.created_at, e.updated_at = new_id(), 1, now, now
        e.created_by = e.updated_by = admin.id
        e.device_id = ctx.device_id
        row = {}
        for c in columns:
            value = getattr(e, c.key, None)
            if value is None and c.default is not None and c.default.is_scalar:
                value = c.default.arg  # what the ORM would have filled in at flush
            row[c.key] = value
        rows.append(row)
        docs.append(index_doc(e))
    with ctx.factory() as session, session.begin():
        session.execute(insert(Enterprise), rows)
        if ctx.is_sqlite:
            search_index.update(session.connection(), docs, fresh=True)


def load_demo_letters(ctx: ServiceContext, letters: LetterService, cases: int = 3) -> int:
    """A few 三书同达 cases issued by the demo legal adviser, and two drafts awaiting approval."""
    from compliance_desk.documents.kinds import KINDS, kinds_in_bundle
    from compliance_desk.domain.ids import new_id
    from compliance_desk.persistence.letter_models import Letter

    with ctx.uow(None) as uow:
        s = uow.session
        if s.scalar(select(Letter.id).limit(1)) is not None:
            return 0
        adviser_id = s.scalars(select(AppUser.id).where(AppUser.username == "adviser")).one()
        chosen = s.scalars(select(Enterprise.id).order_by(Enterprise.name_pinyin).limit(cases + 2))
        enterprise_ids = list(chosen)
    adviser = _as_user(ctx, adviser_id)
    today = local_date(ctx.clock())
    market = next(i for i, _n, p in letters.issuing_departments(adviser) if p == "虞市监")
    made = 0
    for n, enterprise_id in enumerate(enterprise_ids):
        case = new_id()
        party = letters.prefill(adviser, enterprise_id, market)["party"]
        kinds = list(kinds_in_bundle()) if n < cases else ["advice_letter"]
        penalty_number = ""
        for kind in kinds:
            data = KINDS[kind].sample_on(today) | {"party": party}
            if kind == "credit_repair_notice":
                data["penalty_number"] = penalty_number
            draft = letters.draft(adviser, kind, data, enterprise_id=enterprise_id,
                                  department_id=market, case_id=case)  # fmt: skip
            if n < cases:
                issued = letters.approve(adviser, draft.id, draft.row_version)
                if kind == "penalty_decision":
                    penalty_number = issued.number or ""
            made += 1
    return made


def _as_user(ctx: ServiceContext, user_id: Any) -> CurrentUser:
    with ctx.uow(None) as uow:
        row = uow.session.get(AppUser, user_id)
        assert row is not None
        return CurrentUser(row.id, row.username, row.display_name, Role(row.role), row.centre_id)


# --- appeals ---------------------------------------------------------------------------

APPEAL_SCALES = {"small": 300, "large": 1_000_000}
APPEAL_TITLES = {
    "labour": ["劳动合同续签问题", "员工社保缴纳基数咨询", "加班工资计算争议", "灵活用工合规咨询"],
    "tax": ["增值税发票开具问题", "研发费用加计扣除咨询", "出口退税办理进度"],
    "ip": ["伞面图案被仿冒", "商标注册被驳回", "游戏美术素材版权纠纷"],
    "work_safety": ["车间消防验收咨询", "安全生产许可证续期", "仓库电气线路整改"],
    "contract_review": ["外贸合同条款审查", "供应商违约处理", "代理协议争议"],
    "trade_secrets": ["离职员工带走客户资料", "保密协议条款咨询"],
    "live_stream": ["直播带货宣传用语合规", "主播合作协议审查"],
    "other": ["厂房租赁纠纷", "政策兑现进度咨询"],
}


def _demo_steps(tier: str, received: date, rng: random.Random, departments: list[str]) -> list[Any]:
    from compliance_desk.domain.appeal_workflow import Action, Step

    def later(d: date, lo: int, hi: int) -> date:
        return d + timedelta(days=rng.randint(lo, hi))

    steps: list[Step] = []
    d = received
    if tier == "simple":
        d = later(d, 0, 2)
        steps.append(Step(Action.ANSWER, d, "中心工作人员当场解答并提供政策依据"))
    elif tier == "general":
        d = later(d, 0, 1)
        chosen = tuple(rng.sample(departments, k=rng.choice([1, 1, 2])))
        steps.append(Step(Action.FORWARD, d, "请按职责答复", department_ids=chosen, event_id="f"))
        for n, _dept in enumerate(chosen):
            steps.append(
                Step(Action.DEPARTMENT_ANSWER, later(d, 3, 16), "已研究答复", forward_id=f"f:{n}")
            )
        d = max(s.on for s in steps)
    elif tier == "major":
        meeting = later(d, 5, 24)
        steps.append(
            Step(
                Action.SCHEDULE_PARLOUR,
                later(d, 1, 4),
                meeting_date=meeting,
                participants="依法治区办、相关部门、律师",
            )
        )
        d = meeting
        steps.append(Step(Action.PARLOUR_OUTCOME, d, "会商形成一致处理意见"))
    else:
        d = later(d, 1, 3)
        steps.append(Step(Action.ESCALATE, d, "报区分管领导协调"))
        d = later(d, 10, 34)
        steps.append(Step(Action.ANSWER, d, "分管领导协调后形成处理结果"))
    d = later(d, 0, 2)
    steps.append(Step(Action.REPLY, d, "经商会反馈企业"))
    steps.append(Step(Action.CLOSE, later(d, 0, 1), rating=rng.choice([5, 5, 4, 4, 3, 2])))
    return steps


def load_demo_appeals(
    ctx: ServiceContext,
    count: int,
    seed: int = 7,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Appeals over the last two years: mostly closed on time, some late, some still open.

    Written with bulk INSERTs (a million appeals take minutes, not hours): demo rows carry
    no audit entries, and their clocks are counted here from the replayed status.
    """
    from sqlalchemy import insert

    from compliance_desk.domain.appeal_workflow import Action, Step, apply
    from compliance_desk.domain.deadlines import AppealTier
    from compliance_desk.domain.front_desk import Channel, ManagementArea
    from compliance_desk.domain.ids import new_id
    from compliance_desk.domain.local_time import CHINA, local_date
    from compliance_desk.domain.roles import Role
    from compliance_desk.persistence.models import (
        Appeal,
        AppealEvent,
        Department,
        LocalAppealClock,
        LocalAppealDepartment,
        table_of,
    )
    from compliance_desk.services import appeal_clocks
    from compliance_desk.services.calendars import calendar_in

    rng = random.Random(seed)
    now = ctx.clock()
    today = local_date(now)
    with ctx.uow(None) as uow:
        if uow.session.scalar(select(Appeal.id).limit(1)) is not None:
            return 0
        enterprises = [
            (r[0], r[1], r[2], r[3])
            for r in uow.session.execute(
                select(Enterprise.id, Enterprise.centre_id, Enterprise.name_pinyin, Enterprise.name)
            )
        ]
        departments = [str(d) for d in uow.session.scalars(select(Department.id))]
        clerk = uow.session.scalars(select(AppUser).where(AppUser.username == "clerk")).first()
        calendar = calendar_in(uow.session.connection())
    if not enterprises or clerk is None:
        return 0
    tiers = (
        [AppealTier.SIMPLE] * 8
        + [AppealTier.GENERAL] * 8
        + [AppealTier.MAJOR] * 3
        + [AppealTier.COMPLEX]
    )
    areas = list(ManagementArea)
    channels = [c.value for c in Channel]
    made = 0
    appeals: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    clocks: list[dict[str, Any]] = []
    forwards: list[dict[str, Any]] = []
    texts: list[tuple[Any, str, str, str]] = []  # the log's text index: (appeal id, ...)
    first_received = today
    # Beyond 100,000 each generated timeline is used for several appeals (new ids, numbers
    # and enterprises): the million-appeal benchmark database builds in minutes, with the
    # same mix of tiers, states and deadlines.
    copies = max(1, count // UNIQUE_TIMELINES)
    n = 0
    while n < count:
        enterprise_id, centre_id, enterprise_key, enterprise_name = rng.choice(enterprises)
        received = today - timedelta(days=int(rng.triangular(0, 730, 0)))
        first_received = min(first_received, received)
        tier = rng.choice(tiers)
        area = rng.choice(areas)
        steps = [Step(Action.ACCEPT, received, "", new_tier=tier)]
        steps += _demo_steps(tier.value, received, rng, departments)
        recent = received > today - timedelta(days=25)
        if (recent and rng.random() < 0.7) or rng.random() < 0.03:
            steps = steps[: rng.randint(1, len(steps) - 1)]  # still open: in progress, or late
        steps = [s for s in steps if s.on <= today]
        appeal_id = new_id()
        status = None
        event_ids: dict[str, str] = {}
        at = now
        for k, step in enumerate(steps):
            eid = new_id()
            if step.event_id == "f":
                event_ids["f"] = str(eid)
            fid = (
                step.forward_id.replace("f:", event_ids.get("f", "f") + ":")
                if step.forward_id
                else ""
            )
            recorded = Step(**{**step.__dict__, "event_id": str(eid), "forward_id": fid})
            status = apply(status, recorded, Role.CLERK)
            at = datetime.combine(step.on, datetime.min.time(), tzinfo=CHINA) + timedelta(
                hours=9, minutes=k
            )
            events.append(
                dict(
                    id=eid, appeal_id=appeal_id, seq=k + 1, action=step.action.value, on=step.on,
                    at=at, user_id=clerk.id, role=Role.CLERK.value, device_id=ctx.device_id,
                    text=step.text, department_ids=list(step.department_ids), forward_id=fid,
                    new_tier=step.new_tier.value if step.new_tier else None, rating=step.rating,
                    meeting_date=step.meeting_date, participants=step.participants,
                )
            )  # fmt: skip
        assert status is not None
        received_at = datetime.combine(received, datetime.min.time(), tzinfo=CHINA) + timedelta(
            hours=rng.randint(8, 16), minutes=rng.randint(0, 59)
        )
        title = rng.choice(APPEAL_TITLES.get(area.value, APPEAL_TITLES["other"]))
        appeals.append(
            dict(
                id=appeal_id, number=f"{received:%Y%m%d}-{n:05d}", enterprise_id=enterprise_id,
                centre_id=centre_id, received_at=received_at, title=title, description="",
                channel=rng.choice(channels), subject_area=area.value,
                tier=status.tier.value, state=status.state.value, row_version=1,
                created_at=received_at, created_by=clerk.id, updated_at=at, updated_by=clerk.id,
                device_id=ctx.device_id, visit_id=None,
            )
        )  # fmt: skip
        clocks.append(
            appeal_clocks.clock_values(
                appeal_id, status, calendar, len(steps), enterprise_key, received_at
            )
        )
        texts.append((appeal_id, appeals[-1]["number"], title, enterprise_name))
        forwarded = appeal_clocks.department_values(appeal_id, status)
        forwards.extend(forwarded)
        template = (appeals[-1], events[-len(steps) :], clocks[-1], forwarded)
        for _copy in range(1, min(copies, count - n)):
            n += 1
            other = rng.choice(enterprises)
            _copy_appeal(template, (appeals, events, clocks, forwards), other, n)
            texts.append((appeals[-1]["id"], appeals[-1]["number"], title, other[3]))
        n += 1
        made = n
        if len(appeals) >= 5000 or n == count:
            # Core INSERTs on the tables: one executemany each (the ORM's bulk path splits
            # rows whose None columns differ into separate statements).
            with ctx.engine.begin() as connection:
                connection.execute(insert(table_of(Appeal)), appeals)
                connection.execute(insert(table_of(AppealEvent)), events)
                connection.execute(insert(table_of(LocalAppealClock)), clocks)
                if forwards:
                    connection.execute(insert(table_of(LocalAppealDepartment)), forwards)
                _index_texts(connection, texts)
            appeals, events, clocks, forwards, texts = [], [], [], [], []
            if progress is not None:
                progress(made, count)
    # The clocks above were counted with this calendar: remember it, so the next start does
    # not count them all again.
    with ctx.factory() as session, session.begin():
        connection = session.connection()
        appeal_clocks.remember_calendar(
            connection, calendar, first_received.year - 1, today.year + 1
        )
    return made


UNIQUE_TIMELINES = 100_000


def _index_texts(connection: Any, texts: list[tuple[Any, str, str, str]]) -> None:
    """The log's text index rows of appeals just inserted (keyed by their SQLite rowids)."""
    from sqlalchemy import literal_column

    from compliance_desk.persistence.models import Appeal
    from compliance_desk.services import appeal_text

    if connection.dialect.name != "sqlite" or not texts:
        return
    rowids: dict[Any, int] = {}
    for start in range(0, len(texts), 500):
        ids = [t[0] for t in texts[start : start + 500]]
        stmt: Any = select(Appeal.id, literal_column("appeal.rowid")).where(Appeal.id.in_(ids))
        rowids.update((i, r) for i, r in connection.execute(stmt))
    appeal_text.write(connection, [(rowids[i], n, t, e) for i, n, t, e in texts])


def _copy_appeal(
    template: tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any], list[dict[str, Any]]],
    out: tuple[list[dict[str, Any]], ...],
    enterprise: tuple[Any, Any, str, str],
    n: int,
) -> None:
    """Append to ``out`` (appeals, events, clocks, forwards) a copy of ``template`` (an appeal,
    its events, its clock, its forwards) under new ids, a new number and another enterprise."""
    from compliance_desk.domain.ids import new_id

    appeal, events, clock, forwards = template
    appeals_out, events_out, clocks_out, forwards_out = out
    appeal_id = new_id()
    ids = {str(e["id"]): new_id() for e in events}
    for e in events:
        fid = e["forward_id"]
        if fid:
            head, _, tail = fid.partition(":")
            fid = f"{ids[head]}:{tail}"
        events_out.append({**e, "id": ids[str(e["id"])], "appeal_id": appeal_id, "forward_id": fid})
    appeals_out.append(
        {**appeal, "id": appeal_id, "number": appeal["number"].split("-")[0] + f"-{n:05d}",
         "enterprise_id": enterprise[0], "centre_id": enterprise[1]}
    )  # fmt: skip
    clocks_out.append(
        {
            **clock,
            "appeal_id": appeal_id,
            "enterprise_key": enterprise[2],
        }
    )
    forwards_out.extend({**f, "appeal_id": appeal_id} for f in forwards)


# Field inspectors beside the demo "inspector" (umbrella centre): (username, name, centre code).
# Their password is the demo inspector's; the README lists them.
DEMO_INSPECTORS = [
    ("qianweidong", "钱卫东", "umbrella"),
    ("sunlihua", "孙丽华", "umbrella"),
    ("zhouming", "周明", "game"),
    ("wuting", "吴婷", "game"),
    ("zhengkai", "郑凯", "game"),
]


def ensure_demo_inspectors(ctx: ServiceContext) -> dict[str, list[uuid.UUID]]:
    """The demo inspectors that do not exist yet; returns each centre code's inspector ids."""
    admin = ensure_demo_users(ctx)
    auth = AuthService(ctx)
    with ctx.uow(None) as uow:
        s = uow.session
        existing = set(s.scalars(select(AppUser.username)))
        centres = {c.code: c.id for c in s.scalars(select(Centre))}
    for username, display, centre in DEMO_INSPECTORS:
        if username not in existing and centre in centres:
            auth.create_user(admin, username, display, Role.INSPECTOR, "Inspector2026",
                             centres[centre])  # fmt: skip
    by_centre: dict[str, list[uuid.UUID]] = {}
    with ctx.uow(None) as uow:
        for user_id, centre_id in uow.session.execute(
            select(AppUser.id, AppUser.centre_id)
            .where(AppUser.role == Role.INSPECTOR.value, AppUser.deleted_at.is_(None))
            .order_by(AppUser.username)
        ):  # fmt: skip
            code = next((c for c, i in centres.items() if i == centre_id), "")
            by_centre.setdefault(code, []).append(user_id)
    return by_centre


def load_demo_inspections(ctx: ServiceContext, inspections: Any, cases: int = 12) -> int:
    """Joint inspections from this spring in both centres, each by a team of two of the centre's
    inspectors: most passed (their enterprises joined the compliant list), some with findings
    and a rectification under way, one of them overdue."""
    from compliance_desk.domain.inspections import ItemResult, RiskLevel
    from compliance_desk.persistence.inspection_models import Inspection, Rectification
    from compliance_desk.persistence.models import Department

    teams = ensure_demo_inspectors(ctx)
    with ctx.uow(None) as uow:
        s = uow.session
        if s.scalar(select(Inspection.id).limit(1)) is not None:
            return 0
        departments = list(s.scalars(select(Department.id).where(
            Department.number_prefix.in_(("虞市监", "虞人社", "虞应急")))))  # fmt: skip
        centres = {c.code: c.id for c in s.scalars(select(Centre))}
        game_cases = cases // 3
        chosen: list[tuple[uuid.UUID, str]] = []
        for code, n in (("umbrella", cases - game_cases), ("game", game_cases)):
            chosen += [(e, code) for e in s.scalars(
                select(Enterprise.id).where(Enterprise.centre_id == centres.get(code))
                .order_by(Enterprise.uscc).limit(n))]  # fmt: skip
    today = ctx.clock().date()
    made = 0
    for n, (enterprise_id, code) in enumerate(chosen):
        people = teams.get(code) or teams[next(iter(teams))]
        team = [people[n % len(people)], people[(n + 1) % len(people)]]
        lead = _as_user(ctx, team[0])
        planned_on = today - timedelta(days=200 - n * 7)
        view = inspections.plan(lead, enterprise_id, planned_on, departments,
                                list(dict.fromkeys(team)))  # fmt: skip
        findings = 2 if n % 4 == 3 else 0
        for k, item in enumerate(view.items):
            if k < findings:
                inspections.record(lead, item.id, ItemResult.FINDING,
                                   risk=RiskLevel.MEDIUM if k else RiskLevel.HIGH,
                                   description=f"{item.text}：现场未见相关制度和记录")  # fmt: skip
            else:
                inspections.record(lead, item.id, ItemResult.PASSED)
        inspections.sign(lead, view.id, "企业负责人")
        if findings:
            deadline = today - timedelta(days=5) if n == 3 else today + timedelta(days=40)
            with ctx.uow(lead) as uow:  # a rectification from the spring, as recorded then
                uow.session.add(Rectification(inspection_id=view.id, enterprise_id=enterprise_id,
                                              deadline=deadline, status="open"))  # fmt: skip
                uow.commit()
        made += 1
    return made
