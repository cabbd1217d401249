"""The client data contract: which tables a client folder holds, their columns and rules.

This module is the single source of truth for the input tables. The loader
(:mod:`threec_helpers.io`), the validator (:mod:`threec_helpers.validation`), the demo
generator and ``docs/data-contract.md`` all read it. Each column lists the headers it is
recognised by (English and Chinese, the *alias table*); headers are matched after
normalisation (case, spaces, underscores, full-width characters), see
:func:`normalise_header`.

Engagement types and their tables:

- ``3c`` (customer-performance engagement): customers, transactions, cost_to_serve,
  surveys, focus_responses
- ``iso9001`` (ISO 9001 certification audit): org_profile, quality_objectives,
  kpi_measurements, documents, audit_findings, audit_programme, milestones, training,
  management_reviews (the quality policy, scope, exclusions, sites and the baseline period are text of
  ``client.yaml``'s ``certification`` block, :mod:`threec_helpers.inputs.config`)
- ``clinical`` (clinical quality self-assessment): assessment_scores, quality_objectives,
  kpi_measurements, rectifications
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

ColumnType = Literal["string", "float", "int", "date", "bool", "category", "period", "month"]

#: bumped whenever a rule changes, so cached validated data is not reused across rule changes
CONTRACT_VERSION = "6"

ENGAGEMENTS = ("3c", "iso9001", "clinical")


@dataclass(frozen=True)
class Column:
    """One column of an input table.

    Attributes
    ----------
    name : str
        Canonical (English, snake_case) name used everywhere in the package.
    type : str
        ``string``, ``float``, ``int``, ``date``, ``bool``, ``category`` (one of ``allowed``),
        ``period`` (a period id of ``client.yaml``, free text) or ``month`` (``YYYY-MM``).
    required : bool
        The column must be present in the file.
    nullable : bool
        Cells may be empty.
    unique : bool
        Values must be unique within the table.
    min, max : float, optional
        Inclusive numeric bounds.
    allowed : tuple of str
        Allowed values of a ``category`` column (canonical form).
    value_aliases : dict
        Other spellings accepted for category values, e.g. ``{"活跃": "active"}``.
    percent : {"ratio", "points", None}
        How a cell like ``"35%"`` is read: ``ratio`` -> 0.35, ``points`` -> 35.0,
        ``None`` -> not accepted.
    not_future : bool
        Dates must not be after today.
    references : str, optional
        ``"table.column"`` this column must refer to (referential integrity).
    aliases : tuple of str
        Other headers this column is recognised by (Chinese and English).
    doc_en, doc_zh : str
        Description for ``docs/data-contract.md``.

    See Also
    --------
    Table : the columns of one input table.

    Examples
    --------
    >>> col = Column("status", "category", allowed=("active", "inactive"), value_aliases={"活跃": "active"})
    >>> col.allowed, col.nullable
    (('active', 'inactive'), False)
    """

    name: str
    type: ColumnType
    required: bool = True
    nullable: bool = False
    unique: bool = False
    min: float | None = None
    max: float | None = None
    allowed: tuple[str, ...] = ()
    value_aliases: dict[str, str] = field(default_factory=dict)
    percent: Literal["ratio", "points"] | None = None
    not_future: bool = False
    references: str | None = None
    aliases: tuple[str, ...] = ()
    doc_en: str = ""
    doc_zh: str = ""


@dataclass(frozen=True)
class Table:
    """One input table of a client folder.

    Attributes
    ----------
    name : str
        Canonical table name (also the default file name, e.g. ``customers.csv``).
    columns : tuple of Column
    required : bool
        An engagement cannot be analysed without it.
    doc_en, doc_zh : str
        Description for ``docs/data-contract.md``.

    See Also
    --------
    Column : one column's rules.
    tables_for : the tables of an engagement type.

    Examples
    --------
    >>> TABLES["customers"].column_names[:3]
    ['customer_id', 'name', 'status']
    >>> TABLES["customers"].column("status").type
    'category'
    """

    name: str
    columns: tuple[Column, ...]
    required: bool = True
    doc_en: str = ""
    doc_zh: str = ""

    def column(self, name: str) -> Column:
        """Return the column called ``name``."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"table {self.name!r} has no column {name!r}")

    @property
    def column_names(self) -> list[str]:
        """Canonical names of the columns, in order."""
        return [c.name for c in self.columns]


_YES_NO = {"yes": "true", "no": "false", "是": "true", "否": "false", "y": "true", "n": "false",
           "true": "true", "false": "false", "1": "true", "0": "false", "有": "true", "无": "false",
           "√": "true", "×": "false"}


def _id(name: str, *aliases: str, doc_en: str = "", doc_zh: str = "", unique: bool = False,
        references: str | None = None, required: bool = True, nullable: bool = False) -> Column:
    return Column(name, "string", required=required, nullable=nullable, unique=unique,
                  references=references, aliases=aliases, doc_en=doc_en, doc_zh=doc_zh)


def is_id(column: Column) -> bool:
    """Whether ``column`` holds ids: a text column named ``*_id``, unique, or referring to
    another table. A number typed into such a cell must read back as exactly the id.

    Parameters
    ----------
    column : Column

    Returns
    -------
    bool

    Examples
    --------
    >>> is_id(TABLES["transactions"].column("customer_id")), is_id(TABLES["customers"].column("name"))
    (True, False)
    """
    return column.type == "string" and (column.name.endswith("_id") or column.unique
                                         or column.references is not None)


#: Headers of the standard exports of the ERPs Chinese clients use, added to the alias table below.
#: Each list names only headers seen in these systems' own list and report exports:
#:
#: - 用友 U8 (销售发票列表, 销售统计表) and 用友 NC (销售发票, 销售出库单): 客户编码, 客户名称,
#:   客户简称, 发票号, 单据号, 单据日期, 开票日期, 存货名称, 数量, 无税金额, 本币无税金额
#: - 金蝶 K/3 WISE (销售发票) and 金蝶云星空 (销售出库单, 应收单): 发票号码, 单据编号, 日期,
#:   客户编码, 物料名称, 产品名称, 实发数量, 金额（本位币）, 不含税金额
#: - SAP Business One, Chinese (销售发票 / 销售分析报表): 客户/供应商代码, 客户/供应商名称,
#:   凭证编号, 过账日期, 物料/服务描述, 行总计 (the net line total)
#:
#: Amounts including VAT (价税合计, 含税金额) are deliberately *not* aliases of ``amount``:
#: revenue in threec is net of VAT, and reading a gross column as net would be a wrong number.
#: Codes of products (存货编码, 物料编码) are not aliases of ``product`` either, so a file with
#: both the code and the name columns reads the name.
#: Traditional-Chinese spellings (客戶編號, 金額, ...) serve Hong Kong and Taiwan clients.
CUSTOMER_ID_ALIASES = ("客户编号", "客户ID", "客户代码", "客户号", "客户编码", "客户/供应商代码", "客戶編號",
                       "客戶代碼", "客戶編碼", "customer id", "customer no", "customer code", "cust_id", "cardcode")

CUSTOMERS = Table(
    "customers",
    (
        _id("customer_id", *CUSTOMER_ID_ALIASES,
            unique=True, doc_en="Unique customer identifier", doc_zh="客户唯一编号"),
        Column("name", "string", required=False, nullable=True,
               aliases=("客户名称", "名称", "客户名", "客户简称", "客户/供应商名称", "客戶名稱", "customer name"),
               doc_en="Customer name (masked with --mask in panel reports)", doc_zh="客户名称"),
        Column("status", "category", allowed=("active", "inactive", "prospect", "suspect"),
               value_aliases={"活跃": "active", "活跃客户": "active", "现有客户": "active",
                              "非活跃": "inactive", "不活跃": "inactive", "休眠": "inactive", "流失": "inactive",
                              "潜在": "prospect", "潜在客户": "prospect", "准客户": "prospect",
                              "疑似": "suspect", "可疑客户": "suspect", "目标客户": "suspect"},
               aliases=("状态", "客户状态", "狀態", "客戶狀態", "customer status"),
               doc_en="active / inactive / prospect / suspect (Curry's pyramid levels)",
               doc_zh="活跃 / 非活跃 / 潜在 / 疑似（金字塔层级）"),
        Column("segment", "string", required=False, nullable=True, aliases=("细分", "客户细分", "行业", "分类"),
               doc_en="Customer segment", doc_zh="客户细分"),
        Column("region", "string", required=False, nullable=True, aliases=("地区", "区域", "省份"),
               doc_en="Region", doc_zh="地区"),
        Column("first_purchase", "date", required=False, nullable=True, not_future=True,
               aliases=("首次购买日期", "首次购买", "首购日期", "first purchase date"),
               doc_en="Date of first purchase (empty for prospects and suspects)", doc_zh="首次购买日期"),
        Column("potential_revenue", "float", required=False, nullable=True, min=0,
               aliases=("潜在采购额", "年需求额", "potential"),
               doc_en="Estimated yearly need of the customer (for share of customer)", doc_zh="客户年需求估计"),
    ),
    doc_en="One row per customer, prospect or suspect.", doc_zh="每个客户、潜在客户或疑似客户一行。",
)

TRANSACTIONS = Table(
    "transactions",
    (
        _id("transaction_id", "交易编号", "订单号", "单号", "发票号", "发票号码", "单据号", "单据编号", "凭证编号",
            "invoice", "invoice no", required=False, unique=True,
            doc_en="Transaction identifier (optional, unique when given)", doc_zh="交易编号（可选，需唯一）"),
        Column("date", "date", not_future=True,
               aliases=("日期", "交易日期", "销售日期", "开票日期", "单据日期", "过账日期", "invoice date"),
               doc_en="Transaction date", doc_zh="交易日期"),
        _id("customer_id", *CUSTOMER_ID_ALIASES,
            references="customers.customer_id", doc_en="Customer (must exist in customers)",
            doc_zh="客户编号（必须存在于客户表）"),
        Column("amount", "float", min=0,
               aliases=("金额", "销售额", "收入", "销售金额", "无税金额", "本币无税金额", "不含税金额", "金额（本位币）",
                        "行总计", "金額", "銷售額", "銷售金額", "revenue", "sales"),
               doc_en="Revenue, net of VAT; not negative (net returns out beforehand)", doc_zh="销售额（不含税，不得为负）"),
        Column("cost", "float", required=False, nullable=True, min=0,
               aliases=("成本", "销售成本", "商品成本", "cogs", "cost of goods"),
               doc_en="Cost of goods sold", doc_zh="销售成本"),
        Column("quantity", "float", required=False, nullable=True, min=0, aliases=("数量", "实发数量", "銷售數量", "數量",
                                                                                   "qty"),
               doc_en="Quantity", doc_zh="数量"),
        Column("product", "string", required=False, nullable=True,
               aliases=("产品", "商品", "品名", "产品名称", "存货名称", "物料名称", "物料/服务描述", "產品", "產品名稱"),
               doc_en="Product or product group", doc_zh="产品"),
    ),
    doc_en="One row per sale (invoice line or order).", doc_zh="每笔销售一行。",
)

COST_TO_SERVE = Table(
    "cost_to_serve",
    (
        _id("customer_id", *CUSTOMER_ID_ALIASES, references="customers.customer_id",
            doc_en="Customer", doc_zh="客户编号"),
        Column("period", "period", aliases=("期间", "年度", "年份"), doc_en="Period id of client.yaml", doc_zh="期间"),
        Column("cost", "float", min=0, aliases=("服务成本", "成本", "cost to serve"),
               doc_en="Cost of serving the customer in the period (sales visits, service, logistics)",
               doc_zh="该期间服务该客户的成本"),
        Column("category", "string", required=False, nullable=True, aliases=("类别", "成本类别"),
               doc_en="Cost category", doc_zh="成本类别"),
    ),
    required=False, doc_en="Cost-to-serve per customer and period.", doc_zh="每客户每期间的服务成本。",
)

SURVEYS = Table(
    "surveys",
    (
        _id("customer_id", *CUSTOMER_ID_ALIASES, references="customers.customer_id",
            doc_en="Customer", doc_zh="客户编号"),
        Column("wave", "string", aliases=("调查批次", "批次", "调查轮次"), doc_en="Survey wave", doc_zh="调查批次"),
        Column("date", "date", required=False, nullable=True, not_future=True, aliases=("日期", "调查日期"),
               doc_en="Answer date", doc_zh="调查日期"),
        Column("satisfaction", "float", nullable=True, min=1, max=5, aliases=("满意度", "总体满意度", "csat"),
               doc_en="Overall satisfaction, 1 (very dissatisfied) to 5 (very satisfied)",
               doc_zh="总体满意度，1（很不满意）至 5（很满意）"),
        Column("recommend", "int", required=False, nullable=True, min=0, max=10,
               aliases=("推荐意愿", "推荐", "nps"), doc_en="Likelihood to recommend, a whole number 0-10 (the NPS scale)", doc_zh="推荐意愿，0-10 的整数（NPS 量表）"),
        Column("preferred_supplier", "bool", required=False, nullable=True, value_aliases=_YES_NO,
               aliases=("首选供应商", "是否首选供应商", "preferred"),
               doc_en="Sees us as preferred supplier (yes/no)", doc_zh="是否视我方为首选供应商"),
        Column("share_of_need", "float", required=False, nullable=True, min=0, max=1, percent="ratio",
               aliases=("需求份额", "采购份额", "份额", "share of wallet"),
               doc_en="Estimated share of the customer's need we serve, 0-1 or 0-100%",
               doc_zh="我方满足客户需求的估计份额，0-1 或 0-100%"),
    ),
    required=False, doc_en="Customer satisfaction survey answers.", doc_zh="客户满意度调查答卷。",
)

FOCUS_RESPONSES = Table(
    "focus_responses",
    (
        _id("respondent_id", "答卷人", "答卷人编号", "员工编号", doc_en="Respondent", doc_zh="答卷人"),
        Column("role", "string", aliases=("角色", "岗位", "职务"), doc_en="Role (e.g. manager, sales, service)",
               doc_zh="角色"),
        _id("item_id", "条目", "条目编号", "题号", doc_en="Checklist item id", doc_zh="检查表条目编号"),
        Column("score", "float", nullable=True, min=0, aliases=("得分", "评分", "分数"),
               doc_en="Score on the item's scale", doc_zh="得分"),
        Column("round", "string", required=False, nullable=True, aliases=("轮次", "评估轮次"),
               doc_en="Assessment round", doc_zh="评估轮次"),
    ),
    required=False, doc_en="Customer-focus audit answers of the client's staff.", doc_zh="客户关注审计答卷（员工自评）。",
)

ORG_PROFILE = Table(
    "org_profile",
    (
        _id("metric", "指标", "项目", unique=True, doc_en="Metric key, e.g. capacity_lines", doc_zh="指标代码"),
        Column("value", "float", aliases=("数值", "值"), doc_en="Value", doc_zh="数值"),
        Column("unit", "string", required=False, nullable=True, aliases=("单位",), doc_en="Unit", doc_zh="单位"),
        Column("label_zh", "string", required=False, nullable=True, aliases=("中文名称", "名称"),
               doc_en="Label in Chinese", doc_zh="中文名称"),
        Column("label_en", "string", required=False, nullable=True, aliases=("英文名称",),
               doc_en="Label in English", doc_zh="英文名称"),
    ),
    doc_en="Organisation overview figures (units, capacity, population served).", doc_zh="组织概况数据。",
)

COMPARATORS = (">", ">=", "<", "<=", "=")

QUALITY_OBJECTIVES = Table(
    "quality_objectives",
    (
        _id("objective_id", "目标编号", "指标编号", unique=True, doc_en="Objective id", doc_zh="目标编号"),
        Column("name_zh", "string", aliases=("目标名称", "中文名称", "指标名称"), doc_en="Name in Chinese", doc_zh="中文名称"),
        Column("name_en", "string", required=False, nullable=True, aliases=("英文名称", "name"),
               doc_en="Name in English", doc_zh="英文名称"),
        Column("unit", "category", allowed=("%", "points", "seconds", "per_100k", "count", "per_1000", "days"),
               value_aliases={"％": "%", "百分比": "%", "分": "points", "秒": "seconds", "十万分之一": "per_100k",
                              "per 100,000": "per_100k", "次": "count", "个": "count", "人": "count",
                              "千分之一": "per_1000", "‰": "per_1000", "天": "days"},
               aliases=("单位",), doc_en="%, points, seconds, per_100k, per_1000, count, days", doc_zh="单位"),
        Column("comparator", "category", allowed=COMPARATORS,
               value_aliases={"≥": ">=", "≤": "<=", "大于": ">", "小于": "<", "不低于": ">=", "不高于": "<=",
                              "不少于": ">=", "不超过": "<=", "等于": "=", "==": "=", "＞": ">", "＜": "<"},
               aliases=("比较", "比较符", "要求"), doc_en="One of >, >=, <, <=, = (≥ ≤ accepted)",
               doc_zh="比较符：>、>=、<、<=、=（可用 ≥ ≤）"),
        Column("target", "float", aliases=("目标值", "目标"), doc_en="Target in the objective's unit", doc_zh="目标值"),
        Column("category", "string", required=False, nullable=True, aliases=("类别", "目标类别"),
               doc_en="Group (e.g. communication quality, service quality)", doc_zh="类别"),
    ),
    doc_en="Quality objectives (ISO 9001 clause 6.2) or clinical indicators with their targets.",
    doc_zh="质量目标（ISO 9001 第 6.2 条）或临床质量指标及其目标。",
)

KPI_MEASUREMENTS = Table(
    "kpi_measurements",
    (
        _id("objective_id", "目标编号", "指标编号", references="quality_objectives.objective_id",
            doc_en="Objective (must exist in quality_objectives)", doc_zh="目标编号"),
        Column("period", "month", aliases=("月份", "期间", "统计月份"), doc_en="Month, YYYY-MM", doc_zh="月份 YYYY-MM"),
        Column("numerator", "float", required=False, nullable=True, min=0, aliases=("分子", "达标数", "事件数"),
               doc_en="Numerator (cases meeting the criterion, events)", doc_zh="分子"),
        Column("denominator", "float", required=False, nullable=True, min=0, aliases=("分母", "总数", "样本数"),
               doc_en="Denominator (all cases); > 0 when given", doc_zh="分母（大于 0）"),
        Column("value", "float", required=False, nullable=True, percent="points", aliases=("数值", "实际值", "结果"),
               doc_en="Measured value in the objective's unit (when no numerator/denominator)",
               doc_zh="实际值（按目标单位；无分子分母时填写）"),
    ),
    doc_en="Monthly measurements of each objective: numerator/denominator or a value.",
    doc_zh="各目标的月度测量：分子/分母或数值。",
)

DOCUMENTS = Table(
    "documents",
    (
        _id("doc_id", "文件编号", "编号", unique=True, doc_en="Document id", doc_zh="文件编号"),
        Column("category", "category", allowed=("responsibility", "record", "standard", "regulation", "workflow",
                                                 "manual", "procedure"),
               value_aliases={"职责权限": "responsibility", "职责": "responsibility", "记录台帐": "record",
                              "记录台账": "record", "质量记录": "record", "考核标准": "standard",
                              "规章制度": "regulation", "工作流程": "workflow", "手册": "manual", "程序文件": "procedure"},
               aliases=("类别", "文件类别", "分册"), doc_en="responsibility, record, standard, regulation, workflow, "
               "manual, procedure", doc_zh="职责权限、记录台帐、考核标准、规章制度、工作流程、手册、程序文件"),
        Column("title", "string", aliases=("标题", "文件名称", "名称"), doc_en="Title", doc_zh="文件名称"),
        Column("owner", "string", required=False, nullable=True, aliases=("责任部门", "负责人"), doc_en="Owner",
               doc_zh="责任部门"),
        Column("version", "string", required=False, nullable=True, aliases=("版本",), doc_en="Version", doc_zh="版本"),
    ),
    doc_en="Register of documented information (ISO 9001 clause 7.5).", doc_zh="成文信息登记册（ISO 9001 第 7.5 条）。",
)

AUDIT_FINDINGS = Table(
    "audit_findings",
    (
        _id("finding_id", "发现编号", "不符合项编号", "编号", unique=True, doc_en="Finding id", doc_zh="发现编号"),
        Column("round", "int", min=1, aliases=("轮次", "内审轮次", "审核轮次"), doc_en="Internal audit round (1, 2, ...)",
               doc_zh="内审轮次"),
        Column("clause", "string", aliases=("条款", "标准条款"), doc_en="ISO 9001 clause, e.g. 7.5.3", doc_zh="标准条款"),
        Column("grade", "category", allowed=("major", "minor", "observation"),
               value_aliases={"严重": "major", "严重不符合": "major", "一般": "minor", "一般不符合": "minor",
                              "轻微": "minor", "观察项": "observation", "观察": "observation", "建议": "observation"},
               aliases=("等级", "类型", "不符合等级"), doc_en="major / minor / observation", doc_zh="严重 / 一般 / 观察项"),
        Column("department", "string", aliases=("部门", "责任部门"), doc_en="Department", doc_zh="部门"),
        Column("description", "string", aliases=("描述", "问题描述", "不符合描述"), doc_en="What was found",
               doc_zh="问题描述"),
        Column("root_cause", "string", required=False, nullable=True, aliases=("原因", "根本原因", "原因分析"),
               doc_en="Root cause", doc_zh="原因分析"),
        Column("corrective_action", "string", nullable=True, aliases=("纠正措施", "整改措施"),
               doc_en="Corrective action", doc_zh="纠正措施"),
        Column("owner", "string", nullable=True, aliases=("责任人",), doc_en="Owner of the action", doc_zh="责任人"),
        Column("raised", "date", required=False, nullable=True, not_future=True, aliases=("发现日期", "提出日期"),
               doc_en="Date the finding was raised", doc_zh="发现日期"),
        Column("due", "date", nullable=True, aliases=("期限", "完成期限", "计划完成日期"), doc_en="Due date", doc_zh="完成期限"),
        Column("closed", "date", required=False, nullable=True, not_future=True, aliases=("关闭日期", "完成日期"),
               doc_en="Date the action was completed (empty while open)", doc_zh="关闭日期（未关闭为空）"),
        Column("verified", "bool", required=False, nullable=True, value_aliases=_YES_NO,
               aliases=("已验证", "验证", "是否验证"), doc_en="Effectiveness verified (yes/no)", doc_zh="是否验证有效"),
    ),
    required=False, doc_en="Internal audit findings and their corrective actions (clauses 9.2, 10.2).",
    doc_zh="内审发现及纠正措施（第 9.2、10.2 条）。",
)

#: the clauses of ISO 9001:2015 that carry requirements (4 context ... 10 improvement): an
#: internal audit programme covers every one of them
ISO_CLAUSES = ("4", "5", "6", "7", "8", "9", "10")

AUDIT_PROGRAMME = Table(
    "audit_programme",
    (
        Column("round", "int", min=1, aliases=("轮次", "内审轮次", "审核轮次"), doc_en="Internal audit round (1, 2, ...)",
               doc_zh="内审轮次"),
        Column("clause", "string", aliases=("条款", "标准条款", "审核条款"),
               doc_en="ISO 9001 clause the round audited, e.g. 4 or 7.5 (a sub-clause counts for its chapter)",
               doc_zh="本轮审核的标准条款，如 4 或 7.5（子条款计入其所属章）"),
        Column("department", "string", required=False, nullable=True, aliases=("部门", "受审部门", "受审核部门"),
               doc_en="Department audited", doc_zh="受审部门"),
        Column("date", "date", required=False, nullable=True, aliases=("日期", "审核日期"),
               doc_en="Date of the audit (a date after the report date is planned, not done)",
               doc_zh="审核日期（晚于报告日期的为计划，不计为已审核）"),
        Column("auditor", "string", required=False, nullable=True, aliases=("审核员", "内审员"), doc_en="Internal auditor",
               doc_zh="内审员"),
    ),
    required=False, doc_en="Internal audit programme (clause 9.2.2): which clauses each internal audit round covered, "
                           "one row per clause (and department) audited.",
    doc_zh="内部审核方案（第 9.2.2 条）：各轮内审覆盖的条款，每个受审条款（及部门）一行。",
)

MILESTONES = Table(
    "milestones",
    (
        Column("date", "date", aliases=("日期", "时间", "完成日期"), doc_en="Date of the milestone", doc_zh="日期"),
        Column("milestone", "string", aliases=("里程碑", "事项", "工作事项", "节点"),
               doc_en="What was done (kick-off meeting, manual issued, internal audit, ...)", doc_zh="工作事项"),
        Column("owner", "string", nullable=True, aliases=("负责人", "责任人", "责任部门"), doc_en="Who led it",
               doc_zh="负责人"),
        Column("evidence", "string", required=False, nullable=True, aliases=("证据", "佐证材料", "记录"),
               doc_en="The record that shows it (minutes, issued document, report)", doc_zh="佐证材料"),
    ),
    required=False, doc_en="How the quality management system was built and run: dated milestones.",
    doc_zh="质量管理体系建立和运行的里程碑。",
)

TRAINING = Table(
    "training",
    (
        Column("date", "date", not_future=True, aliases=("日期", "培训日期"), doc_en="Training date", doc_zh="培训日期"),
        Column("topic", "string", aliases=("主题", "培训内容", "培训主题", "课程"), doc_en="Topic", doc_zh="培训内容"),
        Column("audience", "string", required=False, nullable=True, aliases=("对象", "培训对象", "参加人员"),
               doc_en="Who was trained (all staff, managers, a branch)", doc_zh="培训对象"),
        Column("attendees", "int", min=0, aliases=("人数", "参训人数", "参加人数"), doc_en="Number of attendees",
               doc_zh="参训人数"),
        Column("headcount", "int", required=False, nullable=True, min=0, aliases=("应训人数", "应到人数"),
               doc_en="Staff who should attend (for the coverage)", doc_zh="应训人数"),
        Column("exam_pass_rate", "float", required=False, nullable=True, min=0, max=1, percent="ratio",
               aliases=("考试合格率", "合格率", "通过率"),
               doc_en="Share who passed the exam, 0-1 or 0-100% (empty: no exam)", doc_zh="考试合格率（无考试为空）"),
    ),
    required=False, doc_en="Quality-system training sessions and their exams (clause 7.2).",
    doc_zh="质量体系培训及考试（第 7.2 条）。",
)

#: the inputs of a management review, ISO 9001:2015 clause 9.3.2 a)-f), as columns of ``management_reviews``
REVIEW_INPUTS = ("input_previous_actions", "input_context_changes", "input_performance", "input_resources",
                 "input_risks", "input_improvement")
#: the outputs of a management review, clause 9.3.3 a)-c)
REVIEW_OUTPUTS = ("output_improvement", "output_qms_changes", "output_resources")

MANAGEMENT_REVIEWS = Table(
    "management_reviews",
    (
        _id("review_id", "评审编号", "编号", unique=True, doc_en="Review id", doc_zh="评审编号"),
        Column("date", "date", not_future=True, aliases=("日期", "评审日期", "会议日期"), doc_en="Date of the review",
               doc_zh="评审日期"),
        Column("chair", "string", aliases=("主持人", "主持", "主持领导"), doc_en="Who chaired it (top management)",
               doc_zh="主持人"),
        Column("input_previous_actions", "string", nullable=True, aliases=("以往评审措施状况", "输入a"),
               doc_en="9.3.2 a) status of actions from previous reviews", doc_zh="9.3.2 a) 以往管理评审所采取措施的情况"),
        Column("input_context_changes", "string", nullable=True, aliases=("内外部因素变化", "输入b"),
               doc_en="9.3.2 b) changes in external and internal issues", doc_zh="9.3.2 b) 内外部因素的变化"),
        Column("input_performance", "string", nullable=True, aliases=("绩效和有效性信息", "输入c"),
               doc_en="9.3.2 c) performance: satisfaction, objectives, processes, nonconformities, audits, providers",
               doc_zh="9.3.2 c) 绩效和有效性信息（满意度、质量目标、过程、不合格、审核、外部供方）"),
        Column("input_resources", "string", nullable=True, aliases=("资源充分性", "输入d"),
               doc_en="9.3.2 d) adequacy of resources", doc_zh="9.3.2 d) 资源的充分性"),
        Column("input_risks", "string", nullable=True, aliases=("风险和机遇措施有效性", "输入e"),
               doc_en="9.3.2 e) effectiveness of actions on risks and opportunities",
               doc_zh="9.3.2 e) 应对风险和机遇所采取措施的有效性"),
        Column("input_improvement", "string", nullable=True, aliases=("改进机会", "输入f"),
               doc_en="9.3.2 f) opportunities for improvement", doc_zh="9.3.2 f) 改进的机会"),
        Column("output_improvement", "string", nullable=True, aliases=("改进决定", "输出a"),
               doc_en="9.3.3 a) decisions on opportunities for improvement", doc_zh="9.3.3 a) 改进的机会（决定）"),
        Column("output_qms_changes", "string", nullable=True, aliases=("体系变更需求", "输出b"),
               doc_en="9.3.3 b) any need for changes to the QMS", doc_zh="9.3.3 b) 质量管理体系变更的需求"),
        Column("output_resources", "string", nullable=True, aliases=("资源需求", "输出c"),
               doc_en="9.3.3 c) resource needs", doc_zh="9.3.3 c) 资源需求"),
        Column("actions", "string", required=False, nullable=True, aliases=("措施", "后续措施", "行动"),
               doc_en="Actions decided, with owners and dates", doc_zh="决定的措施（责任人、期限）"),
    ),
    required=False, doc_en="Management reviews (clause 9.3): one row per review, its inputs and outputs.",
    doc_zh="管理评审（第 9.3 条）：每次评审一行，含输入和输出。",
)

ASSESSMENT_SCORES = Table(
    "assessment_scores",
    (
        Column("round", "string", aliases=("轮次", "评估轮次"), doc_en="Assessment round", doc_zh="评估轮次"),
        _id("item_id", "条目", "条目编号", "项目编号", doc_en="Checklist item id", doc_zh="检查表条目编号"),
        Column("score", "float", nullable=True, min=0, aliases=("得分", "评分"), doc_en="Score on the item's scale",
               doc_zh="得分"),
        Column("assessor", "string", required=False, nullable=True, aliases=("评估人", "评分人"), doc_en="Assessor",
               doc_zh="评估人"),
        Column("role", "string", required=False, nullable=True, aliases=("角色", "岗位"), doc_en="Assessor's role",
               doc_zh="角色"),
        Column("evidence", "string", required=False, nullable=True, aliases=("证据", "佐证材料"), doc_en="Evidence seen",
               doc_zh="佐证材料"),
    ),
    doc_en="Self-assessment item scores per round.", doc_zh="各轮自评条目得分。",
)

RECTIFICATIONS = Table(
    "rectifications",
    (
        _id("action_id", "整改编号", "编号", unique=True, doc_en="Action id", doc_zh="整改编号"),
        _id("item_id", "条目", "条目编号", required=False, nullable=True, doc_en="Checklist item concerned",
            doc_zh="相关条目"),
        Column("description", "string", aliases=("整改内容", "描述", "措施"), doc_en="What will be done",
               doc_zh="整改内容"),
        Column("owner", "string", nullable=True, aliases=("责任人", "负责人"), doc_en="Owner", doc_zh="责任人"),
        Column("due", "date", nullable=True, aliases=("期限", "完成期限"), doc_en="Due date", doc_zh="完成期限"),
        Column("status", "category", allowed=("open", "in_progress", "done", "verified"),
               value_aliases={"未开始": "open", "待整改": "open", "进行中": "in_progress", "整改中": "in_progress",
                              "已完成": "done", "完成": "done", "已验证": "verified", "已关闭": "verified"},
               aliases=("状态", "整改状态"), doc_en="open / in_progress / done / verified",
               doc_zh="待整改 / 整改中 / 已完成 / 已验证"),
        Column("closed", "date", required=False, nullable=True, not_future=True, aliases=("完成日期", "关闭日期"),
               doc_en="Completion date", doc_zh="完成日期"),
    ),
    required=False, doc_en="Rectification actions from the self-assessment.", doc_zh="自评整改措施。",
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (CUSTOMERS, TRANSACTIONS, COST_TO_SERVE, SURVEYS, FOCUS_RESPONSES, ORG_PROFILE, QUALITY_OBJECTIVES,
              KPI_MEASUREMENTS, DOCUMENTS, AUDIT_FINDINGS, AUDIT_PROGRAMME, MILESTONES, TRAINING, MANAGEMENT_REVIEWS, ASSESSMENT_SCORES,
              RECTIFICATIONS)
}

#: tables of each engagement type, in load order (referenced tables first)
ENGAGEMENT_TABLES: dict[str, tuple[str, ...]] = {
    "3c": ("customers", "transactions", "cost_to_serve", "surveys", "focus_responses"),
    "iso9001": ("org_profile", "quality_objectives", "kpi_measurements", "documents", "audit_findings",
                "audit_programme", "milestones", "training", "management_reviews"),
    "clinical": ("assessment_scores", "quality_objectives", "kpi_measurements", "rectifications"),
}


def tables_for(engagement: str) -> list[Table]:
    """Return the tables of an engagement type, referenced tables first.

    Parameters
    ----------
    engagement : str
        One of :data:`ENGAGEMENTS`.

    Returns
    -------
    list of Table

    Examples
    --------
    >>> [t.name for t in tables_for("clinical")]
    ['assessment_scores', 'quality_objectives', 'kpi_measurements', 'rectifications']
    """
    if engagement not in ENGAGEMENT_TABLES:
        raise KeyError(f"unknown engagement {engagement!r}; use one of {', '.join(ENGAGEMENTS)}")
    return [TABLES[name] for name in ENGAGEMENT_TABLES[engagement]]


#: the sheet of each table in a request workbook, and the sheet names a returned workbook's
#: sheets are matched by (besides the table's own name): (Chinese, English)
SHEET_TITLES: dict[str, tuple[str, str]] = {
    "customers": ("客户", "Customers"),
    "transactions": ("销售明细", "Transactions"),
    "cost_to_serve": ("服务成本", "Cost to serve"),
    "surveys": ("满意度调查", "Surveys"),
    "focus_responses": ("客户关注审计答卷", "Focus responses"),
    "org_profile": ("组织概况", "Organisation profile"),
    "quality_objectives": ("质量目标", "Quality objectives"),
    "kpi_measurements": ("指标月度测量", "KPI measurements"),
    "documents": ("文件清单", "Documents"),
    "audit_findings": ("内审发现", "Audit findings"),
    "audit_programme": ("内审方案", "Audit programme"),
    "assessment_scores": ("自评得分", "Assessment scores"),
    "rectifications": ("整改措施", "Rectifications"),
    "milestones": ("体系建设里程碑", "Milestones"),
    "training": ("培训与考试", "Training"),
    "management_reviews": ("管理评审", "Management reviews"),
}


def sheet_title(table: str, lang: str) -> str:
    """The sheet name of ``table`` in a request workbook, in ``lang`` (``zh`` or ``en``).

    Parameters
    ----------
    table : str
        Canonical table name.
    lang : {"zh", "en"}

    Returns
    -------
    str

    See Also
    --------
    table_for_sheet : the reverse, a sheet name to its table.

    Examples
    --------
    >>> sheet_title("customers", "zh"), sheet_title("customers", "en")
    ('客户', 'Customers')
    """
    zh, en = SHEET_TITLES[table]
    return zh if lang == "zh" else en


def table_for_sheet(sheet: str, candidates: tuple[str, ...] | list[str] | None = None) -> str | None:
    """The table a worksheet called ``sheet`` holds (its name, Chinese or English title), or None.

    Parameters
    ----------
    sheet : str
        The worksheet's name.
    candidates : sequence of str, optional
        Tables to consider (default: every table with a sheet title).

    Returns
    -------
    str or None

    See Also
    --------
    sheet_title : a table's sheet name.

    Examples
    --------
    >>> table_for_sheet("客户"), table_for_sheet("Cost to serve"), table_for_sheet("cost_to_serve")
    ('customers', 'cost_to_serve', 'cost_to_serve')
    """
    key = normalise_header(sheet)
    for name in candidates if candidates is not None else SHEET_TITLES:
        if key in {normalise_header(s) for s in (name, *SHEET_TITLES.get(name, ()))}:
            return name
    return None


def _is_cjk(text: str) -> bool:
    return any("\u3400" <= c <= "\u9fff" for c in text)


def display_header(column: Column, lang: str) -> str:
    """The header a request workbook writes for ``column``: its first Chinese accepted header
    (``客户编号``) for ``zh``, its canonical name for ``en``; both are read back as the column.

    Parameters
    ----------
    column : Column
    lang : {"zh", "en"}

    Returns
    -------
    str

    See Also
    --------
    display_value : the same for a category value.

    Examples
    --------
    >>> col = TABLES["customers"].column("customer_id")
    >>> display_header(col, "zh"), display_header(col, "en")
    ('客户编号', 'customer_id')
    """
    if lang == "zh":
        for alias in column.aliases:
            if _is_cjk(alias):
                return alias
    return column.name


def display_value(column: Column, value: str, lang: str) -> str:
    """A canonical category or yes/no value as a request workbook shows it in ``lang``
    (``active`` -> ``活跃``); the reader maps it back. Symbols (``%``, ``>=``) stay as they are.

    Parameters
    ----------
    column : Column
    value : str
        Canonical value (``"true"``/``"false"`` for a yes/no column).
    lang : {"zh", "en"}

    Returns
    -------
    str

    See Also
    --------
    display_header : the same for a column's header.
    choices : every value of a column, displayed.

    Examples
    --------
    >>> status = TABLES["customers"].column("status")
    >>> display_value(status, "active", "zh"), display_value(status, "active", "en")
    ('活跃', 'active')
    >>> display_value(TABLES["quality_objectives"].column("comparator"), ">=", "zh")
    '>='
    """
    if column.type == "bool":
        truth = str(value).lower() in ("true", "1", "yes")
        return ("是" if truth else "否") if lang == "zh" else ("yes" if truth else "no")
    if lang != "zh" or not re.search(r"[A-Za-z]", str(value)):
        return str(value)
    for alias, canonical in column.value_aliases.items():
        if canonical == value and _is_cjk(alias):
            return alias
    return str(value)


def choices(column: Column, lang: str) -> list[str]:
    """The values a request workbook's drop-down offers for a category or yes/no column.

    Parameters
    ----------
    column : Column
    lang : {"zh", "en"}

    Returns
    -------
    list of str

    See Also
    --------
    display_value : how each value is shown.

    Examples
    --------
    >>> choices(TABLES["customers"].column("status"), "en")
    ['active', 'inactive', 'prospect', 'suspect']
    """
    if column.type == "bool":
        return [display_value(column, "true", lang), display_value(column, "false", lang)]
    return [display_value(column, v, lang) for v in column.allowed]


_SPACES = re.compile(r"[\s_\-./（）()]+")


def normalise_header(text: object) -> str:
    """Normalise a header for alias matching: NFKC, lower case, no spaces/underscores/brackets.

    Parameters
    ----------
    text : object
        A header as found in a file.

    Returns
    -------
    str

    See Also
    --------
    alias_table : every normalised spelling of a table's headers.

    Examples
    --------
    >>> normalise_header("  Customer_ID ")
    'customerid'
    >>> normalise_header("客户 编号")
    '客户编号'
    """
    s = unicodedata.normalize("NFKC", str(text)).strip().lower()
    return _SPACES.sub("", s)


def alias_table(table: Table) -> dict[str, str]:
    """Map every normalised header spelling of ``table``'s columns to the canonical name.

    Parameters
    ----------
    table : Table

    Returns
    -------
    dict
        :func:`normalise_header` of each accepted header -> canonical column name.

    Examples
    --------
    >>> aliases = alias_table(TABLES["customers"])
    >>> aliases["customerid"], aliases["客户编号"]
    ('customer_id', 'customer_id')
    """
    out: dict[str, str] = {}
    for col in table.columns:
        for spelling in (col.name, *col.aliases):
            out.setdefault(normalise_header(spelling), col.name)
    return out


def render_markdown() -> str:
    """The column reference of ``docs/data-contract.md``, generated from this module.

    ``python -m threec_helpers.contract`` prints it; a test checks the document holds
    exactly this text, so the document and the rules cannot drift apart.

    Returns
    -------
    str
        Markdown: one section per engagement, one table of columns per input table.

    Examples
    --------
    >>> render_markdown().splitlines()[0]
    '### Engagement `3c`'
    """
    type_names = {"string": "text", "float": "number", "int": "whole number", "date": "date",
                  "bool": "yes/no", "category": "one of", "period": "period id", "month": "YYYY-MM"}
    out: list[str] = []
    for engagement, names in ENGAGEMENT_TABLES.items():
        out.append(f"### Engagement `{engagement}`\n")
        for name in names:
            table = TABLES[name]
            need = "required" if table.required else "optional"
            out.append(f"#### `{name}` ({need})\n")
            out.append(f"{table.doc_en} {table.doc_zh}\n")
            out.append("| column | type | rules | accepted headers | meaning |")
            out.append("|---|---|---|---|---|")
            for col in table.columns:
                rules = []
                rules.append("required column" if col.required else "optional column")
                if not col.nullable:
                    rules.append("no empty cells")
                if col.unique:
                    rules.append("unique")
                if col.min is not None:
                    rules.append(f">= {col.min:g}")
                if col.max is not None:
                    rules.append(f"<= {col.max:g}")
                if col.not_future:
                    rules.append("not after today")
                if col.references:
                    rules.append(f"must exist in `{col.references}`")
                if col.percent == "ratio":
                    rules.append("`35%` read as 0.35")
                elif col.percent == "points":
                    rules.append("`98.5%` read as 98.5")
                kind = type_names[col.type]
                if col.type == "category":
                    kind += ": " + ", ".join(f"`{a}`" for a in col.allowed)
                if col.value_aliases and col.type == "category":
                    zh = [k for k in col.value_aliases if not k.isascii()]
                    if zh:
                        kind += " (also " + "、".join(zh[:8]) + ")"
                headers = ", ".join(f"`{a}`" for a in (col.name, *col.aliases))
                out.append(f"| `{col.name}` | {kind} | {'; '.join(rules)} | {headers} | {col.doc_en} / {col.doc_zh} |")
            out.append("")
    return "\n".join(out)


if __name__ == "__main__":  # pragma: no cover
    print(render_markdown())
