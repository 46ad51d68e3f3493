"""The library store (xxgk.store) on SQLite and PostgreSQL: schema, agencies, versions and
corrections, findings and review, users, audit."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from xxgk import editions
from xxgk.model import Cell, Report, Section
from xxgk.query import Filters
from xxgk.store import Library, resolve_url
from xxgk.store import engine as engines
from xxgk.store.findings import fingerprint
from xxgk.store.models import Base
from xxgk.store.writer import Agencies, AgencyRef

import consistent


def _report(agency: str = "桦川县财政局", year: int = 2021, **changes: int | None) -> Report:
    """A consistent 2021 report with a narrative; `changes` overwrite cells."""
    values = consistent.complete("2021", {"t3.granted.natural_person": 5,
                                          "t3.unable_not_held.commercial": 2,
                                          "t3.carried_forward.natural_person": 1,
                                          "t4.review.upheld": 1})
    r = consistent.report_of("2021", values, year=year)
    r.agency = agency
    r.published = dt.date(year + 1, 1, 20)
    r.title = f"{agency}{year}年政府信息公开工作年度报告"
    r.sections = [Section(s.key, s.number, s.heading, f"{agency}{s.heading}的正文。")
                  for s in editions.get("2021").sections]
    for k, v in changes.items():
        r.cells[k] = Cell(v, None if v is None else str(v))
    return r


@pytest.fixture
def lib(db_url):
    with Library.open(db_url) as library:
        yield library


# -- schema -------------------------------------------------------------------------------------
def test_migrations_build_exactly_the_models(lib):
    with lib.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    assert engines.current_revision(lib.engine) == engines.head_revision() == engines.HEAD


def test_opening_again_keeps_the_data(db_url):
    with Library.open(db_url) as first:
        first.add_agency("桦川县财政局", region="黑龙江省/佳木斯市/桦川县")
    with Library.open(db_url) as again:
        assert again.agency("桦川县财政局").region == "黑龙江省/佳木斯市/桦川县"


def test_urls():
    assert resolve_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert resolve_url("sqlite:///x.db") == "sqlite:///x.db"
    assert resolve_url("lib.db").startswith("sqlite:////")


def test_default_url_is_env_then_user_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("XXGK_DB", str(tmp_path / "env.db"))
    assert engines.default_url() == f"sqlite:///{tmp_path / 'env.db'}"
    monkeypatch.delenv("XXGK_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert engines.default_url() == f"sqlite:///{tmp_path / 'data' / 'xxgk' / 'library.db'}"


# -- agencies -----------------------------------------------------------------------------------
def test_agencies_are_found_by_any_name_folded(lib):
    a = lib.add_agency("桦川县人民政府", region="黑龙江省/佳木斯市/桦川县/", aliases=["桦川县政府"],
                       actor="tester")
    assert (a.kind, a.level, a.region) == ("government", "county", "黑龙江省/佳木斯市/桦川县")
    assert lib.agency("樺川縣人民政府") == a  # Traditional
    assert lib.agency(" 桦川县 政府 ") == a  # alias, spaces
    assert lib.agency(a.id) == a
    assert lib.agency("桦川县财政局") is None
    with pytest.raises(ValueError):
        lib.add_agency("桦川县人民政府")
    town = lib.add_agency("桦川县悦来镇人民政府", region="黑龙江省/佳木斯市/桦川县")
    assert (town.kind, town.level) == ("township", "township")
    assert lib.add_agency("桦川县财政局").kind == "department"
    assert lib.regions() == ["黑龙江省", "黑龙江省/佳木斯市", "黑龙江省/佳木斯市/桦川县"]


def test_the_writers_agencies_are_the_committed_ones_used_last():
    kept = Agencies(size=2)
    a, b, c = (AgencyRef(i, name, None) for i, name in enumerate(("甲局", "乙局", "丙局")))
    kept.put("甲局", a)
    assert kept.get("甲局") is a  # the transaction under way finds what it made
    kept.rollback()  # ... which does not exist when it does not commit
    assert kept.get("甲局") is None and len(kept) == 0
    kept.put("甲局", a)
    kept.put("乙局", b)
    kept.commit()
    assert kept.get("甲局") is a  # used last: 乙局 is now the one to forget
    kept.put("丙局", c)
    kept.commit()
    assert len(kept) == 2
    assert (kept.get("乙局"), kept.get("甲局"), kept.get("丙局")) == (None, a, c)


def test_changing_an_agencys_kind_moves_its_deadlines(lib):
    lib.add_report(_report("桦川县某中心"), source=None, name="center.json", actor="tester")
    row = lib.find_report("桦川县某中心", 2021)
    assert row.kind == "department" and row.deadline == dt.date(2022, 1, 31)
    lib.update_agency(row.agency_id, kind="government", actor="tester")
    assert lib.find_report("桦川县某中心", 2021).deadline == dt.date(2022, 3, 31)
    entry = lib.audit(action="agency.update")[0]
    assert entry.detail["kind"] == ["department", "government"] and entry.actor == "tester"


# -- reports, versions, corrections ----------------------------------------------------------
def test_report_round_trip_keeps_cells_and_provenance(lib):
    r = _report()
    res = lib.add_report(r, source=b"the bytes the user wrote", name="upload.json", actor="alice")
    assert res.status == "ingested" and res.version == 1
    detail = lib.report(res.report_id)
    assert detail.report.cells == r.cells | {}  # every cell as stored
    assert detail.row.agency == "桦川县财政局" and detail.row.year == 2021
    assert detail.version.producer == "parser" and detail.version.source_name == "upload.json"
    assert lib.source(detail.version.id) == ("upload.json", b"the bytes the user wrote")
    assert lib.add_report(r, source=b"the bytes the user wrote", name="again.json").status == \
        "duplicate"


def test_a_correction_is_a_new_version_and_rechecks(lib):
    broken = _report(**{"t3.granted.total": 6})  # H2: the row's total no longer adds up
    rid = lib.add_report(broken, source=None, name="broken.json", actor="alice").report_id
    before = lib.report(rid)
    assert before.row.errors >= 1 and {"H2", "H3"} <= {f.rule for f in before.findings}
    info = lib.correct(rid, {"t3.granted.total": 5}, author="reviewer1", reason="核对原件，总计应为5")
    assert (info.number, info.producer, info.author) == (2, "correction", "reviewer1")
    after = lib.report(rid)
    assert after.version.id == info.id and after.row.versions == 2
    assert after.report.value("t3.granted.total") == 5
    assert after.report.cells["t3.granted.total"].note.startswith("人工更正")
    assert not [f for f in after.findings if f.severity == "error"] and after.row.errors == 0
    assert [d.key for d in lib.diff_versions(before.version.id, info.id)] == ["t3.granted.total"]
    first = lib.version(before.version.id)  # the old version is kept as it was
    assert first.report.value("t3.granted.total") == 6 and first.info.number == 1
    assert {f.rule for f in first.findings} >= {"H2"}
    assert lib.audit(action="correct")[0].detail["cells"] == {"t3.granted.total": [6, 5]}


@pytest.mark.parametrize("cells, reason", [
    ({"t3.no_such_cell.total": 1}, "理由"),
    ({"t3.granted.total": "五"}, "理由"),
    ({"t3.granted.total": True}, "理由"),
    ({"t3.granted.total": 5}, "  "),
])
def test_a_wrong_correction_writes_nothing(lib, cells, reason):
    rid = lib.add_report(_report(), source=None, name="r.json").report_id
    revision = lib.revision()
    with pytest.raises(ValueError):
        lib.correct(rid, cells, author="x", reason=reason)
    assert lib.revision() == revision and len(lib.versions(rid)) == 1


def test_published_date_correction_moves_lateness(lib):
    rid = lib.add_report(_report(), source=None, name="r.json").report_id
    assert lib.report(rid).row.late is False
    lib.correct(rid, {}, author="x", reason="发布日期以网站为准", published=dt.date(2022, 2, 3))
    row = lib.report(rid).row
    assert row.late is True and row.published == dt.date(2022, 2, 3)
    assert "F5" in {f.rule for f in lib.findings(rid)}


# -- findings and review ----------------------------------------------------------------------
def test_review_survives_recheck_and_corrections(lib):
    rid = lib.add_report(_report(**{"t3.granted.total": 6}), source=None, name="r.json").report_id
    h2 = next(f for f in lib.findings(rid) if f.rule == "H2")
    assert h2.fingerprint == fingerprint("H2", h2.cells)
    errors = lib.report(rid).row.errors
    lib.review(rid, h2.fingerprint, "dismissed", by="reviewer1", note="原件如此")
    assert lib.report(rid).row.errors == errors - 1
    lib.recheck(rid, actor="reviewer1")
    again = next(f for f in lib.findings(rid) if f.rule == "H2")
    assert again.review is not None and again.review.state == "dismissed"
    assert again.review.by == "reviewer1" and again.review.note == "原件如此"
    # a correction elsewhere: the same rule still fails on the same cells, the decision stays
    lib.correct(rid, {"t2.art20_5.licensing.decisions": 9}, author="r", reason="补录")
    kept = next(f for f in lib.findings(rid) if f.rule == "H2")
    assert kept.review is not None and kept.review.state == "dismissed"
    lib.review(rid, h2.fingerprint, None, by="reviewer1")
    assert next(f for f in lib.findings(rid) if f.rule == "H2").review is None
    with pytest.raises(KeyError):
        lib.review(rid, "0" * 40, "confirmed", by="reviewer1")
    with pytest.raises(ValueError):
        lib.review(rid, h2.fingerprint, "approved", by="reviewer1")


def test_fingerprints_without_cells_tell_sections_apart():
    a = fingerprint("F6", [], "Section 1 (overview) is 93% similar to last year's report")
    b = fingerprint("F6", [], "Section 5 (problems) is 93% similar to last year's report")
    c = fingerprint("F6", [], "Section 1 (overview) is 97% similar to last year's report")
    assert a != b and a == c
    assert fingerprint("H1", ["b", "a"]) == fingerprint("H1", ["a", "b", "a"])


def test_cross_year_findings_follow_either_order(lib):
    last = _report(year=2020, **{"t3.carried_forward.natural_person": 1})
    this = _report(year=2021, **{"t3.carried_over.natural_person": 0})
    rid = lib.add_report(this, source=None, name="2021.json").report_id
    assert "P1" not in {f.rule for f in lib.findings(rid)}  # no last year yet
    lib.add_report(last, source=None, name="2020.json")
    p1 = [f for f in lib.findings(rid) if f.rule == "P1"]
    # last year carried 1 forward (natural person, hence the total); this year carries over 0
    assert [f.cells for f in p1] == [("t3.carried_over.natural_person",),
                                     ("t3.carried_over.total",)]
    assert lib.report(rid).row.warnings >= 1


# -- users and audit -----------------------------------------------------------------------------
def test_users_roles_and_passwords(lib):
    agency = lib.add_agency("桦川县财政局", region="黑龙江省/佳木斯市/桦川县")
    admin = lib.add_user("admin", "correct horse battery", "admin", actor="setup")
    rev = lib.add_user("li", "reviewer pass 1", "reviewer", region="黑龙江省/佳木斯市")
    ed = lib.add_user("wang", "editor pass 1", "editor", agency="桦川县财政局")
    view = lib.add_user("zhao", "viewer pass 1", "viewer")
    assert ed.agency_id == agency.id and ed.agency == "桦川县财政局"
    assert [u.username for u in lib.users()] == ["admin", "li", "wang", "zhao"]
    assert lib.authenticate("admin", "correct horse battery") == admin
    assert lib.authenticate("admin", "wrong") is None and lib.authenticate("nobody", "x") is None
    for bad in (dict(role="boss"), dict(role="reviewer"), dict(role="editor"),
                dict(role="editor", agency="没有这个机关")):
        with pytest.raises(ValueError):
            lib.add_user("x" + str(len(bad)), "long enough pw", **bad)
    with pytest.raises(ValueError):
        lib.add_user("li", "another password", "viewer")
    with pytest.raises(ValueError):
        lib.add_user("short", "1234567", "viewer")
    stored = lib.engine.connect().exec_driver_sql(
        "SELECT password_hash FROM users WHERE username='admin'").scalar()
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    lib.set_password("li", "new reviewer pass", actor="admin")
    assert lib.authenticate("li", "reviewer pass 1") is None
    assert lib.authenticate("li", "new reviewer pass").username == "li"
    lib.set_disabled("zhao", True, actor="admin")
    assert lib.authenticate("zhao", "viewer pass 1") is None and lib.user("zhao").disabled
    # scopes and edit rights
    rid = lib.add_report(_report(), source=None, name="r.json").report_id
    other = lib.add_report(_report("汤原县司法局"), source=None, name="o.json").report_id
    lib.update_agency(lib.agency("汤原县司法局").id, region="黑龙江省/佳木斯市/汤原县")
    assert lib.scope(rev) == Filters(region="黑龙江省/佳木斯市")
    assert lib.scope(ed) == Filters(agency_id=agency.id) and lib.scope(admin) == Filters()
    assert [r.id for r in lib.reports(lib.scope(ed))] == [rid]
    assert lib.can_edit(admin, other) and lib.can_edit(rev, rid) and lib.can_edit(ed, rid)
    assert not lib.can_edit(ed, other) and not lib.can_edit(view, rid)
    lib.update_user("li", region="黑龙江省/佳木斯市/汤原县", actor="admin")
    assert not lib.can_edit(lib.user("li"), rid) and lib.can_edit(lib.user("li"), other)
    actions = [(e.actor, e.action) for e in lib.audit(limit=1000)]
    assert ("setup", "user.add") in actions and ("admin", "user.password") in actions
    assert ("admin", "user.disable") in actions and ("admin", "user.update") in actions


def test_every_write_is_audited(lib):
    user = lib.add_user("alice", "alice's password", "admin")
    rid = lib.add_report(_report(**{"t3.granted.total": 6}), source=None, name="r.json",
                         actor=user).report_id
    f = lib.findings(rid)[0]
    lib.review(rid, f.fingerprint, "confirmed", by=user)
    lib.correct(rid, {"t3.granted.total": 5}, author=user, reason="更正")
    lib.recheck(rid, actor=user)
    lib.delete_report(rid, actor=user)
    got = [(e.action, e.actor, e.user_id, e.target) for e in lib.audit(limit=10)][::-1]
    target = f"report:{rid}"
    assert got[1:] == [("ingest", "alice", user.id, target), ("review", "alice", user.id, target),
                       ("correct", "alice", user.id, target), ("recheck", "alice", user.id, target),
                       ("delete", "alice", user.id, target)]
    assert lib.count_reports() == 0 and lib.revision() == lib.audit(limit=1)[0].id
    cli = lib.add_agency("某局")
    assert cli and lib.audit(limit=1)[0].actor.startswith("cli:")


def test_records_are_plain_data(lib):
    rid = lib.add_report(_report(), source=None, name="r.json").report_id
    d = lib.report(rid)
    json.dumps([f.to_dict() for f in d.findings], ensure_ascii=False)
    assert d.row.updated_at.tzinfo is not None
