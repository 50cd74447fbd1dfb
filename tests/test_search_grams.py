"""The first keystrokes of the search box (one or two characters) are served by the short-gram
index (an FTS5 table since migration 0016): for every one- and two-character query it finds
exactly the live enterprises whose name or initials hold it, through new documents, renames,
deletions and a rebuild, with awkward characters (ASCII punctuation, spaces, quotes, the
private-use code points the index's tokens are made of, characters beyond the BMP); and a
database upgraded from 0014 searches the same."""

from __future__ import annotations

import random
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection

from compliance_desk.bootstrap import open_desk
from compliance_desk.persistence import migrate, search_index
from compliance_desk.persistence.db import make_engine
from compliance_desk.services.demo_data import ensure_demo_users, load_demo
from tests.conftest import FAST_HASHER
from tests.sync_support import Rig

AWKWARD = [
    "崧厦蓝天伞业有限公司",
    "ABC (绍兴) Co., Ltd.",
    'a"b c-d',
    "\ue041\ue080\ue000x",  # private use: the tokens' own code points ('a' is U+E061)
    "A\ue061a\ue020",
    "𠀋𠀌 伞",
    "  空 格  ",
    "AaBb",
]


def _docs(rng: random.Random, count: int) -> dict[uuid.UUID, tuple[str, str]]:
    alphabet = "崧厦伞业有限公司绍兴上虞 ab-(\"')AB\ue061\ue080𠀋"
    docs = {uuid.uuid4(): (name, name[:3].lower()) for name in AWKWARD}
    for _ in range(count):
        name = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 8)))
        initials = "".join(rng.choice("abcsxyAB-") for _ in range(rng.randint(0, 4)))
        docs[uuid.uuid4()] = (name, initials)
    return docs


def _index(connection: Connection, docs: dict[uuid.UUID, tuple[str, str]], fresh: bool) -> None:
    search_index.update(
        connection,
        [search_index.IndexDoc(i, n, "pinyin", ini, "", True) for i, (n, ini) in docs.items()],
        fresh=fresh,
    )


def _expected(docs: dict[uuid.UUID, tuple[str, str]], query: str) -> set[uuid.UUID]:
    return {i for i, (n, ini) in docs.items() if query in n.lower() or query in ini.lower()}


def _queries(docs: dict[uuid.UUID, tuple[str, str]]) -> set[str]:
    out = {"q", "zz", "\ue061", "\ue080", "\ue080\ue000", "Ａ", "a\ue061"}
    for name, initials in docs.values():
        for value in (name.lower(), initials.lower()):
            out.update(value)
            out.update(value[i : i + 2] for i in range(len(value) - 1))
    return {q for q in out if q.strip() == q and q}


def _check(connection: Connection, docs: dict[uuid.UUID, tuple[str, str]]) -> int:
    queries = _queries(docs)
    for query in queries:
        found = search_index.search_ids(connection, query, 10_000)
        assert len(found) == len(set(found)), query
        assert set(found) == _expected(docs, query), repr(query)
    return len(queries)


def test_short_queries_find_exactly_the_names_and_initials_that_hold_them(tmp_path: Path) -> None:
    desk = open_desk(f"sqlite:///{tmp_path / 'd.sqlite3'}", hasher=FAST_HASHER)
    rng = random.Random(6)
    docs = _docs(rng, 300)
    with desk.ctx.engine.begin() as connection:
        _index(connection, docs, fresh=True)
        assert _check(connection, docs) > 100
        renamed = {i: (n[::-1] + "改", ini + "g") for i, (n, ini) in list(docs.items())[:60]}
        _index(connection, renamed, fresh=False)  # re-indexed: old grams gone, new ones found
        docs.update(renamed)
        _check(connection, docs)
        gone = list(docs)[60:120]
        search_index.update(
            connection,
            [search_index.IndexDoc(i, *docs[i][:1], "p", docs[i][1], "", False) for i in gone],
        )
        for i in gone:
            del docs[i]
        _check(connection, docs)
        search_index.rebuild(
            connection,
            [search_index.IndexDoc(i, n, "p", ini, "", True) for i, (n, ini) in docs.items()],
        )
        _check(connection, docs)
        assert search_index.search_ids(connection, "", 10) == []
    desk.close()


def test_a_database_of_0014_gets_the_new_gram_index_and_searches_the_same(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    desk = open_desk(url, hasher=FAST_HASHER)
    ensure_demo_users(desk.ctx)
    load_demo(desk.ctx, "small", appeals=0)
    with desk.ctx.engine.connect() as connection:
        docs = {
            uuid.UUID(hex=eid): (name, initials)
            for eid, name, initials in connection.exec_driver_sql(
                "SELECT eid, name, initials FROM enterprise_fts"
            )
        }
    desk.close()
    assert len(docs) > 100
    from alembic import command

    engine = make_engine(url)
    cfg = migrate.alembic_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "0014")
    with engine.connect() as connection:  # the B-tree of grams, as 0014 had it
        grams = connection.exec_driver_sql("SELECT count(*) FROM enterprise_gram").scalar()
        assert grams is not None and grams > 10 * len(docs)
    engine.dispose()
    desk = open_desk(url, hasher=FAST_HASHER)  # upgraded on opening
    assert migrate.current_revision(desk.ctx.engine) == migrate.SCHEMA_HEAD
    with desk.ctx.engine.connect() as connection:
        _check(connection, docs)
    desk.close()


def test_a_documents_gram_text_is_its_grams_tokens_in_order_whatever_the_characters() -> None:
    """``gram_text`` of a Chinese name with ASCII initials is made without translating each
    gram: the text is still each gram's token in the grams' order, the text the index was given
    before (a contentless table is told the same text to delete it); awkward characters too."""
    rng = random.Random(7)
    docs = _docs(rng, 2000)
    docs[uuid.uuid4()] = ("İstanbul 崧厦", "İs")  # lower() makes it longer
    docs[uuid.uuid4()] = ("", "")
    docs[uuid.uuid4()] = (
        "绍兴上虞润泽曜石兴隆动漫设计有限公司",
        "SXSY rzysxl-dmsj",
    )  # the common kind
    docs[uuid.uuid4()] = ("崧厦", "")
    for name, initials in docs.values():
        grams = sorted(search_index.short_grams(name, initials))
        expected = " ".join(search_index.gram_token(g) for g in grams)
        assert search_index.gram_text(name, initials) == expected, (name, initials)


def test_a_documents_index_rows_from_its_hex_id_are_those_from_its_uuid() -> None:
    doc = search_index.IndexDoc(
        uuid.uuid4(), "崧厦伞业", "songxiasanye", "sxsy", "０５７５-8", True
    )
    assert search_index.hex_doc_rows(doc.id.hex, doc.name, doc.pinyin, doc.initials, doc.phone) == (
        search_index.docid(doc.id),
        (doc.id.hex, doc.name, doc.pinyin, doc.initials, "05758"),
        search_index.gram_text(doc.name, doc.initials),
    )


def test_a_name_with_full_width_brackets_is_found_however_the_brackets_are_typed(
    tmp_path: Path,
) -> None:
    """Company names are written with full-width brackets (上虞（绍兴）伞业有限公司); the search
    box folds full-width ASCII to half-width as it is typed, so the index holds the names folded
    the same way: （绍兴）, (绍兴), （ and （绍 all find it (before, only (绍兴)-less queries did).
    A database indexed before migration 0018 is folded by it."""
    from alembic import command

    from compliance_desk.domain.enterprise import EnterpriseDraft
    from compliance_desk.services.demo_data import _uscc

    url = f"sqlite:///{tmp_path / 'fold.sqlite3'}"
    desk = open_desk(url, hasher=FAST_HASHER)
    ensure_demo_users(desk.ctx)
    user = desk.auth.login("admin", "Admin2026")
    made = desk.enterprises.create(
        user, EnterpriseDraft(name="上虞（绍兴）晴天伞业有限公司", uscc=_uscc(random.Random(3)))
    )

    def found(query: str) -> bool:
        return made.id in {v.id for v in desk.enterprises.search(user, query)}

    queries = ["（绍兴）", "(绍兴)", "（", "(", "（绍", "兴）晴", "晴天伞"]
    assert all(found(q) for q in queries), [q for q in queries if not found(q)]
    desk.close()
    engine = make_engine(url)
    cfg = migrate.alembic_config()
    with engine.begin() as connection:  # the index as the release before 0018 wrote it
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "0017")
        indexed = connection.exec_driver_sql("SELECT name FROM enterprise_fts").scalars().all()
    engine.dispose()
    assert "上虞（绍兴）晴天伞业有限公司" in indexed
    desk = open_desk(url, hasher=FAST_HASHER)  # upgraded on opening
    user = desk.auth.login("admin", "Admin2026")
    assert all(found(q) for q in queries), [q for q in queries if not found(q)]
    with desk.ctx.engine.connect() as connection:
        _check(  # the short grams of every document still exactly right
            connection,
            {
                uuid.UUID(hex=eid): (name, initials)
                for eid, name, initials in connection.exec_driver_sql(
                    "SELECT eid, name, initials FROM enterprise_fts"
                )
            },
        )
    desk.close()


@pytest.mark.postgres
def test_on_postgresql_too_full_width_brackets_are_found_however_typed(rig: Rig) -> None:
    """A desk on the shared PostgreSQL searches by LIKE over the columns: the name is folded
    there as the query is."""
    from compliance_desk.domain.enterprise import EnterpriseDraft
    from compliance_desk.services.demo_data import _uscc

    desk = rig.server_desk
    user = desk.auth.login("admin", "Admin2026")
    made = desk.enterprises.create(
        user, EnterpriseDraft(name="上虞（绍兴）雨天伞业有限公司", uscc=_uscc(random.Random(4)))
    )
    for query in ("（绍兴）", "(绍兴)", "（绍", "兴）雨", "雨天伞"):
        assert made.id in {v.id for v in desk.enterprises.search(user, query)}, query


def test_the_recycle_bin_search_on_sqlite_folds_names_too(tmp_path: Path) -> None:
    """Deleted enterprises are searched over the table itself (not the index of live ones):
    the name is folded there as the query is."""
    from compliance_desk.domain.enterprise import EnterpriseDraft
    from compliance_desk.services.demo_data import _uscc
    from compliance_desk.services.enterprises import Filter

    desk = open_desk(f"sqlite:///{tmp_path / 'bin.sqlite3'}", hasher=FAST_HASHER)
    ensure_demo_users(desk.ctx)
    user = desk.auth.login("admin", "Admin2026")
    made = desk.enterprises.create(
        user, EnterpriseDraft(name="上虞（绍兴）阴天伞业有限公司", uscc=_uscc(random.Random(5)))
    )
    desk.enterprises.delete(user, made.id)
    for query in ("（绍兴）", "(绍兴)", "兴）阴"):
        assert made.id in desk.enterprises.ids(user, Filter(text=query, deleted_only=True)), query
    desk.close()


def _word_fixture(desk: Any, user: Any, seed: int) -> dict[str, uuid.UUID]:
    from compliance_desk.domain.enterprise import EnterpriseDraft
    from compliance_desk.services.demo_data import _uscc

    rng = random.Random(seed)
    names = {
        "both": "绍兴崧厦蓝天伞业有限公司",
        "place": "崧厦红星制衣厂",
        "trade": "上虞蓝天伞业商行",
        "digits": "上虞4399网络科技有限公司",
    }
    phones = {"both": "0575-82112345", "place": "13812345678", "trade": "", "digits": ""}
    return {
        key: desk.enterprises.create(
            user, EnterpriseDraft(name=name, uscc=_uscc(rng), contact_phone=phones[key])
        ).id
        for key, name in names.items()
    }


WORDS = {  # typed with spaces -> the enterprises it must find (and no other of the three)
    "崧厦 伞业": {"both"},
    "伞业 崧厦": {"both"},
    "崧厦蓝天 有限": {"both"},  # a word of 3+ characters with a short one
    "songxia 伞业": {"both"},  # pinyin with a word
    "蓝天 伞业": {"both", "trade"},
    "0575 8211 2345": {"both"},  # a phone number typed in groups
    "崧厦　红星": {"place"},  # the ideographic space
    "崧厦 电器": set(),
    "4399": {"digits"},  # digits in a name (they searched the phones only)
    "4399 网络": {"digits"},
    "13812345678": {"place"},  # a whole mobile number (it was taken for a code's prefix)
}


def test_words_apart_are_each_found_in_any_order(tmp_path: Path) -> None:
    """A clerk types 崧厦 伞业 for 绍兴崧厦蓝天伞业有限公司: each word is looked for (it was
    one phrase with its space, and found nothing)."""
    from compliance_desk.services.enterprises import Filter

    desk = open_desk(f"sqlite:///{tmp_path / 'words.sqlite3'}", hasher=FAST_HASHER)
    ensure_demo_users(desk.ctx)
    user = desk.auth.login("admin", "Admin2026")
    made = _word_fixture(desk, user, 6)
    for query, expected in WORDS.items():
        found = {v.id for v in desk.enterprises.search(user, query)} & set(made.values())
        assert found == {made[k] for k in expected}, query
    for key in made:  # the recycle bin searches the table itself, word by word too
        desk.enterprises.delete(user, made[key])
    for query, expected in WORDS.items():
        found = set(desk.enterprises.ids(user, Filter(text=query, deleted_only=True)))
        assert found & set(made.values()) == {made[k] for k in expected}, query
    desk.close()


@pytest.mark.postgres
def test_on_postgresql_too_words_apart_are_each_found(rig: Rig) -> None:
    desk = rig.server_desk
    user = desk.auth.login("admin", "Admin2026")
    made = _word_fixture(desk, user, 7)
    for query, expected in WORDS.items():
        found = {v.id for v in desk.enterprises.search(user, query)} & set(made.values())
        assert found == {made[k] for k in expected}, query
