"""Phase I/II API, bad input, batch == single series, capability, target attainment, plots."""

import numpy as np
import pandas as pd
import pytest

from threec_helpers import spc
from threec_helpers.errors import ParameterError

rng = np.random.default_rng(42)


# ----------------------------------------------------------------------------- frame shape

COMMON = ["chart", "phase", "baseline", "excluded", "value", "center", "sigma", "lcl", "ucl", "minus_2s",
          "minus_1s", "plus_1s", "plus_2s", "z", "beyond", "signal", "rules"]


@pytest.mark.parametrize("make", [
    lambda: spc.xmr(rng.normal(10, 1, 30)),
    lambda: spc.xbar_r(rng.normal(10, 1, (20, 4))),
    lambda: spc.xbar_s(rng.normal(10, 1, (20, 4))),
    lambda: spc.p(rng.binomial(100, 0.1, 20), 100),
    lambda: spc.np_chart(rng.binomial(100, 0.1, 20), 100),
    lambda: spc.c(rng.poisson(8, 20)),
    lambda: spc.u(rng.poisson(8, 20), 2.0),
    lambda: spc.p_prime(rng.binomial(5000, 0.9, 20), 5000),
    lambda: spc.u_prime(rng.poisson(800, 20), 100.0),
])
def test_every_chart_returns_the_same_tidy_columns(make):
    f = make()
    assert set(COMMON) <= set(f.columns)
    assert (f["lcl"] <= f["minus_2s"]).all() and (f["minus_2s"] <= f["minus_1s"]).all()
    assert (f["minus_1s"] <= f["center"]).all() and (f["plus_2s"] <= f["ucl"]).all()
    lim = spc.limits_of(f)
    assert lim.chart == f["chart"].iloc[0]
    assert isinstance(lim.to_dict(), dict)


def test_varying_sizes_give_stepped_limits():
    f = spc.p([5, 9, 30, 4], [100, 150, 400, 90])
    assert f["ucl"].nunique() == 4
    g = spc.xbar_r([[1, 2, 3], [2, 3, 4, 5], [1.5, 2.5]])
    assert g["ucl"].nunique() == 3 and g["n"].tolist() == [3, 4, 2]


# ----------------------------------------------------------------------------- phase I / II

def test_baseline_forms_agree():
    x = rng.normal(50, 2, 30)
    a = spc.xmr(x, baseline=20)
    b = spc.xmr(x, baseline=slice(0, 20))
    m = np.zeros(30, dtype=bool)
    m[:20] = True
    c = spc.xmr(x, baseline=m)
    assert spc.limits_of(a) == spc.limits_of(b) == spc.limits_of(c)
    assert (a["phase"] == "I").sum() == 20
    # frozen limits applied to new data reproduce Phase II of the one-call chart
    d = spc.xmr(x[20:], limits=spc.limits_of(a))
    np.testing.assert_allclose(d["ucl"], a["ucl"].iloc[20:])
    np.testing.assert_array_equal(d["z"], a["z"].iloc[20:])
    assert (d["phase"] == "II").all()


def test_exclude_by_label_and_iterate():
    s = pd.Series([10, 11, 10, 30, 10, 9, 11, 10, 10, 11.0],
                  index=pd.period_range("2024-01", periods=10, freq="M"))
    f = spc.xmr(s, exclude=[pd.Period("2024-04", "M")])
    assert spc.limits_of(f).center == pytest.approx(np.mean([10, 11, 10, 10, 9, 11, 10, 10, 11]))
    assert spc.limits_of(f).excluded == (pd.Period("2024-04", "M"),)
    g = spc.xmr(s, iterate=True)
    assert pd.Period("2024-04", "M") in spc.limits_of(g).excluded
    with pytest.raises(ParameterError, match="no point labelled"):
        spc.xmr(s, exclude=["2030-01"])


def test_limits_and_baseline_are_exclusive():
    lim = spc.limits_of(spc.c([4, 5, 6, 5]))
    with pytest.raises(ParameterError, match="not both"):
        spc.c([4, 5], limits=lim, baseline=1)
    with pytest.raises(ParameterError, match="belong to a c chart"):
        spc.u([4, 5], 1, limits=lim)


def test_sigma_methods_are_explicit():
    x = [10, 12, 11, 30, 11, 10, 12, 11, 10, 11]
    a = spc.limits_of(spc.xmr(x, sigma_method="mr_bar"))
    b = spc.limits_of(spc.xmr(x, sigma_method="mr_median"))
    mr = np.abs(np.diff(x))
    assert a.sigma == pytest.approx(mr.mean() / spc.d2(2))
    assert b.sigma == pytest.approx(np.median(mr) / 0.9538725524)
    assert b.sigma < a.sigma                                 # the median resists the jump
    data = rng.normal(0, 1, (25, 5))
    r = spc.limits_of(spc.xbar_r(data)).sigma
    s = spc.limits_of(spc.xbar_s(data)).sigma
    assert r == pytest.approx(np.ptp(data, axis=1).mean() / spc.d2(5))
    assert s == pytest.approx(np.std(data, axis=1, ddof=1).mean() / spc.c4(5))
    assert spc.limits_of(spc.xbar_r(data, sigma_method="s_bar")).sigma == pytest.approx(s)
    with pytest.raises(ParameterError, match="sigma_method"):
        spc.xmr(x, sigma_method="r_bar")


def test_long_format_subgroups():
    data = rng.normal(5, 1, (10, 4))
    long = pd.DataFrame({"v": data.ravel(), "g": np.repeat([f"lot{i}" for i in range(10)], 4)})
    a = spc.xbar_s(long["v"], long["g"])
    b = spc.xbar_s(data)
    np.testing.assert_allclose(a["ucl"].to_numpy(), b["ucl"].to_numpy())
    assert a.index[0] == "lot0"


# ----------------------------------------------------------------------------- bad input

def test_nan_gap_is_kept_and_interrupts_moving_ranges():
    x = [10, 11, np.nan, 10, 12, 11, 10, 11]
    f = spc.xmr(x)
    assert np.isnan(f["value"].iloc[2]) and np.isnan(f["mr_value"].iloc[2]) and np.isnan(f["mr_value"].iloc[3])
    mr = [1, 2, 1, 1, 1]                                      # pairs not touching the gap
    assert spc.limits_of(f).sigma == pytest.approx(np.mean(mr) / spc.d2(2))
    assert not f["signal"].iloc[2]
    p = spc.p([5, np.nan, 6], [100, np.nan, 100])
    assert np.isnan(p["ucl"].iloc[1]) and p["center"].iloc[0] == pytest.approx(11 / 200)


@pytest.mark.parametrize("call, match", [
    (lambda: spc.p([5, 6], [100, 0]), "sample sizes must be > 0"),
    (lambda: spc.p([5, 6], [100, -5]), "sample sizes must be > 0"),
    (lambda: spc.u([5, 6], [0, 3]), "sample sizes must be > 0"),
    (lambda: spc.p([5, 120], [100, 100]), "count above sample size"),
    (lambda: spc.np_chart([5, 120], 100), "count above sample size"),
    (lambda: spc.c([5, -1]), "counts must be >= 0"),
    (lambda: spc.p([5, 6], [100]), "differ in length"),
    (lambda: spc.p([5, 6], [100, np.nan]), "without a sample size"),
    (lambda: spc.p([5, 6], None), "sample sizes"),
    (lambda: spc.xmr(["a", "b"]), "numbers only"),
    (lambda: spc.xmr([1.0, np.inf, 2.0]), "infinite"),
    (lambda: spc.xmr([]), "no data"),
    (lambda: spc.xmr([5.0]), "at least 2"),
    (lambda: spc.xmr([5.0, np.nan, 6.0]), "no two consecutive"),
    (lambda: spc.xmr([1, 2, 3], baseline=0), "baseline"),
    (lambda: spc.xmr([1, 2, 3], baseline=slice(5, 9)), "no point"),
    (lambda: spc.xmr([1, 2, 3], baseline=[True, False]), "boolean mask"),
    (lambda: spc.xbar_r([[1.0], [2.0]]), "at least 2 observations"),
    (lambda: spc.xmr([1, 2, 3], iterate=-1), "iterate"),
    (lambda: spc.xmr(np.ones((3, 3))), "one-dimensional"),
])
def test_bad_input_raises_a_clear_parameter_error(call, match):
    with pytest.raises(ParameterError, match=match):
        call()


def test_fewer_points_than_a_rule_needs():
    f = spc.xmr([10, 11, 10, 12, 11], rules="nelson")       # N2 needs 9, N4 14, N7 15
    assert not f[["rule_N2", "rule_N4", "rule_N7"]].any().any()
    assert len(spc.signals(f)) == 0


def test_constant_series_zero_sigma():
    # documented: sigma = 0, limits collapse onto the centre; points on it are in control,
    # any later point off it is beyond (z = +-inf), never a division warning or a crash
    f = spc.xmr([5.0] * 10 + [5.0, 6.0], baseline=10)
    assert spc.limits_of(f).sigma == 0
    assert (f["ucl"] == 5.0).all() and (f["lcl"] == 5.0).all()
    assert not f["signal"].iloc[:11].any() and f["beyond"].iloc[11]
    assert np.isinf(f["z"].iloc[11])
    g = spc.p([100] * 12, 100)                                  # 100 % every month
    assert (g["ucl"] == 1.0).all() and not g["signal"].any()
    h = spc.p_prime([100] * 12, 100)
    assert not h["signal"].any()
    k = spc.c([0] * 8, rules="nelson")
    assert not k["signal"].any()


# ----------------------------------------------------------------------------- batch

def _kpis(n_series=40, n_periods=24, seed=3):
    r = np.random.default_rng(seed)
    rows = []
    for k in range(n_series):
        n = r.integers(200, 5000, n_periods)
        p = np.clip(r.normal(0.95, 0.01, n_periods), 0, 1)
        x = r.binomial(n, p).astype(float)
        if k % 7 == 0:
            x[5] = np.nan                                       # a gap
        rows.append(pd.DataFrame({"kpi": f"k{k:03d}", "month": pd.period_range("2022-01", periods=n_periods,
                                                                                   freq="M"),
                                  "x": x, "n": n.astype(float), "m": r.normal(100, 5, n_periods)}))
    return pd.concat(rows, ignore_index=True)


@pytest.mark.parametrize("chart", ["xmr", "p", "np", "c", "u", "p_prime", "u_prime"])
def test_batch_equals_single_series(chart):
    df = _kpis()
    value = "m" if chart == "xmr" else "x"
    out = spc.batch(df, "kpi", value, "n", chart=chart, period_col="month", baseline=18, rules="all")
    fn = spc.np_chart if chart == "np" else getattr(spc, chart)
    for key in ["k000", "k007", "k013", "k039"]:
        part = df[df["kpi"] == key].set_index("month")
        if chart == "xmr":
            single = fn(part[value], baseline=18, rules="all")
        elif chart == "c":
            single = fn(part[value], baseline=18, rules="all")
        else:
            single = fn(part[value], part["n"], baseline=18, rules="all")
        got = out[out["kpi"] == key].set_index("month")
        for col in single.columns:
            if col == "chart":
                continue
            a, b = got[col].to_numpy(), single[col].to_numpy()
            if a.dtype.kind == "f" or b.dtype.kind == "f":
                np.testing.assert_allclose(a.astype(float), b.astype(float), rtol=1e-12, atol=1e-15,
                                           equal_nan=True, err_msg=f"{chart} {key} {col}")
            else:
                assert (a == b).all(), (chart, key, col)
        lim = out.attrs["spc"]["limits"].loc[key]
        assert lim["center"] == pytest.approx(spc.limits_of(single).center, rel=1e-12)


def test_batch_signals_and_errors():
    df = _kpis(5, 20)
    df.loc[3, "x"] = df.loc[3, "n"] * 0.5                       # a spike
    out = spc.batch(df, "kpi", "x", "n", chart="p", period_col="month")
    sig = spc.signals(out, lang="en")
    assert "kpi" in sig.columns and (sig["kpi"] == "k000").any()
    with pytest.raises(ParameterError, match="n_col"):
        spc.batch(df, "kpi", "x", chart="p")
    with pytest.raises(ParameterError, match="batch supports"):
        spc.batch(df, "kpi", "x", "n", chart="xbar_r")
    with pytest.raises(ParameterError, match="not in the data"):
        spc.batch(df, "kpi", "nope", "n")


# ----------------------------------------------------------------------------- capability / target

def test_capability_one_sided_and_messages():
    x = rng.normal(10, 1, 100)
    res = spc.capability(x, usl=14)
    assert np.isnan(res.cp) and res.cpk == pytest.approx(res.cpu)
    assert res.cpk == pytest.approx((14 - x.mean()) / (3 * res.sigma_within))
    assert res.pp != res.pp and res.ppk == pytest.approx((14 - x.mean()) / (3 * x.std(ddof=1)))
    assert "USL 14" in res.message("en") and "Cpk" in res.message_zh
    with pytest.raises(ParameterError):
        spc.capability(x)
    with pytest.raises(ParameterError):
        spc.capability(x, lsl=5, usl=4)


def test_target_attainment_p_chart():
    # p-bar = 0.985 with n = 1000: sigma = sqrt(.985 * .015 / 1000) = 0.003844;
    # P(p >= 0.98) = Phi((0.985 - 0.98) / 0.003844) = Phi(1.3007) = 0.9033 (hand calculation)
    f = spc.p([985] * 6, 1000, rules="none")
    res = spc.target_attainment(f, 0.98, ">=")
    assert res.probability == pytest.approx(0.9033, abs=5e-4)
    assert res.verdict == "at_risk" and res.center_meets and not res.limits_meet
    assert "98.00%" in res.message("zh") and "at least" not in res.message("zh")
    exact = spc.target_attainment(f, 0.98, ">=", method="exact")
    from scipy import stats
    assert exact.probability == pytest.approx(stats.binom(1000, 0.985).sf(979))
    assert spc.target_attainment(f, 0.95, ">=").verdict == "capable"
    assert spc.target_attainment(f, 0.99, ">=").verdict == "not_capable"
    with pytest.raises(ParameterError, match="comparator"):
        spc.target_attainment(f, 0.98, "=>")
    with pytest.raises(ParameterError, match="proportion"):
        spc.target_attainment(f, 98, ">=")


def test_target_attainment_uses_laney_sigma():
    r = np.random.default_rng(0)
    n = np.full(24, 20000)
    x = r.binomial(n, np.clip(r.normal(0.97, 0.004, 24), 0, 1))
    pp = spc.target_attainment(spc.p_prime(x, n), 0.965, ">=")
    pc = spc.target_attainment(spc.p(x, n), 0.965, ">=")
    assert pp.sigma > pc.sigma and pp.probability < pc.probability


# ----------------------------------------------------------------------------- plots

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_plot_every_kind(tmp_path, lang):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from threec_helpers.plots.spc import plot_control_chart

    cost = [310, 288, 297, 298, 307, 303, 294, 297, 308, 306, 294, 299, 297, 299, 314, 295, 293, 306, 301, 304]
    fig = plot_control_chart(spc.xmr(cost, baseline=15, rules="nelson"), lang=lang, source="Montgomery", unit="USD")
    assert len(fig.axes) == 2
    fig.savefig(tmp_path / "xmr.png")
    n = np.full(24, 3000)
    x = np.random.default_rng(1).binomial(n, 0.985)
    fig2 = plot_control_chart(spc.p_prime(x, n, baseline=12), target=0.98, comparator=">=", lang=lang,
                              title="KPI")
    assert len(fig2.axes) == 1
    fig2.savefig(tmp_path / "p.png")
    fig3 = plot_control_chart(spc.xbar_s(np.random.default_rng(2).normal(0, 1, (20, 5))), lang=lang,
                              show_dispersion=False)
    assert len(fig3.axes) == 1
    plt.close("all")
    with pytest.raises(ParameterError):
        plot_control_chart(pd.DataFrame({"a": [1]}))


# ----------------------------------------------------------------------------- docstrings

PUBLIC_CALLABLES = [name for name in spc.__all__ if callable(getattr(spc, name))]


@pytest.mark.parametrize("name", PUBLIC_CALLABLES)
def test_every_public_spc_callable_has_a_run_time_docstring_with_examples(name):
    """Issue 12: the chart docstrings were built as ``\"\"\"...\"\"\" + _COMMON_DOC + \"\"\"...\"\"\"``,
    an expression that Python does not store as ``__doc__`` (help() showed nothing and
    their doctests never ran). Every public function and class needs a real numpydoc
    docstring with an Examples section that doctest collects (``--doctest-modules``)."""
    import doctest
    import pydoc

    obj = getattr(spc, name)
    doc = obj.__doc__ or ""
    assert doc.strip(), f"spc.{name} has no docstring at run time"
    assert "Examples\n    --------" in doc or "Examples\n--------" in doc
    assert ">>> " in doc
    assert "%(common)s" not in doc
    assert "Examples" in pydoc.render_doc(obj, renderer=pydoc.plaintext)
    assert doctest.DocTestFinder().find(obj, name, globs={})[0].examples  # doctest sees them


@pytest.mark.parametrize("name", ["xmr", "xbar_r", "xbar_s", "p", "np_chart", "c", "u", "p_prime",
                                  "u_prime"])
def test_chart_docstrings_carry_the_shared_parameters(name):
    doc = getattr(spc, name).__doc__
    for section in ("Parameters\n", "baseline : ", "exclude : ", "iterate : ", "limits : ", "rules : ",
                    "Returns\n", "See Also\n"):
        assert section in doc, (name, section)
