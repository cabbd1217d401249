"""demo_telecom: the county telecom branch of the seed's ISO 9001 briefing (part 2).

XX县通信分公司 (the seed anonymises the county): three departments (综合部, 运维部, 营销部),
seven township branches (东海, 永安, 向阳, 平阳, 兴农, 哈达, 鸡林), three part-time
quality staff. The current month (2026-10) carries the seed's figures exactly:

- switch capacity 51,084 lines, 47,213 in service (utilisation 92.42% follows from the two);
  phone penetration 16.26%, household penetration 51.5%, 300,000 people served;
- the eight quality objectives, their targets and results (100%, 100%, 100%, 0%, 81.3
  points, 0 per 100,000, 100%, 7 seconds);
- the document register of the "basic management manual": 35 responsibilities, 91
  records, 6 assessment standards, 33 regulations, 22 workflows;
- two internal audit rounds whose findings were corrected as the seed tells: records
  redone and two new registers (《性质变动登记本》《程控业务登记本》), responsibilities
  clarified, ISO 9001 training and exams, quality-objective assessment corrected; two
  observations stay open as continuous improvement.

How the system was built and run (issue 17) follows the seed where it speaks: the programme
started in July (2026-07) as a "一把手工程" led by the general manager, with the leadership
members each in charge of an area; the 《质量管理认证工作实施方案》, the kick-off meeting, the
《ISO9001质量管理体系认证工作责任状》 and the filing of every document and work order since
2000-06-26; the manual; training of all managers, then of all staff with an exam; two internal
audit rounds and their corrections. Invented (plausible, documented in ``docs/demo-data.md``):
the quality policy's wording, the scope and its exclusion of clause 8.3, the exact dates, the
attendance figures and the exam pass rates, the management review of 2026-10-20 and its
minutes, and the baseline months 2025-07..2026-06 (the 12 months before the programme).

The 23 months before carry a plausible history that mostly meets the targets, with three
months that miss one (a winter storm, a satisfaction dip, one complaint).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ._common import YAML_COMMENT, month_ids, month_periods, rng_for
from ._write import num_text, write_csv, write_xlsx, write_yaml

CLIENT_ID = "demo_telecom"
NAME_ZH = "XX县通信分公司"
CURRENT = "2026-10"
N_MONTHS = 24
DEPARTMENTS = ("综合部", "运维部", "营销部")
BRANCHES = ("东海", "永安", "向阳", "平阳", "兴农", "哈达", "鸡林")

CAPACITY_LINES = 51084
LINES_IN_SERVICE = 47213

# metric, value, unit, label_zh, label_en
ORG_PROFILE = (
    ("capacity_lines", 51084, "门", "电话交换机总容量", "Switch capacity (lines)"),
    ("lines_in_service", 47213, "门", "实装容量", "Lines in service"),
    ("phone_penetration", 16.26, "%", "固定电话主线普及率", "Fixed-line penetration (per 100 people)"),
    ("household_penetration", 51.5, "%", "固定电话户普及率", "Household penetration"),
    ("population_served", 300000, "人", "服务人口", "Population served"),
    ("departments", 3, "个", "职能部室", "Departments"),
    ("township_branches", 7, "个", "乡镇支局", "Township branches"),
    ("quality_staff", 3, "人", "质量认证兼职人员", "Part-time quality staff"),
)

# id, name_zh, name_en, unit (as written in the workbook), comparator (as written), target, category,
# seed result of the current month
OBJECTIVES = (
    ("QO1", "固定电话装、修、移机及时率", "Install/repair/move timeliness", "%", ">", 98, "通信质量", 100.0),
    ("QO2", "电路开通率", "Circuit opening rate", "%", ">", 98, "通信质量", 100.0),
    ("QO3", "网络接通率", "Network connection rate", "%", ">", 96, "通信质量", 100.0),
    ("QO4", "大客户流失率", "Major-customer churn rate", "%", "<", 2, "通信质量", 0.0),
    ("QO5", "顾客综合满意度", "Customer satisfaction", "分", ">", 81, "服务质量", 81.3),
    ("QO6", "企业责任投诉率", "Company-liable complaints", "十万分之一", "<", 1, "服务质量", 0.0),
    ("QO7", "180天回访率", "180-day return-visit rate", "%", "≥", 100, "服务质量", 100.0),
    ("QO8", "应答时限", "Answer time", "秒", "≤", 10, "服务质量", 7.0),
)

DOC_COUNTS = {"responsibility": 35, "record": 91, "standard": 6, "regulation": 33, "workflow": 22}
DOC_CATEGORY_ZH = {"responsibility": "职责权限", "record": "记录台帐", "standard": "考核标准", "regulation": "规章制度",
                   "workflow": "工作流程"}
DOC_PREFIX = {"responsibility": "ZZ", "record": "JL", "standard": "BZ", "regulation": "ZD", "workflow": "LC"}


def _responsibilities() -> list[tuple[str, str]]:
    posts = [("总经理", "综合部"), ("主管运维副总经理", "综合部"), ("主管营销副总经理", "综合部"), ("管理者代表", "综合部")]
    posts += [(p, "综合部") for p in ("综合部主任", "文秘", "人事劳资员", "财务会计", "质量管理员")]
    posts += [(p, "运维部") for p in ("运维部主任", "交换机务员", "传输机务员", "数据机务员", "网管监控员", "线路维护员")]
    posts += [(p, "营销部") for p in ("营销部主任", "大客户经理", "营业员", "客服受理员", "市场推广员", "资费稽核员")]
    for b in BRANCHES:
        posts += [(f"{b}支局支局长", f"{b}支局"), (f"{b}支局线务员", f"{b}支局")]
    return [(f"{p}职责权限", o) for p, o in posts]


def _records() -> list[tuple[str, str]]:
    central = [
        ("文件收发登记本", "综合部"), ("会议记录", "综合部"), ("员工培训记录", "综合部"), ("员工考试成绩登记表", "综合部"),
        ("人员资格登记表", "综合部"), ("质量目标考核记录", "综合部"), ("内部审核计划", "综合部"), ("内部审核检查表", "综合部"),
        ("不合格项报告", "综合部"), ("纠正措施记录", "综合部"), ("预防措施记录", "综合部"), ("管理评审记录", "综合部"),
        ("文件发放回收登记表", "综合部"), ("外来文件登记表", "综合部"), ("记录台帐清单", "综合部"), ("采购计划表", "综合部"),
        ("合格供方名录", "综合部"), ("物资入库登记本", "综合部"), ("物资出库登记本", "综合部"), ("办公设备维修登记本", "综合部"),
        ("车辆使用登记本", "综合部"), ("安全生产检查记录", "综合部"), ("消防设施检查记录", "综合部"),
        ("交换机日常维护记录", "运维部"), ("交换机告警处理记录", "运维部"), ("传输设备巡检记录", "运维部"),
        ("数据设备巡检记录", "运维部"), ("机房值班日志", "运维部"), ("机房环境检查记录", "运维部"), ("电源设备维护记录", "运维部"),
        ("网络割接记录", "运维部"), ("电路开通登记本", "运维部"), ("电路调度单登记本", "运维部"), ("障碍申告登记本", "运维部"),
        ("障碍处理时限统计表", "运维部"), ("网络接通率统计表", "运维部"), ("仪器仪表检定登记表", "运维部"),
        ("备品备件登记本", "运维部"), ("程控业务登记本", "运维部"), ("线路巡检记录", "运维部"), ("杆路资源台帐", "运维部"),
        ("用户受理登记本", "营销部"), ("装机工单登记本", "营销部"), ("移机工单登记本", "营销部"), ("拆机工单登记本", "营销部"),
        ("性质变动登记本", "营销部"), ("大客户档案", "营销部"), ("大客户走访记录", "营销部"), ("大客户流失分析表", "营销部"),
        ("用户投诉登记本", "营销部"), ("投诉处理回复单", "营销部"), ("180天回访记录", "营销部"), ("顾客满意度调查表", "营销部"),
        ("顾客满意度统计分析报告", "营销部"), ("10000号应答时限抽测记录", "营销部"), ("资费稽核记录", "营销部"),
    ]
    branch_kinds = ("装移机工单登记本", "障碍处理登记本", "用户回访记录", "线路维护日志", "营业日报表")
    out = [(f"《{t}》", o) for t, o in central]
    for b in BRANCHES:
        out += [(f"《{b}支局{k}》", f"{b}支局") for k in branch_kinds]
    return out


def _standards() -> list[tuple[str, str]]:
    return [("综合部工作考核标准", "综合部"), ("运维部工作考核标准", "运维部"), ("营销部工作考核标准", "营销部"),
            ("乡镇支局工作考核标准", "综合部"), ("质量目标考核办法", "综合部"), ("服务质量考核标准", "营销部")]


def _regulations() -> list[tuple[str, str]]:
    titles = [
        ("质量方针和质量目标管理制度", "综合部"), ("文件控制管理制度", "综合部"), ("记录控制管理制度", "综合部"),
        ("内部审核管理制度", "综合部"), ("管理评审制度", "综合部"), ("不合格品控制制度", "综合部"), ("纠正和预防措施管理制度", "综合部"),
        ("人力资源管理制度", "综合部"), ("员工培训管理制度", "综合部"), ("绩效考核管理制度", "综合部"), ("财务管理制度", "综合部"),
        ("采购管理制度", "综合部"), ("物资管理制度", "综合部"), ("安全生产管理制度", "综合部"), ("消防安全管理制度", "综合部"),
        ("车辆管理制度", "综合部"), ("网络运行维护管理制度", "运维部"), ("机房管理制度", "运维部"), ("值班管理制度", "运维部"),
        ("通信设备维护规程", "运维部"), ("障碍处理管理制度", "运维部"), ("通信线路维护管理制度", "运维部"),
        ("仪器仪表管理制度", "运维部"), ("网络安全与信息保密制度", "运维部"), ("应急通信保障制度", "运维部"),
        ("业务受理管理制度", "营销部"), ("营业厅服务规范", "营销部"), ("大客户服务管理制度", "营销部"), ("用户投诉处理制度", "营销部"),
        ("用户回访制度", "营销部"), ("顾客满意度测评制度", "营销部"), ("资费管理制度", "营销部"), ("乡镇支局管理制度", "综合部"),
    ]
    return titles


def _workflows() -> list[tuple[str, str]]:
    return [
        ("文件控制流程", "综合部"), ("记录控制流程", "综合部"), ("内部审核流程", "综合部"), ("管理评审流程", "综合部"),
        ("纠正措施流程", "综合部"), ("预防措施流程", "综合部"), ("培训管理流程", "综合部"), ("采购控制流程", "综合部"),
        ("装机业务流程", "营销部"), ("移机业务流程", "营销部"), ("拆机业务流程", "营销部"), ("用户性质变动流程", "营销部"),
        ("大客户服务流程", "营销部"), ("用户投诉处理流程", "营销部"), ("用户回访流程", "营销部"), ("顾客满意度调查流程", "营销部"),
        ("障碍申告受理流程", "运维部"), ("障碍处理流程", "运维部"), ("电路开通流程", "运维部"), ("程控数据制作流程", "运维部"),
        ("网络割接流程", "运维部"), ("重大通信故障应急处理流程", "运维部"),
    ]


def documents_table() -> pd.DataFrame:
    """The register of the "basic management manual": 35/91/6/33/22 documents."""
    builders = {"responsibility": _responsibilities, "record": _records, "standard": _standards,
                "regulation": _regulations, "workflow": _workflows}
    # records redone after the first internal audit carry version A/1; the two new registers A/0 of 2026
    revised = {"《性质变动登记本》", "《程控业务登记本》"}
    rows = []
    for cat, build in builders.items():
        items = build()
        if len(items) != DOC_COUNTS[cat]:  # pragma: no cover - guards the hand-written lists
            raise AssertionError(f"{cat}: {len(items)} titles, the seed says {DOC_COUNTS[cat]}")
        for i, (title, owner) in enumerate(items, start=1):
            if cat == "record":
                version = "A/0" if title in revised else "A/1"
            elif cat == "responsibility":
                version = "A/1"  # responsibilities clarified and re-issued after the internal audits
            else:
                version = "A/0"
            rows.append((f"QM-{DOC_PREFIX[cat]}-{i:03d}", cat, title, owner, version))
    return pd.DataFrame(rows, columns=["doc_id", "category", "title", "owner", "version"])


def _findings() -> pd.DataFrame:
    cols = ["finding_id", "round", "clause", "grade", "department", "description", "root_cause", "corrective_action",
            "owner", "raised", "due", "closed", "verified"]
    rows = [
        ("IA1-01", 1, "7.5.3", "minor", "综合部",
         "质量记录纸张陈旧，部分记录格式与《记录台帐》清单规定不符", "记录格式多年未修订，未与体系文件同步",
         "按《记录台帐》清单重新制定全部记录格式并重新印制、下发", "综合部主任",
         "2026-07-21", "2026-08-20", "2026-08-15", True),
        ("IA1-02", 1, "7.5.3", "minor", "营销部",
         "用户性质变动（如住宅电话改为商业电话）无登记记录，无法追溯", "业务流程中未规定性质变动的记录要求",
         "增设《性质变动登记本》，明确登记内容与责任人", "营销部主任",
         "2026-07-21", "2026-08-10", "2026-08-05", True),
        ("IA1-03", 1, "7.5.3", "minor", "运维部",
         "程控业务开通、变更的数据制作无统一登记", "程控数据制作只留存工单，未建立登记台帐",
         "增设《程控业务登记本》，数据制作逐笔登记并由机务员签字", "运维部主任",
         "2026-07-21", "2026-08-10", "2026-08-07", True),
        ("IA1-04", 1, "5.3", "minor", "综合部",
         "公司领导班子成员职责权限未明确，分管范围有交叉", "领导班子分工调整后职责文件未更新",
         "重新明确公司领导班子的职责权限，经总经理批准后下发", "总经理",
         "2026-07-22", "2026-08-31", "2026-08-25", True),
        ("IA1-05", 1, "5.3", "minor", "运维部",
         "部分职能人员职责权限、业务流程与实际工作不符", "岗位调整后未修订职责权限和流程",
         "对各部室职能人员的职责权限、业务流程重新进行整改并下发", "运维部主任",
         "2026-07-22", "2026-08-31", "2026-08-28", True),
        ("IA1-06", 1, "7.2", "minor", "东海支局",
         "支局员工对公司质量方针、质量目标了解不足", "ISO 9001 知识培训未覆盖乡镇支局",
         "在全公司范围内统一组织 ISO 9001 知识培训并进行考试", "综合部主任",
         "2026-07-23", "2026-08-31", "2026-08-29", True),
        ("IA1-07", 1, "9.1.1", "observation", "营销部",
         "应答时限的统计口径与质量目标考核办法不一致", "统计方法未在考核办法中写明",
         "修订《质量目标考核办法》，统一应答时限抽测方法", "营销部主任",
         "2026-07-23", "2026-08-31", "2026-08-20", True),
        ("IA2-01", 2, "6.2", "minor", "营销部",
         "质量目标考核不规范：大客户流失率未分解到各乡镇支局考核", "质量目标分解不到位",
         "纠正质量目标考核方法，将大客户流失率分解到各支局按月考核", "营销部主任",
         "2026-09-22", "2026-10-20", "2026-10-16", True),
        ("IA2-02", 2, "7.5.3", "minor", "哈达支局",
         "《程控业务登记本》部分登记项目填写不完整", "新设登记本使用培训不足",
         "补登缺项，对支局人员进行登记本填写培训", "哈达支局支局长",
         "2026-09-22", "2026-10-15", "2026-10-12", False),
        ("IA2-03", 2, "7.2", "observation", "鸡林支局",
         "两名新入职员工未参加 ISO 9001 知识考试", "员工入职培训计划未包含体系知识",
         "组织补考，并将 ISO 9001 知识纳入新员工入职培训", "综合部主任",
         "2026-09-23", "2026-10-31", "2026-10-27", True),
        ("IA2-04", 2, "9.1.1", "observation", "运维部",
         "网络接通率由人工汇总统计，数据易出错", "未利用网管系统自动采集",
         "由网管系统自动采集网络接通率，按月自动生成统计表（持续改进）", "运维部主任",
         "2026-09-23", "2026-12-31", None, None),
        ("IA2-05", 2, "10.3", "observation", "综合部",
         "体系文件中仍有与实际不符之处，需系统查找", "体系文件首次编写，时间紧",
         "结合实际查找体系文件中的不足，修订《基础管理手册》（持续改进）", "管理者代表",
         "2026-09-24", "2027-01-31", None, None),
    ]
    df = pd.DataFrame(rows, columns=cols)
    for c in ("raised", "due", "closed"):
        df[c] = pd.to_datetime(df[c]).astype("datetime64[ns]")
    df["round"] = df["round"].astype(float)
    df["verified"] = df["verified"].astype("boolean")
    return df


def _kpis(rng: np.random.Generator) -> pd.DataFrame:
    months = month_ids(CURRENT, N_MONTHS)
    n = len(months)
    k = np.arange(n)
    season = np.array([int(m[-2:]) for m in months])
    winter = np.isin(season, (12, 1, 2))
    rows = []

    def add(oid, num=None, den=None, val=None):
        for i, m in enumerate(months):
            rows.append((oid, m, None if num is None else float(num[i]), None if den is None else float(den[i]),
                         None if val is None else float(val[i])))

    # QO1 timeliness: orders ~1,100-1,400 a month, 99-100% on time; a winter storm in 2025-01
    den = rng.integers(1050, 1400, n) + 150 * winter
    miss = np.where(winter, rng.integers(4, 14, n), rng.integers(0, 8, n))
    miss[months.index("2025-01")] = int(0.024 * den[months.index("2025-01")])  # 97.6%: target missed
    miss[-1] = 0
    add("QO1", den - miss, den)
    # QO2 circuit opening: 60-110 circuits, at most one late
    den = rng.integers(60, 110, n)
    miss = (rng.random(n) < 0.25).astype(int)
    miss[-1] = 0
    add("QO2", den - miss, den)
    # QO3 network connection rate: ~2.7 million call attempts a month, 99.6-100% connected
    den = rng.integers(2_550_000, 2_900_000, n)
    miss = (den * rng.uniform(0.0005, 0.004, n)).astype(int)
    miss[-1] = 0
    add("QO3", den - miss, den)
    # QO4 major-customer churn: ~150 major customers, 0-2 lost a month (target < 2%)
    den = 146 + np.round(k / 4).astype(int)
    lost = rng.choice([0, 0, 0, 1, 1, 2], n)
    lost[-1] = 0
    add("QO4", lost, den)
    # QO5 satisfaction (points): rising from ~81.5 to ~82; a dip in 2025-02 (80.6)
    val = np.round(81.4 + 0.03 * k + rng.normal(0, 0.25, n), 1)
    val = np.maximum(val, 81.1)
    val[months.index("2025-02")] = 80.6
    val[-1] = 81.3
    add("QO5", val=val)
    # QO6 company-liable complaints per 100,000 lines in service: 0, one complaint in 2025-07
    lines = np.round(np.linspace(45_900, LINES_IN_SERVICE, n)).astype(int)
    compl = np.zeros(n, dtype=int)
    compl[months.index("2025-07")] = 1
    add("QO6", compl, lines)
    # QO7 180-day return visits: every new line visited
    den = rng.integers(180, 320, n)
    add("QO7", den, den)
    # QO8 answer time (seconds)
    val = np.round(rng.uniform(6.0, 9.0, n))
    val[-1] = 7
    add("QO8", val=val)
    return pd.DataFrame(rows, columns=["objective_id", "period", "numerator", "denominator", "value"])


# date, milestone, owner, evidence  (seed: what was done; invented: the exact days and evidence names)
MILESTONES = (
    ("2026-07-01", "ISO 9001 认证列入“一把手工程”：总经理亲自挂帅，领导班子成员分片主管，保障认证兼职人员的办公场地和工作设施",
     "总经理", "《关于成立ISO9001认证工作领导小组的通知》"),
    ("2026-07-03", "制定《质量管理认证工作实施方案》，按市公司认证时间表安排工作", "管理者代表", "《质量管理认证工作实施方案》"),
    ("2026-07-06", "召开《XX县分公司ISO9001质量管理体系认证工作启动会议》", "总经理", "启动会议纪要"),
    ("2026-07-08", "实行《ISO9001质量管理体系认证工作责任状》，整理任务分解到各部室，到期不报或质量低下者给予处罚", "综合部",
     "各部室签订的责任状"),
    ("2026-07-15", "对 2000年6月26日以后收、发的各类文件及工单清整、装订、登记造册并备案", "各部室", "文件及工单登记册"),
    ("2026-07-18", "《基础管理手册》五个分册发布实施：职责权限 35 条、记录台帐 91 项、考核标准 6 项、规章制度 33 项、工作流程 22 条",
     "管理者代表", "手册发布令"),
    ("2026-07-21", "第一次内部审核（7 项发现）", "管理者代表", "第一次内审报告"),
    ("2026-08-29", "第一次内审整改完成：质量记录重新制定，增设《性质变动登记本》和《程控业务登记本》，职责权限和业务流程重新整改下发",
     "管理者代表", "纠正措施记录"),
    ("2026-09-22", "第二次内部审核（5 项发现）", "管理者代表", "第二次内审报告"),
    ("2026-10-16", "纠正质量目标考核不规范之处：大客户流失率分解到各乡镇支局按月考核", "营销部", "《质量目标考核办法》修订版"),
    ("2026-10-20", "管理评审", "总经理", "管理评审报告 MR-2026-01"),
)

# the internal audit programme: round, clause, department, date, auditor (seed: two internal audit rounds, and the
# clauses and departments of their findings; invented: the other clauses and departments each round audited, the
# days and the auditors, so that both rounds together cover clauses 4-10)
AUDIT_PROGRAMME = (
    (1, "4", "综合部", "2026-07-20", "管理者代表"),
    (1, "5.3", "综合部", "2026-07-20", "管理者代表"),
    (1, "5.3", "运维部", "2026-07-22", "内审员 A"),
    (1, "6.2", "营销部", "2026-07-21", "内审员 B"),
    (1, "7.5.3", "综合部", "2026-07-21", "内审员 A"),
    (1, "7.5.3", "营销部", "2026-07-21", "内审员 B"),
    (1, "7.5.3", "运维部", "2026-07-21", "内审员 A"),
    (1, "7.2", "东海支局", "2026-07-23", "内审员 B"),
    (1, "8.5", "运维部", "2026-07-22", "内审员 A"),
    (1, "9.1.1", "营销部", "2026-07-23", "内审员 B"),
    (1, "10.2", "综合部", "2026-07-23", "管理者代表"),
    (2, "4", "综合部", "2026-09-22", "管理者代表"),
    (2, "5", "综合部", "2026-09-22", "管理者代表"),
    (2, "6.2", "营销部", "2026-09-22", "内审员 B"),
    (2, "7.5.3", "哈达支局", "2026-09-22", "内审员 A"),
    (2, "7.2", "鸡林支局", "2026-09-23", "内审员 B"),
    (2, "8.2", "营销部", "2026-09-23", "内审员 B"),
    (2, "8.5", "运维部", "2026-09-23", "内审员 A"),
    (2, "9.1.1", "运维部", "2026-09-23", "内审员 A"),
    (2, "9.2", "综合部", "2026-09-24", "管理者代表"),
    (2, "10.3", "综合部", "2026-09-24", "管理者代表"),
)

# date, topic, audience, attendees, headcount, exam pass rate (seed: who was trained, that all staff sat an exam;
# invented: dates, numbers, rates)
TRAINING = (
    ("2026-07-10", "ISO 9001 质量管理体系认证知识", "班组长以上管理人员", 38, 38, None),
    ("2026-07-24", "《基础管理手册》宣贯", "各部室及支局职能人员", 64, 66, None),
    ("2026-08-27", "ISO 9001 知识及公司质量方针、质量目标", "全体员工", 182, 188, 0.956),
    ("2026-10-10", "ISO 9001 知识补考（新入职员工）", "新入职员工", 2, 2, 1.0),
    ("2026-10-14", "《程控业务登记本》填写", "哈达支局", 6, 6, None),
)

# one management review (invented: the seed does not mention one; ISO 9001 clause 9.3 requires it)
REVIEWS = (
    {"review_id": "MR-2026-01", "date": "2026-10-20", "chair": "总经理",
     "input_previous_actions": "首次管理评审；两轮内审的 12 项发现中 10 项已关闭、9 项验证有效",
     "input_context_changes": "县域移动通信和宽带竞争加剧；市公司将质量目标纳入年度考核",
     "input_performance": "8 项质量目标 2026-10 全部达成；顾客综合满意度 81.3 分；企业责任投诉 0",
     "input_resources": "质量认证兼职人员 3 人；乡镇支局登记本使用培训不足",
     "input_risks": "大客户流失风险：已将流失率分解到支局按月考核",
     "input_improvement": "网络接通率改由网管系统自动采集；系统查找体系文件中的不足",
     "output_improvement": "网络接通率自动采集（运维部，2026-12-31前）；修订《基础管理手册》（管理者代表，2027-01-31前）",
     "output_qms_changes": "修订《质量目标考核办法》；新员工入职培训纳入 ISO 9001 知识",
     "output_resources": "为乡镇支局增配登记本和培训课时",
     "actions": "运维部 2026-12-31 前完成网络接通率自动采集；管理者代表 2027-01-31 前完成手册修订；综合部 2026-11-30 前验证 IA2-02 整改效果"},
)


def certification_config() -> dict:
    """``client.yaml``'s ``certification`` block of demo_telecom (see ``docs/demo-data.md`` for what is the seed's)."""
    return {
        "standard": "ISO 9001:2015",
        "body": {"zh": "长城（天津）质量保证中心", "en": "Great Wall (Tianjin) Quality Assurance Center"},
        "programme_start": "2026-07-01",
        "quality_policy": {"zh": "规范管理，优质服务，顾客满意，持续改进。",
                           "en": "Sound management, quality service, satisfied customers, continual improvement."},
        "objectives_statement": {
            "zh": "通过认证使公司通信质量达到或超过市公司要求，并不断提高；创造地区性知名品牌，持久地为用户提供满意服务。",
            "en": "Through certification, bring communication quality up to or above the city company's requirements "
                  "and keep raising it; build a regional brand and serve users to their satisfaction, lastingly."},
        "scope": {"zh": "固定电话、数据通信业务的受理、装移机、电路开通、网络运行维护和客户服务。",
                  "en": "Order taking, installation and moves, circuit opening, network operation and maintenance, and "
                        "customer service of fixed-line telephone and data services."},
        "leadership": {"zh": "将 ISO 9001 认证列入“一把手工程”，由总经理亲自挂帅，领导班子成员分片主管。",
                       "en": "ISO 9001 certification is a \"top-leader project\" (一把手工程) led by the general "
                             "manager in person, each member of the leadership in charge of an area."},
        "exclusions": [{"clause": "8.3", "reason": {
            "zh": "通信服务按市公司统一的业务规范提供，本公司不从事产品和服务的设计和开发",
            "en": "services follow the city company's standard specifications; the branch designs no products or "
                  "services"}}],
        "sites": ([{"name": {"zh": d, "en": e}, "kind": "department"}
                   for d, e in zip(DEPARTMENTS, ("General affairs", "Operations and maintenance", "Marketing"))]
                  + [{"name": {"zh": f"{b}支局", "en": f"{b} branch"}, "kind": "branch"} for b in BRANCHES]),
        "baseline": {"first": "2025-07", "last": "2026-06"},
    }


def certification_tables() -> dict[str, pd.DataFrame]:
    """demo_telecom's ``audit_programme``, ``milestones``, ``training`` and ``management_reviews`` (canonical names)."""
    ms = pd.DataFrame(MILESTONES, columns=["date", "milestone", "owner", "evidence"])
    ms["date"] = pd.to_datetime(ms["date"]).astype("datetime64[ns]")
    tr = pd.DataFrame(TRAINING, columns=["date", "topic", "audience", "attendees", "headcount", "exam_pass_rate"])
    tr["date"] = pd.to_datetime(tr["date"]).astype("datetime64[ns]")
    tr["exam_pass_rate"] = tr["exam_pass_rate"].astype(float)
    mr = pd.DataFrame(list(REVIEWS))
    mr["date"] = pd.to_datetime(mr["date"]).astype("datetime64[ns]")
    ap = pd.DataFrame(AUDIT_PROGRAMME, columns=["round", "clause", "department", "date", "auditor"])
    ap["date"] = pd.to_datetime(ap["date"]).astype("datetime64[ns]")
    return {"audit_programme": ap, "milestones": ms, "training": tr, "management_reviews": mr}


def telecom_tables(seed: int) -> dict[str, pd.DataFrame]:
    """Build demo_telecom's tables (canonical names; ``unit``/``comparator`` canonical).

    Parameters
    ----------
    seed : int
        Seed of the random stream for the 23 history months (the current month and the
        registers are fixed by the seed document).

    Returns
    -------
    dict of str to DataFrame
        ``org_profile``, ``quality_objectives``, ``kpi_measurements``, ``documents``,
        ``audit_findings``, ``audit_programme``, ``milestones``, ``training``, ``management_reviews``.

    Examples
    --------
    >>> t = telecom_tables(1)
    >>> int(t["org_profile"].set_index("metric").loc["capacity_lines", "value"])
    51084
    """
    rng = rng_for(seed, CLIENT_ID)
    org = pd.DataFrame(ORG_PROFILE, columns=["metric", "value", "unit", "label_zh", "label_en"])
    org["value"] = org["value"].astype(float)
    unit_map = {"%": "%", "分": "points", "十万分之一": "per_100k", "秒": "seconds"}
    cmp_map = {">": ">", "<": "<", "≥": ">=", "≤": "<="}
    qo = pd.DataFrame([(o[0], o[1], o[2], unit_map[o[3]], cmp_map[o[4]], float(o[5]), o[6]) for o in OBJECTIVES],
                      columns=["objective_id", "name_zh", "name_en", "unit", "comparator", "target", "category"])
    return {"org_profile": org, "quality_objectives": qo, "kpi_measurements": _kpis(rng),
            "documents": documents_table(), "audit_findings": _findings(), **certification_tables()}


def client_config(seed: int) -> dict:
    """The ``client.yaml`` mapping of demo_telecom."""
    return {
        "client_id": CLIENT_ID,
        "name": {"zh": NAME_ZH, "en": "XX County Telecom Branch"},
        "engagement": "iso9001",
        "industry": "telecommunications (fixed-line, county branch)",
        "currency": "CNY",
        "language": "zh",
        "periods": month_periods(CURRENT, N_MONTHS),
        "current_period": CURRENT,
        "previous_period": month_ids(CURRENT, 2)[0],
        "checklist": "iso9001_2015",
        "tables": {"quality_objectives": {"file": "quality_objectives.xlsx", "sheet": "质量目标"},
                   "audit_findings": {"file": "audit_findings.xlsx", "sheet": "内审发现"},
                   "management_reviews": {"file": "management_reviews.xlsx", "sheet": "管理评审"}},
        "certification": certification_config(),
    }


def write_telecom(out_dir: Path, seed: int) -> Path:
    """Write the demo_telecom folder under ``out_dir`` and return its path.

    - ``org_profile.csv``, ``documents.csv``, ``kpi_measurements.csv``: GB18030 with
      Chinese headers (as exported from a Chinese-locale Excel).
    - ``quality_objectives.xlsx``, ``audit_findings.xlsx``: Chinese headers; units and
      comparators as people write them (分, 秒, 十万分之一, ≥, ≤); audit grades in Chinese
      (一般, 观察项), verified as 是/否.
    """
    folder = Path(out_dir) / CLIENT_ID
    t = telecom_tables(seed)
    write_yaml(folder / "client.yaml", client_config(seed), YAML_COMMENT.format(seed=seed))

    org = t["org_profile"].copy()
    org["value"] = org["value"].map(num_text)
    write_csv(folder / "org_profile.csv", org, header=["指标", "数值", "单位", "中文名称", "英文名称"], encoding="gb18030")

    qo = pd.DataFrame([(o[0], o[1], o[2], o[3], o[4], o[5], o[6]) for o in OBJECTIVES],
                      columns=["目标编号", "目标名称", "英文名称", "单位", "比较符", "目标值", "类别"])
    write_xlsx(folder / "quality_objectives.xlsx", qo, sheet="质量目标", widths={"目标名称": 28, "英文名称": 30})

    k = t["kpi_measurements"].copy()
    for c in ("numerator", "denominator", "value"):
        k[c] = k[c].map(num_text)
    write_csv(folder / "kpi_measurements.csv", k, header=["目标编号", "月份", "分子", "分母", "实际值"], encoding="gb18030")

    d = t["documents"].copy()
    d["category"] = d["category"].map(DOC_CATEGORY_ZH)
    write_csv(folder / "documents.csv", d, header=["文件编号", "分册", "文件名称", "责任部门", "版本"], encoding="gb18030")

    f = t["audit_findings"].copy()
    f["grade"] = f["grade"].map({"major": "严重", "minor": "一般", "observation": "观察项"})
    f["verified"] = f["verified"].map({True: "是", False: "否"}).astype(object).where(f["verified"].notna(), None)
    f["round"] = f["round"].astype(int)
    f = f.astype({"raised": object, "due": object, "closed": object})
    for c in ("raised", "due", "closed"):
        f[c] = [None if pd.isna(v) else v for v in t["audit_findings"][c]]
    write_xlsx(folder / "audit_findings.xlsx", f, sheet="内审发现",
               header=["编号", "内审轮次", "标准条款", "不符合等级", "责任部门", "问题描述", "原因分析", "纠正措施", "责任人",
                       "发现日期", "完成期限", "关闭日期", "是否验证"],
               formats={c: "yyyy-mm-dd" for c in ("raised", "due", "closed")},
               widths={"description": 40, "root_cause": 28, "corrective_action": 44, "raised": 12, "due": 12,
                       "closed": 12})

    ap = t["audit_programme"].assign(date=t["audit_programme"]["date"].dt.strftime("%Y-%m-%d"))
    write_csv(folder / "audit_programme.csv", ap, header=["内审轮次", "标准条款", "受审部门", "审核日期", "内审员"],
              encoding="gb18030")
    ms = t["milestones"].assign(date=t["milestones"]["date"].dt.strftime("%Y-%m-%d"))
    write_csv(folder / "milestones.csv", ms, header=["日期", "工作事项", "负责人", "佐证材料"], encoding="gb18030")
    tr = t["training"].assign(date=t["training"]["date"].dt.strftime("%Y-%m-%d"),
                              exam_pass_rate=[None if pd.isna(v) else f"{v * 100:.1f}%" for v in t["training"]["exam_pass_rate"]])
    write_csv(folder / "training.csv", tr, header=["培训日期", "培训内容", "培训对象", "参训人数", "应训人数", "考试合格率"],
              encoding="gb18030")
    mr = t["management_reviews"]
    write_xlsx(folder / "management_reviews.xlsx", mr, sheet="管理评审",
               header=["评审编号", "评审日期", "主持人", "以往评审措施状况", "内外部因素变化", "绩效和有效性信息", "资源充分性",
                       "风险和机遇措施有效性", "改进机会", "改进决定", "体系变更需求", "资源需求", "后续措施"],
               formats={"date": "yyyy-mm-dd"}, widths={c: 36 for c in mr.columns if c not in ("review_id", "date", "chair")})
    return folder
