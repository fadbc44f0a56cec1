"""Random but realistic report contents: who, when, which template, and numbers with known rule status."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

APPLICANTS = ["natural_person", "commercial_enterprise", "research_institution", "social_welfare_org", "legal_service_org", "other_org"]
RESULT_ROWS = [
    "granted", "partially_granted",
    "denied_state_secret", "denied_prohibited_by_law", "denied_security_stability", "denied_third_party_rights",
    "denied_internal_affairs", "denied_process_information", "denied_enforcement_files", "denied_inquiry_matters",
    "unavailable_not_held", "unavailable_needs_creation", "unavailable_unclear",
    "rejected_petition", "rejected_duplicate", "rejected_publication", "rejected_excessive", "rejected_confirmation",
]
OTHER_THREE = ["other_no_correction", "other_unpaid_fee", "other_other"]
REVIEW_ROWS = ["review", "litigation_direct", "litigation_after_review"]
REVIEW_COLS = ["upheld", "corrected", "other", "pending", "total"]

PROVINCES = ["江苏省", "浙江省", "四川省", "湖南省", "河南省", "云南省", "广东省", "山东省", "安徽省", "江西省"]
CITIES = ["淮安市", "宿迁市", "绍兴市", "绵阳市", "岳阳市", "洛阳市", "曲靖市", "韶关市", "潍坊市", "芜湖市", "赣州市", "丽水市"]
COUNTIES = ["清河区", "洪泽区", "沭阳县", "新昌县", "三台县", "平江县", "栾川县", "陆良县", "仁化县", "寿光市", "南陵县", "遂昌县"]
TOWNS = ["高沟镇", "岔河镇", "东坝镇", "青石乡", "白马镇", "金鸡乡", "石门镇", "城南街道", "新华街道", "龙泉街道"]
DEPTS = ["生态环境局", "自然资源和规划局", "市场监督管理局", "交通运输局", "卫生健康委员会", "教育局", "住房和城乡建设局", "人力资源和社会保障局", "人民政府办公室"]


@dataclass
class Org:
    name: str
    level: str
    """Administrative level (extract/domain/data/organisations.yaml): 省级 / 地级 / 县级 / 乡级."""
    body: str
    """Kind of body: 人民政府 / 乡镇 / 街道办事处 / 办公厅/室 / 部门."""
    scale: int
    """Rough size of the body: 0 small (town), 1 county/department, 2 city, 3 province."""


def pick_org(rng: random.Random) -> Org:
    kind = rng.choices(["town", "street", "county", "city", "dept", "province_dept", "province"], [5, 2, 4, 2, 5, 1, 1])[0]
    city, county = rng.choice(CITIES), rng.choice(COUNTIES)
    if kind == "town":
        t = rng.choice([x for x in TOWNS if not x.endswith("街道")])
        return Org(f"{county}{t}人民政府" if rng.random() < 0.6 else t, "乡级", "乡镇", 0)
    if kind == "street":
        t = rng.choice([x for x in TOWNS if x.endswith("街道")])
        return Org(f"{county}{t}办事处", "乡级", "街道办事处", 0)
    if kind == "county":  # districts, counties and county-level cities (寿光市) alike
        return Org(f"{city}{county}人民政府" if rng.random() < 0.5 else f"{county}人民政府", "县级", "人民政府", 1)
    if kind == "city":  # every name of CITIES is a prefecture-level city
        return Org(f"{city}人民政府", "地级", "人民政府", 2)
    if kind == "dept":
        dept = rng.choice(DEPTS)
        return Org(f"{city}{dept}", "地级", "办公厅/室" if dept == "人民政府办公室" else "部门", 1)
    if kind == "province_dept":
        return Org(f"{rng.choice(PROVINCES)}{rng.choice(DEPTS).replace('人民政府办公室', '发展和改革委员会')}", "省级", "部门", 2)
    return Org(f"{rng.choice(PROVINCES)}人民政府", "省级", "人民政府", 3)


def count(rng: random.Random, scale: int, zero_p: float = 0.6) -> int:
    if rng.random() < zero_p - 0.12 * scale:
        return 0
    hi = [3, 12, 120, 900, 4000][min(scale, 4)]
    return int(rng.triangular(0, hi, hi * 0.1)) + (1 if scale else 0)


@dataclass
class Numbers:
    template: str
    """"2021" or "2019" (the active-disclosure table and the （六） row)."""
    other_one_row: bool
    cells: dict[str, int | float | None] = field(default_factory=dict)
    printed: dict[str, str] = field(default_factory=dict)
    """What the table prints per cell (numbers, blanks and "/", "—", "无")."""
    broken: list[str] = field(default_factory=list)


def make_numbers(rng: random.Random, org: Org, template: str, other_one_row: bool, break_rules: bool) -> Numbers:
    n = Numbers(template, other_one_row)
    s = org.scale
    if template == "2021":
        for row in ("regulations", "normative_documents"):
            issued, repealed = count(rng, s, 0.5), count(rng, s, 0.7)
            n.cells |= {f"active_disclosure.{row}.issued": issued, f"active_disclosure.{row}.repealed": repealed,
                        f"active_disclosure.{row}.in_force": issued + count(rng, s + 1, 0.2)}
        for row in ("licensing", "penalty", "coercion"):
            n.cells[f"active_disclosure.{row}.decisions"] = count(rng, min(3, s + 1), 0.3) * (rng.choice([1, 10, 100]) if s >= 2 else 1)
        fee = round(rng.uniform(0, [50, 2000, 20000, 90000][s]), rng.choice([0, 1, 2]))
        n.cells["active_disclosure.fees.amount"] = fee if fee and rng.random() < 0.7 else 0
    else:
        for row in ("regulations", "normative_documents"):
            made = count(rng, s, 0.5)
            n.cells |= {f"active_disclosure.{row}.new_made": made, f"active_disclosure.{row}.new_published": made,
                        f"active_disclosure.{row}.total_published": made + count(rng, s + 1, 0.2)}
        for row in ("licensing", "other_services", "penalty", "coercion"):
            prev = count(rng, min(3, s + 1), 0.3)
            n.cells |= {f"active_disclosure.{row}.previous_year": prev,
                        f"active_disclosure.{row}.change": rng.randint(-prev, prev + 5) if prev else 0,
                        f"active_disclosure.{row}.decisions": count(rng, min(3, s + 1), 0.3)}
        prev = count(rng, s, 0.5)
        n.cells |= {"active_disclosure.fees.previous_year": prev, "active_disclosure.fees.change": rng.randint(-prev, 3) if prev else 0,
                    "active_disclosure.procurement.projects": count(rng, s, 0.4),
                    "active_disclosure.procurement.amount": round(rng.uniform(0, [1e5, 5e6, 5e7, 3e8][s]), 2) if rng.random() < 0.7 else 0}
    others = ["other_total"] if other_one_row else OTHER_THREE
    rows: dict[str, dict[str, int]] = {}
    for col in APPLICANTS:
        active = col == "natural_person" or rng.random() < 0.15 * (s + 1)
        res = {r: count(rng, s, 0.75) if active else 0 for r in RESULT_ROWS + others}
        total_processed = sum(res.values())
        carried_forward = count(rng, s, 0.8) if active else 0
        carried_over = min(count(rng, s, 0.8) if active else 0, total_processed + carried_forward)
        res |= {"total_processed": total_processed, "carried_forward": carried_forward, "carried_over": carried_over,
                "new_received": total_processed + carried_forward - carried_over}
        for r, v in res.items():
            rows.setdefault(r, {})[col] = v
    order = ["new_received", "carried_over", *RESULT_ROWS, *others, "total_processed", "carried_forward"]
    for r in order:
        for col in APPLICANTS:
            n.cells[f"applications.{r}.{col}"] = rows[r][col]
        n.cells[f"applications.{r}.total"] = sum(rows[r].values())
    for r in REVIEW_ROWS:
        vals = [count(rng, s, 0.7) for _ in range(4)]
        for c, v in zip(REVIEW_COLS, [*vals, sum(vals)], strict=True):
            n.cells[f"review_litigation.{r}.{c}"] = v
    if break_rules:
        for _ in range(rng.choice([1, 1, 2])):
            key = rng.choice([k for k in n.cells if k.startswith(("applications.", "review_litigation.")) and not k.endswith(".change")])
            n.cells[key] = (n.cells[key] or 0) + rng.randint(1, 9)
            n.broken.append(key)
    # blanks and null markers where a value is zero
    for k, v in n.cells.items():
        if v == 0 and rng.random() < 0.06:
            n.printed[k] = rng.choice(["", "/", "—", "无", ""])
            n.cells[k] = None
        elif isinstance(v, float):
            n.printed[k] = f"{v:.2f}".rstrip("0").rstrip(".") if v != int(v) else (str(int(v)) if rng.random() < 0.5 else f"{v:.2f}")
            n.cells[k] = float(n.printed[k]) if "." in n.printed[k] else int(n.printed[k])
        else:
            n.printed[k] = str(v)
    return n


def rule_violations(cells: dict[str, int | float | None]) -> list[dict[str, str]]:
    """The data dictionary's rules, computed independently of the product (null counts as 0)."""
    v = {k: (x or 0) for k, x in cells.items()}
    out = []
    cols = [*APPLICANTS, "total"]

    def a(row: str, col: str) -> float:
        return v.get(f"applications.{row}.{col}", 0)

    has_three = "applications.other_other.total" in cells
    for col in cols:
        if a("new_received", col) + a("carried_over", col) != a("total_processed", col) + a("carried_forward", col):
            out.append({"rule": "applications.balance", "where": f"applications.*.{col}", "detail": ""})
        others = sum(a(o, col) for o in OTHER_THREE) if has_three else a("other_total", col)
        if a("total_processed", col) != sum(a(r, col) for r in RESULT_ROWS) + others:
            out.append({"rule": "applications.results_sum", "where": f"applications.*.{col}", "detail": ""})
    rows = ["new_received", "carried_over", *RESULT_ROWS, *(OTHER_THREE if has_three else ["other_total"]), "total_processed", "carried_forward"]
    for r in rows:
        if a(r, "total") != sum(a(r, c) for c in APPLICANTS):
            out.append({"rule": "applications.row_total", "where": f"applications.{r}.*", "detail": ""})
    for r in REVIEW_ROWS:
        row = [v.get(f"review_litigation.{r}.{c}", 0) for c in REVIEW_COLS]
        if row[4] != sum(row[:4]):
            out.append({"rule": "review_litigation.row_total", "where": f"review_litigation.{r}.*", "detail": ""})
    return out
