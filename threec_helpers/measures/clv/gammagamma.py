"""Gamma-Gamma model of the value of a purchase (Fader, Hardie & Lee 2005; Fader & Hardie 2013)."""

from __future__ import annotations

import numpy as np
from scipy import special

from ...errors import ParameterError
from ._fit import Fitter, compress, unique_x
from ._inputs import as_float_array, wrap
from .lifetime_value import customer_lifetime_value

__all__ = ["GammaGammaFitter"]


class GammaGammaFitter(Fitter):
    """Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005;
    Fader & Hardie 2013, "The Gamma-Gamma model of monetary value").

    A customer's transaction values are Gamma(p, nu) with ``nu ~ Gamma(q, v)`` across
    customers; it assumes spend is independent of purchase frequency (check the correlation
    of ``frequency`` and ``monetary_value`` among repeat buyers before relying on it).

    Parameters
    ----------
    penalizer_coef : float, default 0.0
        L2 penalty ``c * (p**2 + q**2 + v**2)`` on the mean negative log-likelihood, as in
        ``lifetimes``; ``v`` is in money units, so the penalty depends on the currency unit.

    Attributes
    ----------
    params_ : Series
        ``p, q, v`` after :meth:`fit`.
    log_likelihood_ : float
        Total log-likelihood.

    See Also
    --------
    BetaGeoFitter, ParetoNBDFitter : the purchase models it is combined with.
    predict_clv : both models' predictions per customer in one table.

    Examples
    --------
    ``fit(summary["frequency"], summary["monetary_value"])`` on CDNOW gives
    ``p 6.25, q 3.74, v 15.44`` as in ``lifetimes``; with those parameters the expected
    spend of a customer whose two repeat purchases averaged 22.35 is shrunk towards the
    mean of the whole base:

    >>> import pandas as pd
    >>> ggf = GammaGammaFitter()
    >>> ggf.params_ = pd.Series({"p": 6.25, "q": 3.74, "v": 15.44})
    >>> ggf.conditional_expected_average_profit([2, 0], [22.35, 0.0]).round(2).tolist()
    [24.66, 35.22]
    """

    _param_names = ("p", "q", "v")

    def fit(self, frequency, monetary_value, weights=None, initial_params=None, tol: float = 1e-12,
            maxiter: int = 2000) -> GammaGammaFitter:
        """Fit by maximum likelihood on the repeat buyers.

        Rows with ``frequency == 0`` are ignored (their ``monetary_value`` is 0 by convention),
        so the whole output of :func:`rfm_summary` can be passed.

        Parameters
        ----------
        frequency : array-like
            Number of repeat purchases (the ``x`` the average is taken over).
        monetary_value : array-like
            Average value of the repeat purchases; must be > 0 where ``frequency > 0``.
        weights : array-like, optional
            Number of customers each row stands for.
        initial_params : sequence of 3 floats, optional
            Starting ``p, q, v``.
        tol, maxiter
            Optimiser settings.

        Returns
        -------
        GammaGammaFitter
            ``self``, fitted.
        """
        x = as_float_array(frequency, "frequency")
        m = as_float_array(monetary_value, "monetary_value")
        if x.shape != m.shape:
            raise ParameterError(key="clv.error.gg_length")
        if np.any(x < 0):
            raise ParameterError(key="clv.error.gg_frequency")
        w = np.ones(len(x)) if weights is None else as_float_array(weights, "weights")
        if w.shape != x.shape or np.any(w < 0):
            raise ParameterError(key="clv.error.weights")
        rep = (x > 0) & (w > 0)
        if not rep.any():
            raise ParameterError(key="clv.error.gg_no_repeat")
        if np.any(m[rep] <= 0):
            raise ParameterError(key="clv.error.gg_spend", n=f"{int((m[rep] <= 0).sum()):,}")
        x, m, w = x[rep], m[rep], w[rep]
        (x, m), w = compress(x, m, weights=w)
        if initial_params is None:
            mean = np.dot(w, m) / w.sum()
            start = np.array([2.0, 3.0, mean * 2.0 / 2.0])
        else:
            start = np.asarray(initial_params, dtype=float)
            if start.shape != (3,) or np.any(start <= 0):
                raise ParameterError(key="clv.error.gg_initial_params")
        data = (x, m, *unique_x(x))
        params = self._optimise(data, w, start, tol, maxiter)
        self._store(params, data, w, n=int(np.rint(w.sum())))
        return self

    def _loglik(self, params, x, m, xu, xi):
        p, q, v = params
        px = p * x
        pxu = p * xu
        return ((special.gammaln(pxu + q) - special.gammaln(pxu))[xi] - special.gammaln(q) + q * np.log(v)
                + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * np.log(v + x * m))

    def _grad(self, params, x, m, xu, xi):
        p, q, v = params
        px = p * x
        pxu = p * xu
        dg = special.digamma
        l_vxm = np.log(v + x * m)
        dg_pxq = dg(pxu + q)[xi]
        d_p = x * (dg_pxq - dg(pxu)[xi] + np.log(m) + np.log(x) - l_vxm)
        d_q = dg_pxq - dg(q) + np.log(v) - l_vxm
        d_v = q / v - (px + q) / (v + x * m)
        return np.vstack([d_p, d_q, d_v])

    def conditional_expected_average_profit(self, frequency=None, monetary_value=None):
        """Expected value of a customer's future transactions given their history.

        ``E[M | p, q, v, x, m_x] = (v + x m_x) p / (p x + q - 1)``: a weighted average of the
        population mean ``v p / (q - 1)`` and the customer's own average ``m_x``. Without
        arguments returns the population mean. Customers with ``frequency == 0`` get the
        population mean.
        """
        p, q, v = self._check_fitted()
        if q <= 1:
            raise ParameterError(key="clv.error.gg_infinite_mean", q=f"{q:.3g}")
        if frequency is None and monetary_value is None:
            return float(v * p / (q - 1))
        x = as_float_array(frequency, "frequency")
        m = as_float_array(monetary_value, "monetary_value")
        x, m = np.broadcast_arrays(x, m)
        res = (v + x * m) * p / (p * x + q - 1)
        return wrap(res, frequency, monetary_value, name="expected_average_value")

    def customer_lifetime_value(self, transaction_prediction_model, frequency, recency, T,
                                monetary_value, time: float = 12, discount_rate: float = 0.01,
                                freq: str = "D"):
        """Discounted CLV over ``time`` months (see :func:`customer_lifetime_value`).

        Uses :meth:`conditional_expected_average_profit` as the value per purchase.
        """
        spend = self.conditional_expected_average_profit(frequency, monetary_value)
        return customer_lifetime_value(transaction_prediction_model, frequency, recency, T, spend,
                                       time=time, discount_rate=discount_rate, freq=freq)
