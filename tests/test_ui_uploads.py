"""The app's two uploads through AppTest against a real store: a plan file (JSON) on Home and the
organisation's reference .docx on the export page, including hostile and malformed files."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Pt
from streamlit.testing.v1 import AppTest
from ui_support import cookie_written

from plan_builder.auth import users as users_mod
from plan_builder.auth.actor import Actor, Role
from plan_builder.auth.users import UserAdmin
from plan_builder.docx_clean import clean_docx
from plan_builder.guide import Guide
from plan_builder.plan.model import PlanStatus
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService
from plan_builder.store import Store
from plan_builder.ui import uploads_ui

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
REFERENCE = ROOT / "guide_templates/templates/kanmin-2019/reference.docx"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PW = "harukaze-2026"


@pytest.fixture
def store(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Store]:
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("PLAN_BUILDER_HOME", str(tmp_path))
    monkeypatch.setenv("PLAN_BUILDER_NO_CHARTS", "1")
    s = Store.open(db_url)
    yield s
    s.engine.dispose()


@pytest.fixture
def svc(store: Store) -> PlanService:
    return PlanService(store, Actor.local())


@pytest.fixture
def plan_file(svc: PlanService, guide: Guide) -> bytes:
    """A real exchange file, as the export page writes it."""
    stored = svc.create(sample_plan(guide, n_measures=3, n_kpis=2))
    return svc.export_json(stored.id).encode("utf-8")


def _texts(at: AppTest) -> str:
    return "\n".join(
        str(e.value) for e in [*at.markdown, *at.caption, *at.error, *at.info, *at.warning, *at.success]
    )


def _home() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception, at.exception
    return at


def _export_page(plan_id: int) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["plan"] = str(plan_id)
    at.run()
    at.switch_page("plan_builder/ui/pages/export.py").run()
    assert not at.exception, at.exception
    return at


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _zip_bomb() -> bytes:
    """The shipped reference.docx plus one member of 30 MB of zeros (about 30 KB compressed)."""
    with zipfile.ZipFile(REFERENCE) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members["word/media/image1.png"] = b"\0" * (30 * 1024 * 1024)
    return _zip(members)


def _house_style(size_pt: int) -> bytes:
    """The shipped reference.docx with the body text (Normal) set to `size_pt` points."""
    doc = Document(str(REFERENCE))
    doc.styles["Normal"].font.size = Pt(size_pt)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# Home: plan file (JSON) -----------------------------------------------------------------------


def test_home_has_the_import_widget(store: Store) -> None:
    at = _home()
    up = at.file_uploader(key="import_json")
    assert up.label == "計画ファイル（.json）を取り込む"
    assert up.allowed_type == [".json"] or up.allowed_type == ["json"]


def test_valid_file_imports_as_a_new_draft_and_opens_it(store: Store, plan_file: bytes) -> None:
    before = {p.id for p in store.list_plans()}
    at = _home()
    at.file_uploader(key="import_json").set_value(("計画.json", plan_file, "application/json")).run()
    assert not at.exception, at.exception
    new = [p for p in store.list_plans() if p.id not in before]
    assert len(new) == 1 and new[0].status is PlanStatus.DRAFT
    assert "#### 計画の入力" in [m.value for m in at.markdown]  # opened, as 「開く」 does
    assert at.session_state["pb_plan_id"] == new[0].id
    assert "計画ファイルを取り込みました" in _texts(at)
    at.run()  # a rerun with the same upload in the session imports nothing more
    assert len(store.list_plans()) == len(before) + 1


def test_broken_json_is_refused_and_nothing_changes(store: Store, plan_file: bytes) -> None:
    count = len(store.list_plans())
    at = _home()
    text = plan_file.decode("utf-8")
    broken = text[: len(text) // 2].encode("utf-8")  # cut between characters: a syntax error only
    at.file_uploader(key="import_json").set_value(("壊れた.json", broken, "application/json")).run()
    assert not at.exception, at.exception
    [err] = at.error
    assert "取り込めませんでした" in err.value and "JSONの構文が正しくありません" in err.value
    assert len(store.list_plans()) == count
    assert "pb_plan_id" not in at.session_state
    at.run()  # the refusal stays visible on rerun, and still nothing is written
    assert any("JSONの構文" in e.value for e in at.error)
    assert len(store.list_plans()) == count


def test_invalid_content_is_refused_naming_the_field(store: Store, plan_file: bytes) -> None:
    data = json.loads(plan_file)
    data["lg_code"] = "999999"
    at = _home()
    payload = json.dumps(data, ensure_ascii=False).encode()
    at.file_uploader(key="import_json").set_value(("p.json", payload, "application/json")).run()
    assert any("999999" in e.value for e in at.error)
    assert len(store.list_plans()) == 1


def test_import_once_never_imports_the_same_upload_twice(svc: PlanService, plan_file: bytes) -> None:
    done: dict[str, uploads_ui.ImportOutcome] = {}
    first, fresh = uploads_ui.import_once(svc, "upload-1", plan_file, done)
    again, fresh_again = uploads_ui.import_once(svc, "upload-1", plan_file, done)
    assert first.ok and fresh and not fresh_again and again == first
    assert len(svc.list_plans()) == 2  # the source plan and one import
    other, _ = uploads_ui.import_once(svc, "upload-2", plan_file, done)  # a new upload of it
    assert other.ok and other.plan_id != first.plan_id and len(svc.list_plans()) == 3


@pytest.fixture
def shared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, guide: Guide) -> Iterator[tuple[Store, bytes]]:
    from argon2 import PasswordHasher

    from plan_builder.auth import passwords

    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    monkeypatch.setattr(users_mod, "FAILURE_DELAY_SECONDS", 0.0)
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    monkeypatch.setenv("PLAN_BUILDER_MODE", "shared")
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.chdir(ROOT)
    store = Store.open(url)
    UserAdmin(store, Actor("root", Role.ADMIN)).add(
        "planner-a", role="planner", org_code="033227", password=PW
    )
    sapporo = PlanService(store, Actor("planner-b", Role.PLANNER, org_code="011002"))
    b_id = sapporo.create(sample_plan(guide, lg_code="011002", lg_name="札幌市", n_measures=1, n_kpis=1)).id
    yield store, sapporo.export_json(b_id).encode("utf-8")
    store.engine.dispose()


def test_planner_cannot_import_another_organisations_plan(shared: tuple[Store, bytes]) -> None:
    store, sapporo_file = shared
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.text_input[0].input("planner-a")
    at.text_input[1].input(PW)
    cookie_written(at.button[0].click().run())
    assert not at.exception and at.session_state["pb_auth_user"] == "planner-a"
    at.file_uploader(key="import_json").set_value(("札幌.json", sapporo_file, "application/json")).run()
    assert any("他の団体（札幌市、団体コード 011002）の計画は取り込めません" in e.value for e in at.error)
    assert len(store.list_plans()) == 1  # only 札幌市's own plan


# Export: organisation's reference.docx ---------------------------------------------------------


@pytest.fixture
def plan_id(svc: PlanService, guide: Guide) -> int:
    return svc.create(sample_plan(guide, n_measures=2, n_kpis=2)).id


def _upload_reference(at: AppTest, name: str, data: bytes) -> AppTest:
    return at.file_uploader(key="export_reference").set_value((name, data, DOCX_MIME)).run()


def _button(at: AppTest, label: str):
    [b] = [b for b in at.button if b.label == label]
    return b


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("様式.docx", _zip_bomb(), "圧縮爆弾"),
        ("様式.docx", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "ファイルの形式が違います"),
        ("様式.docx", _zip({"[Content_Types].xml": b"<Types/>"}), "必要な部品がありません"),
    ],
    ids=["zip-bomb", "not-a-zip", "zip-without-word-parts"],
)
def test_hostile_reference_is_refused_and_blocks_word(
    plan_id: int, name: str, data: bytes, expected: str
) -> None:
    at = _upload_reference(_export_page(plan_id), name, data)
    assert not at.exception, at.exception
    assert any("この様式は使えません" in e.value and expected in e.value for e in at.error)
    assert _button(at, "Wordを作成").disabled and _button(at, "PDFを作成").disabled
    assert not _button(at, "テキストを作成").disabled  # formats without styles still work


def test_reference_checks_the_name_not_only_the_bytes(tmp_path: Path) -> None:
    data = REFERENCE.read_bytes()
    assert "docx" in (uploads_ui.check_reference("様式.doc", data) or "")
    with pytest.raises(Exception, match="圧縮爆弾"):
        uploads_ui.write_reference("../../様式.docx", _zip_bomb(), tmp_path)
    assert list(tmp_path.iterdir()) == []
    path = uploads_ui.write_reference("../../etc/様式.docx", data, tmp_path)
    assert path == tmp_path / "reference.docx"
    assert path.read_bytes() == clean_docx("様式.docx", data).data  # rebuilt, never copied (issue 10)


def test_shipped_reference_is_accepted_and_word_export_succeeds(plan_id: int) -> None:
    at = _upload_reference(_export_page(plan_id), "reference.docx", REFERENCE.read_bytes())
    assert not at.error
    assert "「reference\\.docx」の様式で作成します" in _texts(at)  # Markdown-escaped name
    _button(at, "Wordを作成").click().run()
    assert not at.exception, at.exception
    assert "Wordを作成しました。" in _texts(at)
    data = at.session_state["pb_export_result"]["data"]
    assert "計画" in "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def test_house_style_reaches_the_word_document(plan_id: int) -> None:
    at = _upload_reference(_export_page(plan_id), "当町の様式.docx", _house_style(13))
    _button(at, "Wordを作成").click().run()
    assert "Wordを作成しました。" in _texts(at)
    out = Document(io.BytesIO(at.session_state["pb_export_result"]["data"]))
    assert out.styles["Normal"].font.size == Pt(13)
    # removing the file asks for a rebuild instead of offering the styled document as current
    at.file_uploader(key="export_reference").set_value(None).run()
    assert "様式の指定が変わったため" in _texts(at)
    assert not at.get("download_button")
