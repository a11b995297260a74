"""Review queue (scope, filters, sorting, pages) and the machine-readable xlsx/CSV exports."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from plan_builder.auth.actor import Actor, Role
from plan_builder.guide import Guide
from plan_builder.plan.model import PlanStatus
from plan_builder.review.comments import CommentService
from plan_builder.review.compare import side_by_side
from plan_builder.review.coverage import coverage_matrix
from plan_builder.review.export import to_csv, to_xlsx
from plan_builder.review.queue import QUEUE_HEADER, QueueService, queue_records
from plan_builder.review.snapshots import SnapshotFilter, SnapshotService
from plan_builder.review.workflow import ReviewService
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService
from plan_builder.store import Store

ADMIN = Actor("admin", Role.ADMIN)
IWATE = Actor("iwate", Role.REVIEWER, scope="03")
LGS = [
    ("033227", "矢巾町"),
    ("032018", "盛岡市"),
    ("033014", "雫石町"),
    ("011002", "札幌市"),
    ("032026", "宮古市"),
]


@pytest.fixture
def ids(store: Store, guide: Guide) -> dict[str, int]:
    out = {}
    for i, (code, name) in enumerate(LGS):
        p = sample_plan(guide, lg_code=code, lg_name=name, seed=i + 1)
        if code == "033014":  # leave two required answers out: lower completeness
            p = p.model_copy(
                update={"answers": {k: v for k, v in p.answers.items() if not k.startswith("current.")}}
            )
        pid = PlanService(store, ADMIN).create(p).id
        out[code] = pid
        if code != "032026":  # 宮古市 stays a draft: not in the queue
            ReviewService(store, ADMIN).submit(pid)
    ReviewService(store, IWATE).start_review(out["033227"])
    CommentService(store, IWATE).add(out["033227"], question_key="current.issues", body="具体的に")
    return out


def test_queue_scope_and_columns(store: Store, ids: dict[str, int]) -> None:
    q = QueueService(store, IWATE).page(now=datetime.now(UTC) + timedelta(days=3))
    assert q.total == 2 + 1 and {r.lg_code for r in q.rows} == {"033227", "032018", "033014"}
    row = next(r for r in q.rows if r.lg_code == "033227")
    assert row.status is PlanStatus.IN_REVIEW and row.round == 1 and row.open_comments == 1
    assert row.days_waiting == 3
    assert 0 <= row.completeness <= 1 and row.findings is not None
    national = QueueService(store, Actor("kuni", Role.REVIEWER, scope="national")).page()
    assert national.total == 4  # the draft is never in a queue
    assert QueueService(store, Actor("tokyo", Role.REVIEWER, scope="13")).page().total == 0


def test_queue_filters_sort_and_pages(store: Store, ids: dict[str, int]) -> None:
    q = QueueService(store, ADMIN).page(sort="completeness", descending=False)
    assert q.rows[0].lg_code == "033014"  # least complete first
    assert [r.completeness for r in q.rows] == sorted(r.completeness for r in q.rows)
    assert [r.lg_code for r in QueueService(store, ADMIN).page(only_open_comments=True).rows] == ["033227"]
    towns = QueueService(store, ADMIN).page(SnapshotFilter(lg_types=["town"]))
    assert {r.lg_code for r in towns.rows} == {"033227", "033014"}
    st_filter = QueueService(store, ADMIN).page(SnapshotFilter(statuses=[PlanStatus.IN_REVIEW]))
    assert [r.lg_code for r in st_filter.rows] == ["033227"]
    assert [r.lg_code for r in QueueService(store, ADMIN).page(name_contains="盛岡").rows] == ["032018"]
    p1 = QueueService(store, ADMIN).page(sort="lg_code", descending=False, page_size=3, page=1)
    p2 = QueueService(store, ADMIN).page(sort="lg_code", descending=False, page_size=3, page=2)
    assert (p1.total, p1.pages, len(p1.rows), len(p2.rows)) == (4, 2, 3, 1)
    assert [r.lg_code for r in p1.rows + p2.rows] == ["011002", "032018", "033014", "033227"]
    with pytest.raises(ValueError, match="並べ替え"):
        QueueService(store, ADMIN).page(sort="nope")


def _assert_machine_readable_xlsx(data: bytes, header: list[str], n_rows: int) -> None:
    ws = load_workbook(io.BytesIO(data)).active
    assert ws.merged_cells.ranges == set() or len(ws.merged_cells.ranges) == 0
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == header  # exactly one header row
    assert len(rows) == n_rows + 1
    for r in rows[1:]:
        assert any(v is not None and v != "" for v in r)  # no blank spacer rows
        assert all(not isinstance(v, list | dict) for v in r)
    for row in ws.iter_rows(min_row=2):
        assert all(c.data_type != "f" for c in row)  # no formulas from user text


def _assert_machine_readable_csv(data: bytes, header: list[str], n_rows: int) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # BOM by default: Excel on Japanese Windows
    text = data.decode("utf-8")[1:]  # strict UTF-8
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == header and len(rows) == n_rows + 1
    assert all(any(cell for cell in r) for r in rows[1:])
    assert all(len(r) == len(header) for r in rows)
    return rows


def test_exports_of_queue_matrix_and_side_by_side(store: Store, guide: Guide, ids: dict[str, int]) -> None:
    q = QueueService(store, ADMIN).page()
    tables = [
        (QUEUE_HEADER, queue_records(q.rows)),
        (lambda m: (m.header(), m.records()))(
            coverage_matrix(SnapshotService(store, ADMIN).load(content="digest"), guide)
        ),
        (lambda s: (s.header(), s.records()))(
            side_by_side(SnapshotService(store, ADMIN).load(), guide, "current.issues")
        ),
    ]
    for header, records in tables:
        assert records
        _assert_machine_readable_xlsx(to_xlsx(header, records), header, len(records))
        _assert_machine_readable_csv(to_csv(header, records), header, len(records))
    rows = _assert_machine_readable_csv(to_csv(*tables[0]), QUEUE_HEADER, 4)
    assert rows[1][QUEUE_HEADER.index("提出日")].count("-") == 2  # ISO date
    assert to_csv(["a"], [["x"]], bom=False) == b"a\r\nx\r\n"  # plain UTF-8 on request


def test_export_refuses_what_the_rules_forbid() -> None:
    with pytest.raises(ValueError, match="重複"):
        to_csv(["a", "a"], [[1, 2]])
    with pytest.raises(ValueError, match="空欄"):
        to_xlsx(["a", ""], [[1, 2]])
    with pytest.raises(ValueError, match="列数"):
        to_csv(["a", "b"], [[1]])
    with pytest.raises(TypeError, match="1つの値"):
        to_csv(["a"], [[["x", "y"]]])


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30),
        min_size=1,
        max_size=5,
    )
)
def test_user_text_survives_and_never_becomes_a_formula(values: list[str]) -> None:
    header = [f"c{i}" for i in range(len(values))]
    ws = load_workbook(io.BytesIO(to_xlsx(header, [values]))).active
    cells = list(ws.iter_rows(min_row=2, values_only=False))[0]
    for c, v in zip(cells, values, strict=True):
        assert c.data_type != "f"
        assert (c.value or "") == v
    [row] = list(csv.reader(io.StringIO(to_csv(header, [values]).decode("utf-8-sig"))))[1:]
    for got, v in zip(row, values, strict=True):
        assert got == ("'" + v if v.startswith(("=", "+", "-", "@", "\t", "\r")) else v)
