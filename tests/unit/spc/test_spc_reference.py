"""SPC charts against published worked examples.

Sources
-------
[M6]  D. C. Montgomery, *Introduction to Statistical Quality Control*, 6th ed., Wiley 2009.
[qcc] L. Scrucca, qcc: an R package for quality control charting, R News 4/1 (2004), and the
      package's data sets ``pistonrings``, ``orangejuice``, ``circuit`` (which are Montgomery's).
Where a book rounds an intermediate value (e.g. R-bar = 0.023) and then prints limits from
the rounded value, we say so and compare at the printed precision with a tolerance of one
unit in the last printed digit, or reproduce the book's arithmetic from its rounded input.
"""

from __future__ import annotations

import numpy as np
import pytest

from threec_helpers import spc

# [M6] Table 6.3 (Phase I, samples 1-25) and Table 6.4 (Phase II, samples 26-40): inside
# diameter of forged piston rings, mm, subgroups of 5 (= qcc data set ``pistonrings``).
PISTON_RINGS = np.array([
    [74.030, 74.002, 74.019, 73.992, 74.008], [73.995, 73.992, 74.001, 74.011, 74.004],
    [73.988, 74.024, 74.021, 74.005, 74.002], [74.002, 73.996, 73.993, 74.015, 74.009],
    [73.992, 74.007, 74.015, 73.989, 74.014], [74.009, 73.994, 73.997, 73.985, 73.993],
    [73.995, 74.006, 73.994, 74.000, 74.005], [73.985, 74.003, 73.993, 74.015, 73.988],
    [74.008, 73.995, 74.009, 74.005, 74.004], [73.998, 74.000, 73.990, 74.007, 73.995],
    [73.994, 73.998, 73.994, 73.995, 73.990], [74.004, 74.000, 74.007, 74.000, 73.996],
    [73.983, 74.002, 73.998, 73.997, 74.012], [74.006, 73.967, 73.994, 74.000, 73.984],
    [74.012, 74.014, 73.998, 73.999, 74.007], [74.000, 73.984, 74.005, 73.998, 73.996],
    [73.994, 74.012, 73.986, 74.005, 74.007], [74.006, 74.010, 74.018, 74.003, 74.000],
    [73.984, 74.002, 74.003, 74.005, 73.997], [74.000, 74.010, 74.013, 74.020, 74.003],
    [73.988, 74.001, 74.009, 74.005, 73.996], [74.004, 73.999, 73.990, 74.006, 74.009],
    [74.010, 73.989, 73.990, 74.009, 74.014], [74.015, 74.008, 73.993, 74.000, 74.010],
    [73.982, 73.984, 73.995, 74.017, 74.013],
    [74.012, 74.015, 74.030, 73.986, 74.000], [73.995, 74.010, 73.990, 74.015, 74.001],
    [73.987, 73.999, 73.985, 74.000, 73.990], [74.008, 74.010, 74.003, 73.991, 74.006],
    [74.003, 74.000, 74.001, 73.986, 73.997], [73.994, 74.003, 74.015, 74.020, 74.004],
    [74.008, 74.002, 74.018, 73.995, 74.005], [74.001, 74.004, 73.990, 73.996, 73.998],
    [74.015, 74.000, 74.016, 74.025, 74.000], [74.030, 74.005, 74.000, 74.016, 74.012],
    [74.001, 73.990, 73.995, 74.010, 74.024], [74.015, 74.020, 74.024, 74.005, 74.019],
    [74.035, 74.010, 74.012, 74.015, 74.026], [74.017, 74.013, 74.036, 74.025, 74.026],
    [74.010, 74.005, 74.029, 74.000, 74.020],
])

# [M6] Example 7.1, Table 7.1: nonconforming orange-juice cans in 30 samples of n = 50
# (= qcc ``orangejuice``, trial samples).
ORANGE_JUICE = [12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22,
                8, 10, 5, 13, 11, 20, 18, 24, 15, 9, 12, 7, 13, 9, 6]

# [M6] Example 7.3, Table 7.7: nonconformities in 26 samples of 100 printed circuit boards
# (= qcc ``circuit``, trial samples).
CIRCUIT = [21, 24, 16, 12, 15, 5, 28, 20, 31, 25, 20, 24, 16, 19, 10, 17, 13,
           22, 18, 39, 30, 24, 16, 19, 17, 15]

# [M6] Example 6.5, Table 6.6: mortgage loan processing cost, 20 weeks.
LOAN_COST = [310, 288, 297, 298, 307, 303, 294, 297, 308, 306,
             294, 299, 297, 299, 314, 295, 293, 306, 301, 304]

# [M6] Example 7.4 (Table 7.8): total nonconformities in 20 samples of 5 personal computers
# (= qcc ``pcmanufact``).
PC_NONCONF = [10, 12, 8, 14, 10, 16, 11, 7, 10, 15, 9, 5, 7, 11, 12, 6, 8, 10, 7, 5]

# [M6] Section 7.3.1, dyed cloth (Table 7.10; qcc ``dyedcloth``): nonconformities and
# inspection units of 50 m2.
DYED_CLOTH = [14, 12, 20, 11, 7, 10, 21, 16, 19, 23]
DYED_UNITS = [10.0, 8.0, 13.0, 10.0, 9.5, 10.0, 12.0, 10.5, 12.0, 12.5]


def first(frame, col):
    return float(frame[col].iloc[0])


def test_xbar_r_piston_rings_phase_one():
    # [M6] Example 6.1: xbar-bar = 74.001, R-bar = 0.023, UCL = 74.014, LCL = 73.988;
    # R chart UCL = D4 R-bar. qcc prints Center 74.00118, LCL 73.98805, UCL 74.01431 and for
    # the R chart Center 0.02276, UCL 0.04812 (unrounded R-bar; the book's 0.049 uses 0.023).
    f = spc.xbar_r(PISTON_RINGS[:25])
    assert first(f, "center") == pytest.approx(74.00118, abs=5e-6)
    # 1e-5: qcc's last digit depends on the precision of its d2 (we integrate d2 exactly)
    assert first(f, "ucl") == pytest.approx(74.01431, abs=1e-5)
    assert first(f, "lcl") == pytest.approx(73.98805, abs=1e-5)
    assert round(first(f, "ucl"), 3) == 74.014 and round(first(f, "lcl"), 3) == 73.988
    assert first(f, "r_center") == pytest.approx(0.02276, abs=5e-6)
    assert first(f, "r_ucl") == pytest.approx(0.04812, abs=1e-5)  # qcc: tabled D4 = 2.114; exact 2.1145
    assert first(f, "r_lcl") == 0.0
    assert not f["beyond"].any() and not f["r_beyond"].any()  # the book: in control


def test_xbar_r_piston_rings_phase_two():
    # [M6] Example 6.1, Fig. 6.3 / Table 6.4: with the Phase I limits, samples 37, 38 and 39
    # plot above the UCL.
    f = spc.xbar_r(PISTON_RINGS, baseline=25, rules="nelson")
    assert f.index[f["beyond"]].tolist() == [37, 38, 39]
    assert (f["phase"].iloc[:25] == "I").all() and (f["phase"].iloc[25:] == "II").all()
    lim = spc.limits_of(f)
    assert lim.n_baseline == 25
    # the same by freezing the limits and charting the new samples alone
    g = spc.xbar_r(PISTON_RINGS[25:], limits=lim)
    assert (g.index[g["beyond"]] + 25).tolist() == [37, 38, 39]
    assert first(g, "ucl") == pytest.approx(first(f, "ucl"))


def test_xbar_s_piston_rings():
    # [M6] Example 6.3: xbar-s chart of the piston rings: UCL = 74.014, LCL = 73.988 at the
    # printed precision, s chart LCL = 0 (B3 = 0 for n = 5). s-bar and the s chart UCL are
    # checked against a hand calculation: s-bar = mean of the 25 sample SDs = 0.0092400,
    # UCL = B4 s-bar = 2.089 * 0.0092400 = 0.01930.
    f = spc.xbar_s(PISTON_RINGS[:25])
    assert round(first(f, "ucl"), 3) == 74.014 and round(first(f, "lcl"), 3) == 73.988
    sbar = np.std(PISTON_RINGS[:25], axis=1, ddof=1).mean()
    assert first(f, "s_center") == pytest.approx(sbar, rel=1e-12)
    assert sbar == pytest.approx(0.0092400, abs=5e-8)
    assert first(f, "s_ucl") == pytest.approx(0.01930, abs=5e-6)
    assert first(f, "s_lcl") == 0.0
    assert spc.limits_of(f).sigma == pytest.approx(sbar / spc.c4(5))


def test_xmr_loan_costs():
    # [M6] Example 6.5: x-bar = 300.5, MR-bar = 7.79, UCL = 321.22, LCL = 279.78, MR chart
    # UCL = 25.45. The book divides by the tabled d2 = 1.128 (300.5 + 3*7.79/1.128 = 321.22);
    # the exact d2(2) = 2/sqrt(pi) = 1.12838 used here gives 321.21, hence abs=0.011.
    f = spc.xmr(LOAN_COST)
    assert first(f, "center") == pytest.approx(300.5)
    assert first(f, "mr_center") == pytest.approx(148 / 19)
    assert round(first(f, "mr_center"), 2) == 7.79
    assert first(f, "ucl") == pytest.approx(321.22, abs=0.011)
    assert first(f, "lcl") == pytest.approx(279.78, abs=0.011)
    assert first(f, "mr_ucl") == pytest.approx(25.45, abs=0.011)
    assert not f["beyond"].any()  # the book: no point out of control
    # reproduce the book's arithmetic exactly from its rounded MR-bar (Limits as a standard)
    std = spc.Limits(chart="xmr", center=300.5, sigma=7.79 / 1.128)
    g = spc.xmr(LOAN_COST, limits=std)
    assert round(first(g, "ucl"), 2) == 321.22 and round(first(g, "lcl"), 2) == 279.78


def test_p_chart_orange_juice():
    # [M6] Example 7.1: p-bar = 0.2313, UCL = 0.4102, LCL = 0.0524; samples 15 and 23 are
    # above the UCL.
    f = spc.p(ORANGE_JUICE, 50)
    assert round(first(f, "center"), 4) == 0.2313
    assert round(first(f, "ucl"), 4) == 0.4102
    assert round(first(f, "lcl"), 4) == 0.0524
    assert f.index[f["beyond"]].tolist() == [15, 23]


def test_p_chart_orange_juice_revised_limits():
    # [M6] Example 7.1 (continued): samples 15 and 23 have assignable causes and are
    # removed; revised p-bar = 0.2150, UCL = 0.3893, LCL = 0.0407; sample 21 (p = 0.40)
    # now exceeds the UCL but has no assignable cause and the book keeps it.
    f = spc.p(ORANGE_JUICE, 50, exclude=[15, 23])
    assert round(first(f, "center"), 4) == 0.2150
    assert round(first(f, "ucl"), 4) == 0.3893
    assert round(first(f, "lcl"), 4) == 0.0407
    assert f.index[f["beyond"]].tolist() == [15, 21, 23]
    assert spc.limits_of(f).excluded == (15, 23)
    assert f.loc[[15, 23], "excluded"].all() and f["excluded"].sum() == 2
    # automatic iteration goes one step further (it also drops 21): p-bar = 281/1350
    g = spc.p(ORANGE_JUICE, 50, iterate=True)
    assert spc.limits_of(g).excluded == (15, 21, 23)
    assert first(g, "center") == pytest.approx(281 / 1350)


def test_np_chart_orange_juice():
    # [M6] Section 7.2.3 / qcc np chart of ``orangejuice`` trial samples: CL = n p-bar =
    # 11.567, UCL = 20.51, LCL = 2.62 (hand check: 11.5667 +- 3 sqrt(11.5667 * 0.76867)).
    f = spc.np_chart(ORANGE_JUICE, 50)
    assert first(f, "center") == pytest.approx(11.5667, abs=5e-5)
    assert round(first(f, "ucl"), 2) == 20.51
    assert round(first(f, "lcl"), 2) == 2.62
    assert f.index[f["beyond"]].tolist() == [15, 23]


def test_c_chart_circuit_boards():
    # [M6] Example 7.3: c-bar = 516/26 = 19.85, UCL = 33.22 (book, from the rounded 19.85;
    # qcc prints 33.21 from the unrounded value), LCL = 6.48; samples 6 and 20 are outside.
    f = spc.c(CIRCUIT)
    assert round(first(f, "center"), 2) == 19.85
    assert first(f, "ucl") == pytest.approx(33.21, abs=0.011)
    assert round(first(f, "lcl"), 2) == 6.48
    assert f.index[f["beyond"]].tolist() == [6, 20]


def test_u_chart_personal_computers():
    # [M6] Example 7.4: u-bar = 1.93, UCL = 3.79, LCL = 0.07; no point out of control.
    f = spc.u(PC_NONCONF, 5)
    assert round(first(f, "center"), 2) == 1.93
    assert round(first(f, "ucl"), 2) == 3.79
    assert round(first(f, "lcl"), 2) == 0.07
    assert not f["beyond"].any()


def test_u_chart_dyed_cloth_variable_units():
    # [M6] Section 7.3.1, dyed cloth: u-bar = 153 / 107.5 = 1.42; limits vary with the number
    # of inspection units: UCL = 1.42 + 3 sqrt(1.42 / n_i), which the book prints as 2.55 /
    # 0.29 for n = 10 from the rounded u-bar; the unrounded hand calculation for n = 10 is
    # 1.42326 + 3 * 0.37726 = 2.555, LCL = 0.291; for n = 8: 2.689 / 0.158.
    f = spc.u(DYED_CLOTH, DYED_UNITS)
    assert first(f, "center") == pytest.approx(153 / 107.5)
    assert f.loc[1, "ucl"] == pytest.approx(2.55, abs=0.006) and round(f.loc[1, "lcl"], 2) == 0.29
    assert round(f.loc[1, "ucl"], 3) == 2.555
    assert round(f.loc[2, "ucl"], 3) == 2.689 and round(f.loc[2, "lcl"], 3) == 0.158
    assert f["ucl"].nunique() > 1  # stepped limits
    assert not f["beyond"].any()


def test_laney_p_prime_hand_calculation():
    # Laney (2002), Quality Engineering 14(4), 531-537: z_i = (p_i - p-bar)/sigma_pi,
    # sigma_z = MR-bar(z)/1.128, limits p-bar +- 3 sigma_pi sigma_z. No printed data set is
    # reproduced here (we could not verify one); this is an independent hand calculation.
    x = np.array([480, 590, 410, 560, 500, 420])
    n = np.array([10000, 10200, 9800, 10100, 9900, 10000])
    pbar = x.sum() / n.sum()                       # 2960 / 60000 = 0.0493333
    sp = np.sqrt(pbar * (1 - pbar) / n)
    z = (x / n - pbar) / sp
    sz = np.abs(np.diff(z)).mean() / (2 / np.sqrt(np.pi))   # d2(2) = 2/sqrt(pi) = 1.1284
    f = spc.p_prime(x, n)
    assert pbar == pytest.approx(0.0493333, abs=1e-7)
    assert spc.limits_of(f).sigma_z == pytest.approx(sz, rel=1e-9)
    np.testing.assert_allclose(f["ucl"], pbar + 3 * sp * sz, rtol=1e-12)
    np.testing.assert_allclose(f["lcl"], pbar - 3 * sp * sz, rtol=1e-12)
    # the classic p chart calls points out of control that p' does not
    classic = spc.p(x, n)
    assert classic["beyond"].sum() > f["beyond"].sum()


def test_laney_u_prime_hand_calculation():
    x = np.array([120, 150, 110, 160, 135])
    n = np.array([1000, 1100, 950, 1050, 1000])
    ubar = x.sum() / n.sum()
    su = np.sqrt(ubar / n)
    z = (x / n - ubar) / su
    sz = np.median(np.abs(np.diff(z))) / 0.9538725524
    f = spc.u_prime(x, n, sigma_method="mr_median")
    np.testing.assert_allclose(f["ucl"], ubar + 3 * su * sz, rtol=1e-9)
    np.testing.assert_allclose(f["plus_1s"], ubar + su * sz, rtol=1e-9)


def test_laney_equals_p_chart_when_no_overdispersion():
    # with sigma_z forced to 1 (a standard), p' limits are the p limits
    std = spc.Limits(chart="p_prime", center=0.2313333, sigma_z=1.0)
    a = spc.p_prime(ORANGE_JUICE, 50, limits=std)
    b = spc.p(ORANGE_JUICE, 50, limits=spc.Limits(chart="p", center=0.2313333))
    np.testing.assert_allclose(a["ucl"], b["ucl"])


def test_capability_piston_rings():
    # [M6] Section 6.2 (piston rings, specifications 74.000 +- 0.05 mm): sigma-hat = R-bar/d2
    # = 0.0099 (rounded), PCR = Cp = 0.10 / (6 * 0.0099) = 1.68.
    lim = spc.Limits(chart="xbar_r", center=74.001, sigma=0.0099)
    res = spc.capability(PISTON_RINGS[:25], lsl=73.95, usl=74.05, limits=lim)
    assert round(res.cp, 2) == 1.68
    # from the data, unrounded sigma = 0.02276 / 2.326 = 0.009785 -> Cp = 1.70
    res2 = spc.capability(PISTON_RINGS[:25], lsl=73.95, usl=74.05)
    assert res2.sigma_within == pytest.approx(0.02276 / spc.d2(5), rel=1e-9)
    assert round(res2.cp, 2) == 1.70
    assert res2.capable
    assert "Cpk" in res2.message("en") and "Cpk" in res2.message("zh")
