"""BG/NBD model of the number of future purchases (Fader, Hardie & Lee 2005), with the
Gauss hypergeometric function it needs, made robust where scipy's overflows and near a = 1.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from ...errors import ParameterError
from ._fit import Fitter, unique_x
from ._inputs import as_float_array, check_rft, wrap

__all__ = ["BetaGeoFitter"]


class BetaGeoFitter(Fitter):
    """BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the easy way").

    While alive a customer buys at Poisson rate ``lambda ~ Gamma(r, alpha)``; after each
    purchase they drop out with probability ``p ~ Beta(a, b)``. Times are in the units of
    ``recency``/``T`` (weeks for ``rfm_summary(freq="W")``).

    Parameters
    ----------
    penalizer_coef : float, default 0.0
        L2 penalty ``c * (r**2 + (alpha/T_max)**2 + a**2 + b**2)`` added to the mean
        negative log-likelihood, ``T_max`` being the longest ``T`` in the data: exactly
        ``lifetimes``' penalty (which fits in time rescaled to ``T_max = 1``), so the fit
        does not depend on the time unit (weeks or days give the same model). 0 gives the
        maximum-likelihood estimate.

    Attributes
    ----------
    params_ : Series
        ``r, alpha, a, b`` after :meth:`fit`.
    log_likelihood_ : float
        Total log-likelihood at ``params_``.

    See Also
    --------
    ParetoNBDFitter : the other purchase model (dropout at any time, not only after a purchase).
    GammaGammaFitter : the value of a purchase, combined with this model into a CLV.
    rfm_summary : turns a transaction table into ``frequency, recency, T``.

    Examples
    --------
    On CDNOW (weekly ``rfm_summary``) the fit is ``r 0.243, alpha 4.414, a 0.793, b 2.426``
    as in ``lifetimes`` (see ``docs/clv.md``). A small weighted example:

    >>> frequency, recency, T = [0, 1, 1, 2, 3, 6], [0, 8, 40, 20, 45, 50], [52] * 6
    >>> weights = [60, 15, 10, 8, 5, 2]  # customers with each (frequency, recency, T)
    >>> bgf = BetaGeoFitter().fit(frequency, recency, T, weights=weights)
    >>> round(float(bgf.conditional_probability_alive(2, 20, 52)), 2)
    0.48
    >>> round(float(bgf.conditional_expected_number_of_purchases_up_to_time(10, 2, 20, 52)), 2)
    0.15
    """

    _param_names = ("r", "alpha", "a", "b")
    _time_params = ("alpha",)

    def fit(self, frequency, recency, T, weights=None, initial_params=None, tol: float = 1e-12,
            maxiter: int = 2000) -> BetaGeoFitter:
        """Fit by maximum likelihood.

        Parameters
        ----------
        frequency, recency, T : array-like
            As returned by :func:`rfm_summary`.
        weights : array-like, optional
            Number of customers each row stands for (for pre-aggregated data).
        initial_params : sequence of 4 floats, optional
            Starting ``r, alpha, a, b``.
        tol : float
            Convergence tolerance on the mean log-likelihood.
        maxiter : int
            Maximum iterations of the optimiser.

        Returns
        -------
        BetaGeoFitter
            ``self``, fitted.
        """
        def start(x, tx, T_, w):
            rate = np.dot(w, x) / max(np.dot(w, T_), 1e-12)
            return np.array([1.0, 1.0 / max(rate, 1e-6), 1.0, 2.0])

        return self._fit_rft(frequency, recency, T, weights, initial_params, tol, maxiter, model="BG/NBD",
                             default_start=start)

    @staticmethod
    def _terms(params, x, tx, T, xu=None, xi=None):
        """log of the two parts of the BG/NBD likelihood (without the common factor).

        Functions of ``x`` alone (gammaln) are evaluated once per distinct ``x`` (``xu``),
        then spread with ``xi``: ``x`` is an integer count with few distinct values, and
        scipy's special functions are the slow part of a fit.
        """
        r, alpha, a, b = params
        if xu is None:
            xu, xi = unique_x(x)
        pos = x > 0
        g_abx = special.gammaln(a + b + xu)[xi]
        u1 = special.gammaln(a) + special.gammaln(b + xu)[xi] - g_abx - (r + x) * np.log(alpha + T)
        g_bx1 = special.gammaln(np.where(xu > 0, b + xu - 1, 1.0))[xi]
        u2 = np.where(pos, special.gammaln(a + 1) + g_bx1 - g_abx - (r + x) * np.log(alpha + tx), -np.inf)
        return u1, u2

    def _loglik(self, params, x, tx, T, xu=None, xi=None):
        r, alpha, a, b = params
        if xu is None:
            xu, xi = unique_x(x)
        u1, u2 = self._terms(params, x, tx, T, xu, xi)
        return (special.gammaln(r + xu)[xi] - special.gammaln(r) + r * np.log(alpha)
                - special.betaln(a, b) + np.logaddexp(u1, u2))

    def _grad(self, params, x, tx, T, xu=None, xi=None):
        r, alpha, a, b = params
        if xu is None:
            xu, xi = unique_x(x)
        u1, u2 = self._terms(params, x, tx, T, xu, xi)
        w2 = special.expit(u2 - u1)  # share of the second term
        w1 = 1.0 - w2
        pos = x > 0
        dg = special.digamma
        l_aT, l_atx = np.log(alpha + T), np.log(alpha + tx)
        d_r = dg(r + xu)[xi] - dg(r) + np.log(alpha) - w1 * l_aT - w2 * l_atx
        d_alpha = r / alpha - w1 * (r + x) / (alpha + T) - w2 * (r + x) / (alpha + tx)
        psi_abx = dg(a + b + xu)[xi]
        d_a = (-(dg(a) - dg(a + b)) + w1 * (dg(a) - psi_abx)
               + np.where(pos, w2 * (dg(a + 1) - psi_abx), 0.0))
        psi_bx1 = dg(np.where(xu > 0, b + xu - 1, 1.0))[xi]
        d_b = (-(dg(b) - dg(a + b)) + w1 * (dg(b + xu)[xi] - psi_abx)
               + np.where(pos, w2 * (psi_bx1 - psi_abx), 0.0))
        return np.vstack([d_r, d_alpha, d_a, d_b])

    # ---- predictions ------------------------------------------------------------------

    def conditional_probability_alive(self, frequency, recency, T):
        """P(alive | frequency, recency, T): probability the customer has not dropped out.

        Equals 1 for customers with ``frequency == 0`` (under BG/NBD a customer can only
        drop out right after a repeat purchase).
        """
        r, alpha, a, b = self._check_fitted()
        x, tx, T_ = check_rft(frequency, recency, T, fit=False)
        pos = x > 0
        with np.errstate(all="ignore"):
            u = np.log(a) - np.log(np.where(pos, b + x - 1, 1.0)) + (r + x) * (np.log(alpha + T_) - np.log(alpha + tx))
        res = np.where(pos, special.expit(-u), 1.0)
        return wrap(res, frequency, recency, T, name="p_alive")

    def conditional_expected_number_of_purchases_up_to_time(self, t, frequency, recency, T):
        """Expected number of purchases in the next ``t`` time units, given the history.

        ``E[Y(t) | x, t_x, T] = (a+b+x-1)/(a-1) * [1 - ((alpha+T)/(alpha+T+t))^(r+x)
        2F1(r+x, b+x; a+b+x-1; t/(alpha+T+t))] * P(alive)``, evaluated through Euler's
        transformation of 2F1 for numerical stability at large ``x``.
        """
        params = self._check_fitted()
        t_arr = as_float_array(t, "t")
        if np.any(t_arr < 0):
            raise ParameterError(key="clv.error.t_negative")
        x, tx, T_ = check_rft(frequency, recency, T, fit=False)
        p_alive = np.asarray(self.conditional_probability_alive(x, tx, T_), dtype=float)
        res = self._expected(params, t_arr, x, T_) * p_alive
        return wrap(res, frequency, recency, T, t, name="expected_purchases")

    predict = conditional_expected_number_of_purchases_up_to_time

    @staticmethod
    def _expected(params, t, x, T):
        """``E[Y(t) | alive, x, T]`` (without P(alive)): Fader, Hardie & Lee (2005), eq. (9)
        and (10), after Euler's transformation:
        ``c/(a-1) [1 - (1-z)^(a-1) 2F1(a+b-1-r, a-1; c; z)]``, c = a+b+x-1, z = t/(alpha+T+t).

        The closed form is 0/0 at a = 1 and loses digits near it (relative error about
        1e-15 / |a-1|); for |a - 1| < ``_A_NEAR_ONE`` it is evaluated as
        ``c [-expm1((a-1) L)/(a-1) - (1-z)^(a-1) S]`` with ``L = log(1-z)`` and
        ``S = (2F1 - 1)/(a-1)`` summed as its own series (:func:`_bg_series_near_one`), whose
        value at a = 1 gives the limit ``c [-log(1-z) - sum_n (b-r)_n z^n / (n (b+x)_n)]``.
        """
        r, alpha, a, b = params
        with np.errstate(all="ignore"):
            z = t / (alpha + T + t)
            c = a + b + x - 1
            # c = 0 (x = 0 with a + b = 1) is a removable singularity of the closed form: evaluate
            # a hair beside it (the expectation is continuous in c; the error is of order 1e-7)
            c = np.where(np.abs(c) < 1e-7, 1e-7, c)
            if abs(a - 1) < _A_NEAR_ONE:
                e = a - 1
                L = np.log1p(-z)
                first = -L if e == 0 else -np.expm1(e * L) / e
                S = _bg_series_near_one(e, a + b - 1 - r, c, z)
                return np.where(t == 0, 0.0, c * (first - np.exp(e * L) * S))
            F = _hyp2f1(a + b - 1 - r, a - 1, c, z)
            # log form where F > 0 (accurate near 1); F can be <= 0 when c < 0 (a + b + x < 1)
            second = np.where(F > 0, -np.expm1((a - 1) * np.log1p(-z) + np.log(np.abs(F))),
                              1.0 - np.exp((a - 1) * np.log1p(-z)) * F)
            res = c / (a - 1) * second
        return np.where(t == 0, 0.0, res)

    def expected_number_of_purchases_up_to_time(self, t):
        """Expected repeat purchases in ``(0, t]`` of a customer who made a first purchase at 0.

        ``E[X(t)] = (a+b-1)/(a-1) * [1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1; t/(alpha+t))]``.
        """
        params = self._check_fitted()
        t_arr = as_float_array(t, "t")
        if np.any(t_arr < 0):
            raise ParameterError(key="clv.error.t_negative")
        res = self._expected(params, t_arr, 0.0, 0.0)
        return wrap(res, t, name="expected_purchases")


#: below this |a - 1| the BG/NBD expectation is summed as a series (see BetaGeoFitter._expected);
#: the closed form's error there would exceed about 1e-13
_A_NEAR_ONE = 1e-2


def _bg_series_near_one(e, p, c, z, max_terms: int = 2_000_000):
    """``S = (2F1(p, e; c; z) - 1) / e = sum_{n>=1} (p)_n (1+e)_(n-1) z^n / ((c)_n n!)``
    for 0 <= z < 1, without the cancellation of the difference (exact at e = 0 too).

    Terms shrink like ``z^n``; the sum stops when the geometric bound on the remaining tail,
    ``|term| z / (1 - z)``, is below 1e-17 of the sum.
    """
    c, z = np.broadcast_arrays(np.asarray(c, dtype=float), np.asarray(z, dtype=float))
    term = p * z / c
    total = term.copy()
    tail = z / np.maximum(1.0 - z, 1e-300)
    for n in range(1, max_terms):
        if np.all(np.abs(term) * tail <= 1e-17 * np.abs(total)):
            break
        term = term * (p + n) * (e + n) * z / ((c + n) * (n + 1))
        total = total + term
    return total


def _hyp2f1(p, q, c, z, max_terms: int = 100_000):
    """Gauss's 2F1(p, q; c; z) for 0 <= z < 1: scipy's value, with the power series summed
    directly wherever scipy returns a non-finite value.

    scipy's ``hyp2f1`` overflows in parts of this domain (e.g. 2F1(1, 1; 101; 0.906) comes
    back as inf instead of 1.0091); the series converges there, and the BG/NBD
    expectation only needs it for a handful of customers.
    """
    p, q, c, z = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (p, q, c, z)))
    out = np.array(special.hyp2f1(p, q, c, z), dtype=float)
    bad = ~np.isfinite(out)
    if bad.any():
        pb, qb, cb, zb = p[bad], q[bad], c[bad], z[bad]
        term = np.ones_like(zb)
        total = np.ones_like(zb)
        for n in range(max_terms):
            term = term * (pb + n) * (qb + n) / ((cb + n) * (n + 1)) * zb
            total = total + term
            if np.all(np.abs(term) <= 1e-16 * np.abs(total)):
                break
        out[bad] = total
    return out if out.ndim else float(out)
