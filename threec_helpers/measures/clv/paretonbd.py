"""Pareto/NBD model of the number of future purchases (Schmittlein, Morrison & Colombo 1987;
likelihood as in Fader & Hardie 2005).
"""

from __future__ import annotations

import numpy as np
from scipy import special

from ...errors import ParameterError
from ._fit import Fitter
from ._inputs import as_float_array, check_rft, wrap

__all__ = ["ParetoNBDFitter"]


class ParetoNBDFitter(Fitter):
    """Pareto/NBD model (Schmittlein, Morrison & Colombo 1987).

    While alive a customer buys at Poisson rate ``lambda ~ Gamma(r, alpha)``; lifetimes are
    exponential with rate ``mu ~ Gamma(s, beta)``. The likelihood follows Fader & Hardie
    (2005, "A note on deriving the Pareto/NBD model and related expressions"); the
    hypergeometric terms are evaluated after an Euler transformation so that they stay
    bounded (no overflow for heavy buyers) and the difference of the two terms is taken in
    log space.

    Parameters
    ----------
    penalizer_coef : float, default 0.0
        L2 penalty ``c * (r**2 + (alpha/T_max)**2 + s**2 + (beta/T_max)**2)`` added to the
        *total* negative log-likelihood (``T_max`` the longest ``T``): ``lifetimes``'
        Pareto/NBD penalty (it fits in time rescaled to ``T_max = 1``), so the fit does not
        depend on the time unit. Relative to the mean log-likelihood it is ``n`` times
        weaker than the BG/NBD penalty of the same ``c``, because ``lifetimes`` normalises
        the two likelihoods differently and this class follows it. (With ``weights``,
        ``lifetimes`` divides the total by the mean weight of the rows, so its fit depends on
        how customers are grouped into rows; here grouped and ungrouped data fit alike, and
        equal ``lifetimes`` on unweighted data.)

    Attributes
    ----------
    params_ : Series
        ``r, alpha, s, beta`` after :meth:`fit`.
    log_likelihood_ : float
        Total log-likelihood.

    See Also
    --------
    BetaGeoFitter : the BG/NBD purchase model (dropout only right after a purchase).
    GammaGammaFitter : the value of a purchase, combined with this model into a CLV.
    rfm_summary : turns a transaction table into ``frequency, recency, T``.

    Examples
    --------
    >>> frequency, recency, T = [0, 1, 1, 2, 3, 6], [0, 8, 40, 20, 45, 50], [52] * 6
    >>> weights = [60, 15, 10, 8, 5, 2]  # customers with each (frequency, recency, T)
    >>> pnbd = ParetoNBDFitter().fit(frequency, recency, T, weights=weights)
    >>> round(float(pnbd.conditional_probability_alive(2, 20, 52)), 2)
    0.47
    """

    _param_names = ("r", "alpha", "s", "beta")
    _time_params = ("alpha", "beta")
    _penalty_on_total = True

    def fit(self, frequency, recency, T, weights=None, initial_params=None, tol: float = 1e-12,
            maxiter: int = 2000) -> ParetoNBDFitter:
        """Fit by maximum likelihood (same arguments as :meth:`BetaGeoFitter.fit`, with
        ``initial_params = (r, alpha, s, beta)``)."""
        def start(x, tx, T_, w):
            rate = np.dot(w, x) / max(np.dot(w, T_), 1e-12)
            mean_T = np.dot(w, T_) / w.sum()
            return np.array([1.0, 1.0 / max(rate, 1e-6), 1.0, max(mean_T, 1e-3)])

        return self._fit_rft(frequency, recency, T, weights, initial_params, tol, maxiter, model="Pareto/NBD",
                             default_start=start)

    @classmethod
    def _log_term(cls, params, x, y):
        """log of term(y) = (r+s+x) * Integral_y^inf (alpha+u)^-(r+x) (beta+u)^-(s+1) du,
        i.e. the A0 pieces of Fader & Hardie after Euler's transform.

        SciPy's ``hyp2f1`` returns NaN (or a value outside the function's known bounds) for
        heavy buyers when z is close to 1 (e.g. alpha = 100, beta = 0.01, x = 200); those
        entries are integrated numerically instead (:meth:`_log_term_quad`).
        """
        r, alpha, s, beta = params
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        c = r + s + x + 1
        with np.errstate(all="ignore"):
            if alpha >= beta:
                z = (alpha - beta) / (alpha + y)
                F = special.hyp2f1(1.0, r + x, c, z)
                # 1 <= F <= 2F1(1, r+x; c; 1) = (c-1)/s (Gauss's theorem; c - 1 - (r+x) = s > 0)
                ok = np.isfinite(F) & (F >= 1.0 - 1e-12) & (F <= (c - 1) / s * (1 + 1e-9))
                out = np.log(F) - (r + x) * np.log(alpha + y) - s * np.log(beta + y)
            else:
                z = (beta - alpha) / (beta + y)
                G = special.hyp2f1(1.0, s + 1, c, z)
                ok = np.isfinite(G) & (G >= 1.0 - 1e-12)
                out = np.log(G) + (1 - r - x) * np.log(alpha + y) - (s + 1) * np.log(beta + y)
        if np.all(ok):
            return out
        out, ok = np.broadcast_arrays(out, ok)
        out = np.array(out, dtype=float)
        xb, yb = np.broadcast_arrays(x, y)
        for i in zip(*np.nonzero(~ok)) if out.ndim else [()]:
            out[i] = cls._log_term_quad(params, float(xb[i]), float(yb[i]))
        return out

    @staticmethod
    def _log_term_quad(params, x: float, y: float) -> float:
        """:meth:`_log_term` by quadrature, for the entries where ``hyp2f1`` fails.

        With A = alpha + y, B = beta + y and u = y + B w, the integral is
        A^-(r+x) B^-s J with J = Integral_0^inf (1 + (B/A) w)^-(r+x) (1 + w)^-(s+1) dw: a
        positive, decreasing integrand, bounded by 1/s, integrated in two pieces (its scale
        near 0 is 1 / ((B/A)(r+x) + s + 1)).
        """
        from scipy import integrate

        r, alpha, s, beta = params
        A, B = alpha + y, beta + y
        rho = B / A
        k, m = r + x, s + 1

        def f(w):
            return np.exp(-k * np.log1p(rho * w) - m * np.log1p(w))

        w0 = 50.0 / (rho * k + m)
        head, _ = integrate.quad(f, 0.0, w0, epsabs=0.0, epsrel=1e-12, limit=200)
        tail, _ = integrate.quad(f, w0, np.inf, epsabs=0.0, epsrel=1e-12, limit=200)
        return float(np.log(r + s + x) + np.log(head + tail) - k * np.log(A) - s * np.log(B))

    def _log_bracket(self, params, x, tx, T):
        """log[(alpha+T)^-(r+x) (beta+T)^-s + s/(r+s+x) (term(t_x) - term(T))] and its first part."""
        r, alpha, s, beta = params
        lP = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
        lt_tx = self._log_term(params, x, tx)
        lt_T = self._log_term(params, x, T)
        # term(t_x) - term(T) >= 0; computed as term(t_x) * (1 - exp(lt_T - lt_tx))
        diff_log = lt_tx + np.log(np.clip(-np.expm1(np.minimum(lt_T - lt_tx, 0.0)), 1e-300, None))
        l2 = np.log(s) - np.log(r + s + x) + diff_log
        return np.logaddexp(lP, l2), lP

    def _loglik(self, params, x, tx, T, xu=None, xi=None):
        r, alpha, s, beta = params
        lb, _ = self._log_bracket(params, x, tx, T)
        return (special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha) + s * np.log(beta) + lb)

    def conditional_probability_alive(self, frequency, recency, T):
        """P(alive | frequency, recency, T) under Pareto/NBD."""
        params = self._check_fitted()
        x, tx, T_ = check_rft(frequency, recency, T, fit=False)
        with np.errstate(all="ignore"):
            lb, lP = self._log_bracket(params, x, tx, T_)
            res = np.clip(np.exp(lP - lb), 0.0, 1.0)
        return wrap(res, frequency, recency, T, name="p_alive")

    def conditional_expected_number_of_purchases_up_to_time(self, t, frequency, recency, T):
        """Expected purchases in the next ``t`` time units given the history:
        ``(r+x)(beta+T)/((alpha+T)(s-1)) [1 - ((beta+T)/(beta+T+t))^(s-1)] P(alive)``."""
        params = self._check_fitted()
        r, alpha, s, beta = params
        t_arr = as_float_array(t, "t")
        if np.any(t_arr < 0):
            raise ParameterError(key="clv.error.t_negative")
        x, tx, T_ = check_rft(frequency, recency, T, fit=False)
        p_alive = np.asarray(self.conditional_probability_alive(x, tx, T_), dtype=float)
        res = (r + x) * (beta + T_) / (alpha + T_) * self._g(s, np.log1p(t_arr / (beta + T_))) * p_alive
        return wrap(res, frequency, recency, T, t, name="expected_purchases")

    predict = conditional_expected_number_of_purchases_up_to_time

    @staticmethod
    def _g(s, L):
        """[1 - exp(-(s-1) L)] / (s-1), with its limit L at s = 1."""
        k = s - 1
        if abs(k) < 1e-10:
            return L
        return -np.expm1(-k * L) / k

    def expected_number_of_purchases_up_to_time(self, t):
        """Expected purchases in ``(0, t]`` of a new customer:
        ``r beta / (alpha (s-1)) [1 - (beta/(beta+t))^(s-1)]``."""
        r, alpha, s, beta = self._check_fitted()
        t_arr = as_float_array(t, "t")
        if np.any(t_arr < 0):
            raise ParameterError(key="clv.error.t_negative")
        res = r * beta / alpha * self._g(s, np.log1p(t_arr / beta))
        return wrap(res, t, name="expected_purchases")
