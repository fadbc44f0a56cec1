"""Across reports: organisation keys and places, the rules across years, recurring problems, the archive tables."""

from __future__ import annotations

import json

import duckdb
import pytest
from typer.testing import CliRunner

import gongkai
from gongkai.extract.archive.across import Archive, build_across
from gongkai.extract.archive.store import Store
from gongkai.extract.archive.tables import DocumentRecord
from gongkai.extract.domain.across.continuity import ContinuityChecker
from gongkai.extract.domain.across.orgs import identify
from gongkai.extract.domain.across.recurring import Statement, compare_narratives
from gongkai.extract.domain.gazetteer import gazetteer
from gongkai.extract.domain.model import Item, Report, SectionText
from gongkai.extract.domain.organisations import classify, vocabulary
from gongkai.extract.domain.schema import load_schema
from gongkai.extract.interfaces.cli import app
from tests.conftest import CORPUS, ROOT, SHARED
from tests.generator.series import score
from tests.test_sections_metadata import ORGS

SERIES = CORPUS / "series"


def truth_cells(doc: str) -> dict:
    return json.loads((SHARED / "truth" / f"{doc}.json").read_text("utf-8"))["cells"]


# -- who is who ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key", "match"),
    [
        ("淮安市洪泽区人民政府", "320813/人民政府", "exact"),
        ("洪泽区人民政府", "320813/人民政府", "unique"),
        ("洪泽区政府", "320813/人民政府", "unique"),
        ("洪泽县人民政府", "320813/人民政府", "renamed"),  # 撤县设区 in 2016: the stem stays
        ("洪泽区政府办公室", "320813/人民政府办公室", "unique"),  # same place, another body
        ("淮安市人民政府", "320800/人民政府", "unique"),
        ("江苏省人民政府办公厅", "320000/人民政府办公厅", "unique"),
        ("淮安市环境保护局", "320800/生态环境局", "unique"),  # renamed in the 2018 reform
        ("淮安市公安局", "320800/公安局", "unique"),  # 公安县 is a county elsewhere: not read into 公安局
        ("重庆市大足区宝顶镇人民政府", "500111104/人民政府", "exact"),
        ("北京市朝阳区人民政府", "110105/人民政府", "exact"),
        ("南京市鼓楼区人民政府", "320106/人民政府", "exact"),
        ("鼓楼区人民政府", "?鼓楼区/人民政府", "ambiguous"),  # four 鼓楼区 in China
        ("金山镇", "?金山镇/人民政府", "ambiguous"),
        ("城乡一体化示范区党政办公室", "?城乡一体化示范区党政办公室", "none"),  # not a division
        ("西咸新区北杜街道办事处", "610404010/办事处", "unique"),  # a zone (新区) in front of the division
        # one reading for the key and the report's level and body (organisations.classify)
        ("北京市海淀区学院路街道办事处", "110108010/办事处", "exact"),  # three 学院路街道; one in 海淀区
        ("锡林郭勒盟行政公署", "152500/人民政府", "unique"),  # the 盟's government: body 人民政府
        ("国家税务总局淮安市税务局", "320800/税务局", "unique"),  # a vertically managed branch
        ("平江县某某乡人民政府", "430626/某某乡人民政府", "unique"),  # a township the table lacks
        ("淮安市高新技术产业开发区管委会", "320800/高新技术产业开发区管理委员会", "unique"),
        ("苏州工业园区管理委员会", "?苏州工业园区管理委员会", "none"),
    ],
)
def test_org_key_and_place(name, key, match):
    who = identify(name)
    assert (who.key, who.place.match) == (key, match)
    if who.place.division_code:
        assert who.key.startswith(who.place.division_code + "/")
    else:
        assert who.key.startswith("?") and who.place.confidence < 0.5


def test_place_names_and_levels():
    p = identify("淮安市洪泽区人民政府").place
    assert (p.province, p.prefecture, p.county, p.township, p.level) == ("江苏省", "淮安市", "洪泽区", None, "县级")
    p = identify("重庆市大足区宝顶镇人民政府").place
    assert (p.province, p.prefecture, p.county, p.township, p.level) == ("重庆市", None, "大足区", "宝顶镇", "乡级")
    assert identify("城南街道办事处").key == identify("城南街道").key == "?城南街道/办事处"


# names whose level or body the county-level gazetteer missed: a township with 城/园/厅 in its own name,
# a county printed under its suffix before a 撤县设市/设区, a township the reading took for a department
ONE_READING = [
    ("东城街道办事处", "乡级", "街道办事处", "?东城街道/办事处"),
    ("广西壮族自治区柳州市城中区公园街道人民政府", "乡级", "街道办事处", "450202002/办事处"),
    ("云南省红河哈尼族彝族自治州建水县官厅镇人民政府", "乡级", "乡镇", "532524101/人民政府"),
    ("七星关市人民政府", "县级", "人民政府", "520502/人民政府"),
    ("威海市荣成县人民政府", "县级", "人民政府", "371082/人民政府"),
    ("丰城市杜市镇党政办公室", "乡级", "办公厅/室", "360981120/党政办公室"),
    ("丹阳市吕城镇政府办", "乡级", "办公厅/室", "321181112/人民政府办公室"),
]


@pytest.mark.parametrize(("name", "level", "body", "key"), ONE_READING, ids=[n[0] for n in ONE_READING])
def test_level_body_and_key_from_one_reading(name, level, body, key):
    who = identify(name)
    assert (who.reading.level, who.reading.body, who.key) == (level, body, key)
    assert (classify(name).level, classify(name).body) == (level, body)


@pytest.mark.parametrize("name", [n[0] for n in ORGS + ONE_READING if n[0]])
def test_the_keys_body_part_is_the_reports_body(name):
    """A report's ``body`` and its ``org_key``'s body part are one reading of the name."""
    v = vocabulary()
    who = identify(name)
    r = who.reading
    if r.placed is None:
        assert who.key == f"?{r.name}"
        return
    below = "".join(d.name for d in r.divisions[r.placed + 1 :])
    assert who.key.split("/", 1)[1] == below + r.key_words
    if r.body in v.body_keys:  # a government: its key (人民政府, 办事处, 管理委员会)
        assert r.key_words == v.body_keys[r.body]
    elif r.body == "办公厅/室":
        assert r.key_words in set(v.offices.values())
    else:  # a department or institution: its own (full, current) name
        assert r.key_words and r.key_words not in v.body_keys.values()
    # and the place is the reading's: the division code is one of its last placed division's candidates
    if who.place.division_code:
        assert who.place.division_code in {c.code for c in r.divisions[r.placed].candidates}


def test_every_township_of_the_table_has_a_kind_and_a_government():
    """The kinds come from the names' suffixes (data/organisations.yaml); the table changing shape fails here."""
    v = vocabulary()
    gaz = gazetteer()
    assert gaz.as_of >= "2025-12-31" and gaz.source
    towns = [d for d in gaz.divisions.values() if d.level == 4]
    assert len(towns) > 38000
    kinds = {v.kind(d.name) for d in towns}
    assert "" not in kinds and kinds <= set(v.division_levels)
    assert {v.division_levels[k] for k in kinds} == {"乡级"}
    assert {v.government_of.get(k) for k in kinds} == {"乡镇", "街道办事处"}
    assert v.table_levels == {1: "省级", 2: "地级", 3: "县级", 4: "乡级"}


def test_an_ambiguous_name_is_settled_only_by_the_reports_own_text():
    alone = identify("金山镇")
    assert alone.place.division_code is None and len(alone.place.candidates) > 5
    told = identify("金山镇", "金山镇人民政府网站 禄丰市人民政府 …")
    assert (told.place.division_code, told.place.county, told.place.match) == ("532302100", "禄丰市", "context")
    # two candidates' places named equally: still ambiguous
    a, b = (identify("金山镇").place.candidates[i] for i in (0, 1))
    assert a != b
    assert identify("金山镇", "江苏省 辽宁省").place.match in ("ambiguous", "context")


def test_the_real_seed_report_finds_its_township_from_its_text():
    report = gongkai.read_report(SHARED / "seeds" / "seed003.txt", gongkai.Options(narrative=False))
    assert report.organization == "金山镇"  # the title says no more
    assert (report.place.division_code, report.place.county, report.place.match) == ("532302100", "禄丰市", "context")


def test_the_real_pair_is_one_body():
    a = gongkai.read_report(SHARED / "pdf" / "hongze_2023.pdf", gongkai.Options(narrative=False))
    b = gongkai.read_report(SHARED / "pdf" / "hongze_2024.pdf", gongkai.Options(narrative=False))
    assert (a.organization, b.organization) == ("洪泽区人民政府", "淮安市洪泽区人民政府")
    assert a.org_key == b.org_key == "320813/人民政府"
    cmp = gongkai.compare(b, a)  # order does not matter: by year
    assert cmp.same_body and (cmp.earlier.year, cmp.later.year) == (2023, 2024)
    assert cmp.findings == []  # carried over 0 = 0; documents in force 5 + 3 - 0 = 8


# -- rules across years ---------------------------------------------------------------------------------


def test_continuity_findings_name_both_reports_cells():
    last, this = truth_cells("hongze_2023"), dict(truth_cells("hongze_2024"))
    this["applications.carried_over.natural_person"] = 3
    this["active_disclosure.normative_documents.in_force"] = 7  # 5 + 3 - 0 expected
    found = {f.rule: f for f in ContinuityChecker().check(last, this, 2023, 2024)}
    carried, in_force = found["continuity.carried_over"], found["continuity.in_force"]
    assert (carried.severity, carried.where, carried.printed, carried.expected) == (
        "error", "applications.*.natural_person", 3.0, 0.0)
    assert carried.cells == ["2024:applications.carried_over.natural_person",
                             "2023:applications.carried_forward.natural_person"]
    assert (in_force.severity, in_force.where, in_force.printed, in_force.expected) == (
        "warning", "active_disclosure.normative_documents.*", 7.0, 8.0)
    assert "2023:active_disclosure.normative_documents.in_force" in in_force.cells
    # only between consecutive years, and only where both reports print the cells
    assert ContinuityChecker().check(last, this, 2022, 2024) == []
    no_in_force = {k: v for k, v in this.items() if not k.endswith(".in_force")}
    assert {f.rule for f in ContinuityChecker().check(last, no_in_force, 2023, 2024)} == {"continuity.carried_over"}


def test_continuity_rules_live_in_the_data_dictionary(tmp_path):
    """Change the yaml, change the check: no rule is written in code."""
    text = (ROOT / "extract" / "domain" / "data" / "report_tables.yaml").read_text("utf-8")
    edited = text.replace(
        "check: this.applications.carried_over.* == last.applications.carried_forward.*",
        "check: this.applications.carried_over.* == last.applications.carried_forward.* + last.applications.carried_over.*",
    ).replace("severity: warning   # bodies", "severity: error   # bodies")
    assert edited != text
    path = tmp_path / "tables.yaml"
    path.write_text(edited, encoding="utf-8")
    last, this = {k: v for k, v in truth_cells("hongze_2023").items()}, dict(truth_cells("hongze_2024"))
    last["applications.carried_over.total"] = 2
    this["active_disclosure.normative_documents.in_force"] = 7
    found = ContinuityChecker(load_schema(path)).check(last, this, 2023, 2024)
    assert {(f.rule, f.severity, f.where) for f in found} == {
        ("continuity.carried_over", "error", "applications.*.total"),
        ("continuity.in_force", "error", "active_disclosure.normative_documents.*"),
    }
    with pytest.raises(ValueError, match="cannot parse"):
        bad = tmp_path / "bad.yaml"
        bad.write_text(text.replace("last.applications.carried_forward.*", "last.applications.carried_forward.* * 2"),
                       encoding="utf-8")
        load_schema(bad)


# -- narrative ------------------------------------------------------------------------------------------


def test_recurring_problems_and_promises():
    last = [
        Statement("problem", "政策解读形式比较单一", "policy_interpretation"),
        Statement("problem", "政务新媒体更新不够及时", "new_media"),
        Statement("improvement", "丰富政策解读形式，推出图解、视频等解读产品"),
        Statement("improvement", "加强政府网站和政务新媒体日常监管"),
        Statement("improvement", "完善信息发布审核机制"),
    ]
    this = [
        Statement("problem", "一是政策解读形式还比较单一。", "policy_interpretation"),  # restated
        Statement("problem", "公众参与渠道拓展不够", "public_participation"),
    ]
    sentences = ["全年加强政府网站和政务新媒体日常监管，开展检查4次。", "主动公开政府信息300条。"]
    got = {(r.kind, r.text): r for r in compare_narratives(last, this, sentences)}
    assert got[("recurring_problem", "政策解读形式比较单一")].next_text == "一是政策解读形式还比较单一。"
    assert ("recurring_problem", "政务新媒体更新不够及时") not in got
    # the promise to enrich the forms came back as this year's problem of forms still too few
    back = got[("promise_became_problem", "丰富政策解读形式，推出图解、视频等解读产品")]
    assert back.next_text == "一是政策解读形式还比较单一。"
    assert got[("mentioned_promise", "加强政府网站和政务新媒体日常监管")].next_text == sentences[0]
    silent = got[("unmentioned_promise", "完善信息发布审核机制")]
    assert silent.next_text is None and silent.similarity < 0.5
    assert len(got) == 4  # one recurring problem, three promises


# -- the archive ----------------------------------------------------------------------------------------


def _truth_report(t: dict) -> Report:
    """A report as `gongkai run` would store it, straight from the series truth (no extraction)."""
    cells = {k: {"value": v, "table": k.split(".")[0], "row": k.split(".")[1], "column": k.split(".")[2]}
             for k, v in t["cells"].items()}
    items = [Item(label="problem", text=p) for p in t["problems"]] + [
        Item(label="improvement", text=i) for i in t["improvements"]]
    r = Report(status="ok", organization=t["organization"], year=t["year"], cells=cells, items=items,
               sections={"overall": SectionText(title="一、总体情况", text=t["text"])})
    gongkai_report = Report.model_validate(r.model_dump())
    from gongkai.extract.domain.across.orgs import identify_report

    identify_report(gongkai_report)
    return gongkai_report


@pytest.fixture(scope="module")
def series_db(tmp_path_factory):
    """The committed series written as reports (its truth values, no extraction) into a run database."""
    truth = json.loads((SERIES / "truth.json").read_text("utf-8"))
    db = tmp_path_factory.mktemp("series") / "series.duckdb"
    with Store(db) as store:
        for t in truth["reports"]:
            doc = DocumentRecord(key=t["file"], path=str(SERIES / t["file"]), status="ok", sha256=t["file"])
            store.write(doc, _truth_report(t))
        store.flush()
        stats = build_across(store.con)
    assert stats.reports == len({(t["body_id"], t["year"]) for t in truth["reports"]})
    return db, truth


def test_series_keys_continuity_and_duplicates_match_the_truth(series_db):
    db, truth = series_db
    con = duckdb.connect(str(db), read_only=True)
    s = score(truth, con)
    assert s["org_pairs"]["precision"] == s["org_pairs"]["recall"] == 1.0, s["org_pairs"]
    assert s["division_code"]["wrong"] == s["division_code"]["claimed_wrongly"] == 0
    assert s["division_code"]["abstained_rightly"] > 0  # the look-alike whose report does not say where it is
    assert s["level_body"] == {"right": s["reports"], "wrong": 0}
    assert s["continuity"]["fp"] == s["continuity"]["fn"] == 0 and s["continuity"]["tp"] > 10
    assert s["duplicates"]["fp"] == s["duplicates"]["fn"] == 0
    # the view: one row per body and year, duplicates flagged with every report id
    dup = con.execute("SELECT n_reports, len(report_ids) FROM body_years WHERE duplicate").fetchall()
    assert dup and all(n == k == 2 for n, k in dup)
    assert con.execute("SELECT count(*) FROM (SELECT org_key, year FROM body_years GROUP BY ALL HAVING count(*) > 1)"
                       ).fetchone()[0] == 0


def test_archive_api_and_rebuild(series_db, tmp_path):
    db, truth = series_db
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(db.read_bytes())
    with gongkai.Archive(copy) as a:
        bodies = a.bodies()
        renamed = bodies[bodies.names.apply(lambda n: any("环境保护局" in x for x in n))]
        assert len(renamed) == 1 and any("生态环境局" in x for x in renamed.iloc[0].names)
        key = renamed.iloc[0].org_key
        series = a.series(key)
        assert list(series.year) == sorted(series.year) and series.new_received.notna().all()
        assert set(a.continuity().rule) <= {"continuity.carried_over", "continuity.in_force"}
        assert set(a.recurring().kind) <= {"recurring_problem", "promise_became_problem", "mentioned_promise",
                                           "unmentioned_promise"}
        years = list(series.year)
        cmp = a.compare(key, years[0], years[1])
        assert cmp.same_body
        with pytest.raises(KeyError, match="its years"):
            a.report(key, 1999)
        # a database written before keys existed gets them, and the tables, when opened
        a.con.execute("UPDATE reports SET org_key = NULL, division_code = NULL, level = NULL, body = NULL")
        a.con.execute("DELETE FROM across_state")
    with Archive(copy) as a:
        assert a.sql("SELECT count(*) AS n FROM reports WHERE org_key IS NULL AND organization IS NOT NULL").n[0] == 0
        # level and body come back from the same reading as the key
        assert a.sql("SELECT count(*) AS n FROM reports WHERE body IS NULL OR level IS NULL").n[0] == 0
        assert len(a.continuity()) == len(truth["continuity"])


def test_compare_command_json_and_page(tmp_path, series_db):
    db, truth = series_db
    # two JSON reports of one body, consecutive years, one break of the carried-over rule planted
    body = next(b for b in truth["bodies"] if b["org_key"] and len(b["years"]) >= 2
                and b["years"][1] - b["years"][0] == 1)
    reps = [t for t in truth["reports"] if t["body_id"] == body["body_id"] and t["year"] in body["years"][:2]
            and not t["file"].endswith("_b.html")]
    paths = []
    for t in reps:
        r = _truth_report(t)
        if t["year"] == body["years"][1]:
            cell = r.cells["applications.carried_over.total"]
            cell.value = (cell.value or 0) + 100
        path = tmp_path / f"{t['year']}.json"
        path.write_text(r.model_dump_json(), encoding="utf-8")
        paths.append(str(path))
    res = CliRunner().invoke(app, ["compare", paths[1], paths[0], "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["same_body"] is True and out["org_keys"] == [body["org_key"]] * 2
    hit = [f for f in out["findings"] if f["where"] == "applications.*.total"]
    assert hit and hit[0]["rule"] == "continuity.carried_over" and set(hit[0]) >= {
        "rule", "severity", "where", "cells", "message", "expected", "printed"}
    page = tmp_path / "cmp.html"
    res = CliRunner().invoke(app, ["compare", *paths, "-o", str(page)])
    assert res.exit_code == 0, res.output
    html = page.read_text("utf-8")
    assert "<script" not in html and "http" not in html.split("</style>")[1]
    assert "class='broken'" in html and html.count("<svg class='chart'") == 3
    # from the database
    res = CliRunner().invoke(app, ["compare", "--db", str(db), "--org", body["org_key"], "--years",
                                   f"{body['years'][0]},{body['years'][1]}", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["same_body"] is True
    res = CliRunner().invoke(app, ["compare", "--db", str(db), "--org", "nobody", "--years", "2020,2021"])
    assert res.exit_code == 1 and "no report of nobody" in res.output
    res = CliRunner().invoke(app, ["compare", paths[0]])
    assert res.exit_code != 0


def test_archive_from_reports_in_hand():
    """`gongkai extract` users: the same tables from a list of reports, no run database."""
    opts = gongkai.Options(narrative=False)
    reports = [gongkai.read_report(SHARED / "pdf" / f"hongze_{y}.pdf", opts) for y in (2023, 2024)]
    reports.append(gongkai.read_report(SHARED / "seeds" / "seed002.txt", opts))
    with gongkai.Archive.from_reports(reports) as a:
        years = a.body_years("320813/人民政府")
        assert list(years.year) == [2023, 2024] and not years.duplicate.any()
        assert len(a.bodies()) == 2 and a.continuity().empty
        assert list(a.series("320813/人民政府").new_received) == [21, 95]
