"""demo_hospital: an obstetrics department's quality self-assessment (seed, part 3).

XX县人民医院产科 / XX County People's Hospital, Obstetrics assesses itself against the
provincial midwifery-technique standard over the seed's five areas (cooperation of other
departments; facilities and staffing; work systems, above all critical-maternal-case
consultation and rescue; first-diagnosis responsibility; staff knowledge and skills),
using the ``obstetrics_quality`` checklist items OB.1.1 .. OB.5.4.

- Two self-assessment rounds, ``2025H2`` (September 2025) and ``2026H2`` (September 2026),
  four assessors each (director, head nurse, doctor, midwife). Round 2 is better on
  average; the veto item OB.3.1 (critical-case rescue system with regular drills) is
  "partial" in round 1 and "yes" in round 2.
- Rectification actions for the weak items of round 1 (mostly verified) and of round 2
  (open or in progress, due after October 2026).
- Monthly indicators for 24 months (about 100-200 births a month) with numerators and
  denominators. The caesarean rate shifts down from about 45% to about 36% in January
  2026, after the "promote vaginal birth" action: a real shift for a p-chart to catch.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from ._common import YAML_COMMENT, month_ids, month_periods, rng_for
from ._write import num_text, write_csv, write_yaml

CLIENT_ID = "demo_hospital"
CURRENT = "2026-10"
N_MONTHS = 24
ROUNDS = (("2025H2", dt.date(2025, 7, 1), dt.date(2025, 12, 31)),
          ("2026H2", dt.date(2026, 7, 1), dt.date(2026, 12, 31)))
CS_SHIFT_MONTH = "2026-01"

# item, scale, max, true level round 1, true level round 2 (share of max), evidence round 1, round 2
ITEMS = (
    ("OB.1.1", "points", 10, 0.85, 0.88,
     "On-call consultation log: ICU/anaesthesia/neonatology answered 41 of 44 calls",
     "On-call log: 52 of 53 calls answered within 30 minutes"),
    ("OB.1.2", "points", 10, 0.90, 0.92, "Blood bank emergency release records; lab turnaround checked for 20 cases",
     "Emergency blood release drill report, June 2026"),
    ("OB.1.3", "points", 10, 0.58, 0.84,
     "No written referral agreement with the county MCH centre; exchange by phone only",
     "Referral and information-exchange form in use since March 2026; weekly exchange list"),
    ("OB.2.1", "points", 10, 0.82, 0.80, "Delivery rooms, obstetric theatre and resuscitation units inspected",
     "Resuscitation unit in delivery room 2 due for replacement"),
    ("OB.2.2", "points", 10, 0.64, 0.83, "8 midwives for about 1,800 births a year: below the licensing ratio",
     "Two midwives recruited in 2026; roster meets the ratio"),
    ("OB.2.3", "yes_partial_no", 1, 1.0, 1.0, "Duty rosters Jan-Aug 2025: 24-hour doctor and midwife cover",
     "Duty rosters Jan-Aug 2026: 24-hour doctor and midwife cover"),
    ("OB.2.4", "points", 10, 0.85, 0.90, "Emergency trolley check sheets: 11 days unsigned in 6 months",
     "Emergency trolley check sheets complete"),
    ("OB.3.1", "yes_partial_no", 1, 0.5, 1.0, "Rescue team exists on paper; only 2 drills in 12 months",
     "Standing rescue team with named members; monthly drills since November 2025"),
    ("OB.3.2", "points", 10, 0.80, 0.88, "Five-colour risk grading used at booking; re-grading not always recorded",
     "Re-grading at each visit recorded in 47 of 50 sampled charts"),
    ("OB.3.3", "points", 10, 0.76, 0.86, "PPH protocol on the ward wall; blood loss not always measured",
     "Blood loss measured by weighing; PPH protocol audit"),
    ("OB.3.4", "points", 10, 0.48, 0.82, "No near-miss review meeting held in 2025 before the assessment",
     "Monthly near-miss and case review minutes since November 2025"),
    ("OB.3.5", "points", 10, 0.84, 0.88, "Handover book and ward-round records sampled",
     "Handover book and ward-round records sampled"),
    ("OB.4.1", "points", 10, 0.84, 0.90, "First-diagnosis responsibility system issued; 30 charts sampled",
     "First-diagnosis responsibility system; 30 charts sampled"),
    ("OB.4.2", "points", 10, 0.64, 0.85, "Referral records incomplete in 9 of 30 sampled charts",
     "Referral records complete in 28 of 30 sampled charts"),
    ("OB.4.3", "yes_partial_no", 1, 1.0, 1.0, "No refusal or delay found in complaints and emergency records",
     "No refusal or delay found in complaints and emergency records"),
    ("OB.5.1", "points", 10, 0.74, 0.86, "Training plan 2025; attendance 71%", "Training plan 2026; attendance 92%"),
    ("OB.5.2", "points", 10, 0.58, 0.86, "Neonatal resuscitation skills test: 11 of 18 staff passed",
     "Neonatal resuscitation skills test: 18 of 19 staff passed"),
    ("OB.5.3", "points", 10, 0.66, 0.74, "Shoulder dystocia drill: team roles unclear",
     "Eclampsia drill scored 7/10; drills not yet quarterly"),
    ("OB.5.4", "points", 10, 0.80, 0.84, "Theory examination: mean 78 of 100", "Theory examination: mean 84 of 100"),
)
ASSESSORS = (("OB-DIR", "director", 0.06), ("OB-HN", "head_nurse", 0.02), ("OB-DR2", "doctor", -0.02),
             ("OB-MW3", "midwife", -0.05))

# id, name_zh, name_en, unit, comparator, target, category
OBJECTIVES = (
    ("CSR", "剖宫产率", "Caesarean section rate", "%", "<=", 40.0, "delivery"),
    ("SPPH", "严重产后出血发生率", "Severe postpartum haemorrhage", "per_1000", "<=", 10.0, "maternal safety"),
    ("NAR", "新生儿窒息率", "Neonatal asphyxia rate", "%", "<=", 3.0, "newborn safety"),
    ("MMD", "孕产妇死亡数", "Maternal deaths", "count", "=", 0.0, "maternal safety"),
    ("HRS", "高危妊娠筛查率", "High-risk pregnancy screening coverage", "%", ">=", 95.0, "antenatal care"),
    ("DDI", "Ⅰ类紧急剖宫产30分钟内娩出率", "Category-1 caesarean delivered within 30 minutes", "%", ">=", 90.0,
     "maternal safety"),
)

RECTIFICATIONS = (
    ("RA-2025-01", "OB.3.1", "Set up a standing critical-maternal-case rescue team with named members and hold a "
     "scored rescue drill every month", "Director of Obstetrics", "2025-12-31", "verified", "2025-11-28"),
    ("RA-2025-02", "OB.3.4", "Hold a monthly maternal near-miss and case review meeting and file the minutes",
     "Director of Obstetrics", "2026-01-31", "verified", "2025-11-30"),
    ("RA-2025-03", "OB.1.3", "Agree a referral and information-exchange form with the county maternal and child "
     "health centre; exchange lists weekly", "Medical Affairs Office", "2026-03-31", "verified", "2026-03-20"),
    ("RA-2025-04", "OB.2.2", "Recruit two midwives to meet the staffing ratio of the licensing standard",
     "Head Nurse", "2026-06-30", "done", "2026-06-15"),
    ("RA-2025-05", "OB.5.2", "Neonatal resuscitation training with a skills test every quarter for all midwives and "
     "obstetricians", "Head Nurse", "2026-03-31", "verified", "2026-03-27"),
    ("RA-2025-06", "OB.4.2", "Audit first-diagnosis and referral records every month and feed back to each doctor",
     "Quality Control Office", "2026-02-28", "verified", "2026-02-26"),
    ("RA-2025-07", None, "Promote vaginal birth: antenatal classes, labour analgesia, a second opinion before "
     "every elective caesarean (caesarean rate above target)", "Director of Obstetrics", "2025-12-31", "verified",
     "2025-12-22"),
    ("RA-2026-01", "OB.5.3", "Quarterly obstetric emergency drills (shoulder dystocia, eclampsia, PPH) with a "
     "scored assessment", "Head Nurse", "2026-12-31", "in_progress", None),
    ("RA-2026-02", "OB.2.1", "Replace the neonatal resuscitation unit in delivery room 2", "Equipment Department",
     "2027-03-31", "open", None),
    ("RA-2026-03", "OB.1.1", "Written on-call consultation agreement with ICU and anaesthesia: response within 30 "
     "minutes", "Medical Affairs Office", "2026-12-15", "in_progress", None),
)


def _scores(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for r, (rnd, _s, _e) in enumerate(ROUNDS):
        for item, scale, mx, q1, q2, ev1, ev2 in ITEMS:
            q = (q1, q2)[r]
            ev = (ev1, ev2)[r]
            for assessor, role, bias in ASSESSORS:
                if scale == "points":
                    score = float(np.clip(np.round(mx * (q + bias + rng.normal(0, 0.06))), 0, mx))
                else:
                    score = q  # veto items: the panel agrees on yes / partial / no
                rows.append((rnd, item, score, assessor, role, ev))
    return pd.DataFrame(rows, columns=["round", "item_id", "score", "assessor", "role", "evidence"])


def _kpis(rng: np.random.Generator) -> pd.DataFrame:
    months = month_ids(CURRENT, N_MONTHS)
    n = len(months)
    month_no = np.array([int(m[-2:]) for m in months])
    births = rng.poisson(150 + 18 * np.cos(2 * np.pi * (month_no - 10) / 12)).astype(int)
    after_cs = np.array([m >= CS_SHIFT_MONTH for m in months])
    after_nrp = np.array([m >= "2026-04" for m in months])
    cs = rng.binomial(births, np.where(after_cs, 0.36, 0.45))
    spph = rng.binomial(births, 0.007)
    asph = rng.binomial(births, np.where(after_nrp, 0.017, 0.026))
    booked = births + rng.integers(8, 25, n)
    screened = booked - rng.binomial(booked, 0.025)
    cat1 = rng.integers(3, 9, n)
    fast = np.minimum(cat1, rng.binomial(cat1, 0.95))
    rows = []
    for i, m in enumerate(months):
        rows += [("CSR", m, cs[i], births[i], None), ("SPPH", m, spph[i], births[i], None),
                 ("NAR", m, asph[i], births[i], None), ("MMD", m, None, None, 0.0),
                 ("HRS", m, screened[i], booked[i], None), ("DDI", m, fast[i], cat1[i], None)]
    df = pd.DataFrame(rows, columns=["objective_id", "period", "numerator", "denominator", "value"])
    for c in ("numerator", "denominator", "value"):
        df[c] = df[c].astype(float)
    return df.sort_values(["objective_id", "period"], kind="stable").reset_index(drop=True)


def hospital_tables(seed: int) -> dict[str, pd.DataFrame]:
    """Build demo_hospital's tables (canonical names and values).

    Parameters
    ----------
    seed : int
        Seed of the random stream (assessor scatter, monthly counts).

    Returns
    -------
    dict of str to DataFrame
        ``assessment_scores``, ``quality_objectives``, ``kpi_measurements``, ``rectifications``.

    Examples
    --------
    >>> t = hospital_tables(1)
    >>> sorted(t["assessment_scores"]["item_id"].str[:4].unique())
    ['OB.1', 'OB.2', 'OB.3', 'OB.4', 'OB.5']
    """
    rng = rng_for(seed, CLIENT_ID)
    qo = pd.DataFrame(OBJECTIVES, columns=["objective_id", "name_zh", "name_en", "unit", "comparator", "target",
                                           "category"])
    rect = pd.DataFrame(RECTIFICATIONS, columns=["action_id", "item_id", "description", "owner", "due", "status",
                                                 "closed"])
    for c in ("due", "closed"):
        rect[c] = pd.to_datetime(rect[c]).astype("datetime64[ns]")
    return {"assessment_scores": _scores(rng), "quality_objectives": qo, "kpi_measurements": _kpis(rng),
            "rectifications": rect}


def client_config(seed: int) -> dict:
    """The ``client.yaml`` mapping of demo_hospital."""
    periods = month_periods(CURRENT, N_MONTHS) + [{"id": r, "start": s, "end": e} for r, s, e in ROUNDS]
    return {
        "client_id": CLIENT_ID,
        "name": {"zh": "XX县人民医院产科", "en": "XX County People's Hospital, Obstetrics"},
        "engagement": "clinical",
        "industry": "hospital obstetrics department",
        "currency": "CNY",
        "language": "en",
        "periods": periods,
        "current_period": CURRENT,
        "previous_period": month_ids(CURRENT, 2)[0],
        "checklist": "obstetrics_quality",
    }


def write_hospital(out_dir: Path, seed: int) -> Path:
    """Write the demo_hospital folder under ``out_dir`` (UTF-8 CSV, English headers)."""
    folder = Path(out_dir) / CLIENT_ID
    t = hospital_tables(seed)
    write_yaml(folder / "client.yaml", client_config(seed), YAML_COMMENT.format(seed=seed))
    s = t["assessment_scores"].copy()
    s["score"] = s["score"].map(num_text)
    write_csv(folder / "assessment_scores.csv", s)
    write_csv(folder / "quality_objectives.csv", t["quality_objectives"])
    k = t["kpi_measurements"].copy()
    for c in ("numerator", "denominator", "value"):
        k[c] = k[c].map(num_text)
    write_csv(folder / "kpi_measurements.csv", k)
    r = t["rectifications"].copy()
    for c in ("due", "closed"):
        r[c] = r[c].dt.strftime("%Y-%m-%d")
    write_csv(folder / "rectifications.csv", r)
    return folder
