"""The machinery the CLV fitters share (private to :mod:`threec_helpers.measures.clv`).

:class:`Fitter` keeps the parameters, fits by penalised maximum likelihood over
log-parameters (L-BFGS-B, polished by Nelder-Mead when it stops early) and gives standard
errors; :func:`compress` merges identical customer rows before a fit.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd
from scipy import optimize

from ...errors import ParameterError
from ._inputs import as_float_array, check_positive, check_rft


def unique_x(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values of ``x`` and the index that spreads them back."""
    xu, xi = np.unique(x, return_inverse=True)
    return xu, xi.ravel()


def compress(*cols: np.ndarray, weights: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Merge identical rows, summing their weights (speeds fits on period data a lot)."""
    stacked = np.column_stack(cols)
    uniq, inv = np.unique(stacked, axis=0, return_inverse=True)
    w = np.bincount(inv.ravel(), weights=weights, minlength=len(uniq))
    return [uniq[:, i] for i in range(uniq.shape[1])], w


class Fitter:
    """Shared machinery: parameter bookkeeping, optimisation, standard errors."""

    _param_names: tuple[str, ...] = ()
    #: parameters measured in the data's time unit (rates' scales: alpha, beta); the penalty
    #: sees them divided by the longest T, as lifetimes does, so it does not depend on the unit
    _time_params: tuple[str, ...] = ()
    #: lifetimes' Pareto/NBD penalises the *total* negative log-likelihood (it divides by the
    #: mean weight, 1 for unweighted data), not the mean: the penalty per customer is c / n
    _penalty_on_total: bool = False

    def __init__(self, penalizer_coef: float = 0.0):
        self.penalizer_coef = check_positive(penalizer_coef, "penalizer_coef", allow_zero=True)
        self.params_: pd.Series | None = None
        self.log_likelihood_: float | None = None
        self.n_customers_: int | None = None
        self._data: tuple | None = None
        self._summary: pd.DataFrame | None = None

    def __repr__(self) -> str:
        name = type(self).__name__
        if self.params_ is None:
            return f"<{name}: not fitted>"
        ps = ", ".join(f"{k}: {v:.4g}" for k, v in self.params_.items())
        return f"<{name}: fitted with {self.n_customers_:,} customers, {ps}>"

    def _check_fitted(self) -> np.ndarray:
        if self.params_ is None:
            raise ParameterError(key="clv.error.not_fitted", model=type(self).__name__)
        return self.params_.to_numpy()

    def _fit_rft(self, frequency, recency, T, weights, initial_params, tol: float, maxiter: int, *,
                 model: str, default_start: Callable[..., np.ndarray]):
        """Check and compress (frequency, recency, T, weights), optimise, store; the shared body
        of the transaction models' ``fit``. ``default_start(x, tx, T, w)`` gives the start."""
        x, tx, T_ = check_rft(frequency, recency, T, fit=True)
        if len(x) == 0:
            raise ParameterError(key="clv.error.no_customers")
        w = np.ones(len(x)) if weights is None else as_float_array(weights, "weights")
        if w.shape != x.shape or np.any(w < 0):
            raise ParameterError(key="clv.error.weights")
        if not np.any((x > 0) & (w > 0)):
            raise ParameterError(key="clv.error.no_repeat", model=model)
        t_max = float(T_.max())
        (x, tx, T_), w = compress(x, tx, T_, weights=w)
        if initial_params is None:
            start = default_start(x, tx, T_, w)
        else:
            start = np.asarray(initial_params, dtype=float)
            if start.shape != (len(self._param_names),) or np.any(start <= 0):
                raise ParameterError(key="clv.error.initial_params", n=len(self._param_names),
                                     names=", ".join(self._param_names))
        data = (x, tx, T_, *unique_x(x))
        # lifetimes fits in time rescaled so that max(T) = 1 and penalises the rescaled
        # parameters: the same penalty here, whatever the time unit of the data
        k = np.array([(1.0 / t_max if t_max > 0 else 1.0) if n in self._time_params else 1.0
                      for n in self._param_names])
        coef = self.penalizer_coef / w.sum() if self._penalty_on_total else self.penalizer_coef
        params = self._optimise(data, w, start, tol, maxiter, penalty=(coef, k))
        self._store(params, data, w, n=int(np.rint(w.sum())))
        return self

    # subclasses implement _loglik(params, *data) -> per-row ll, and optionally _grad
    def _loglik(self, params: np.ndarray, *data: np.ndarray) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def _grad(self, params: np.ndarray, *data: np.ndarray) -> np.ndarray | None:
        return None

    def _optimise(self, data: tuple, w: np.ndarray, start: np.ndarray, tol: float, maxiter: int,
                  penalty: tuple[float, np.ndarray] | None = None) -> np.ndarray:
        """Minimise ``-mean weighted log-likelihood + coef * sum((k * params)**2)`` over
        log-parameters; ``penalty = (coef, k)``, default ``(penalizer_coef, 1)``."""
        wsum = w.sum()
        pen, k = penalty if penalty is not None else (self.penalizer_coef, np.ones(len(start)))
        k2 = np.asarray(k, dtype=float) ** 2
        has_grad = self._grad(start, *data) is not None

        def objective(theta):
            params = np.exp(theta)
            with np.errstate(all="ignore"):
                ll = self._loglik(params, *data)
            val = -np.dot(w, ll) / wsum + pen * np.sum(k2 * params**2)
            if not np.isfinite(val):
                val = 1e300
            if not has_grad:
                return val
            with np.errstate(all="ignore"):
                g = self._grad(params, *data)  # (n_params, n_rows), d ll / d param
            grad = -(g @ w) / wsum * params + 2 * pen * k2 * params**2
            if not np.all(np.isfinite(grad)):
                grad = np.nan_to_num(grad, nan=0.0, posinf=1e10, neginf=-1e10)
            return val, grad

        theta0 = np.log(start)
        bounds = [(-30.0, 30.0)] * len(start)
        res = optimize.minimize(objective, theta0, jac=has_grad, method="L-BFGS-B", bounds=bounds,
                                options={"maxiter": maxiter, "ftol": tol, "gtol": tol * 1e-2,
                                         "maxcor": 20})
        best = res.x
        # polish with Nelder-Mead if L-BFGS-B stopped early (it can on flat, badly scaled surfaces)
        fun = (lambda th: objective(th)[0]) if has_grad else objective
        if not res.success:
            nm = optimize.minimize(fun, best, method="Nelder-Mead",
                                   options={"xatol": 1e-9, "fatol": tol, "maxiter": 20000,
                                            "maxfev": 40000})
            if nm.fun <= fun(best):
                best = nm.x
            if not has_grad:  # back to L-BFGS-B (finite differences) from the polished point
                res2 = optimize.minimize(fun, best, method="L-BFGS-B", bounds=bounds,
                                         options={"maxiter": maxiter, "ftol": tol})
                if res2.fun <= fun(best):
                    best = res2.x
        if np.any(np.abs(best) >= 29.99):
            raise ParameterError(key="clv.error.not_converged", model=type(self).__name__)
        return np.exp(best)

    def _store(self, params: np.ndarray, data: tuple, w: np.ndarray, n: int) -> None:
        self.params_ = pd.Series(params, index=list(self._param_names), dtype=float)
        self._data = (data, w)
        with np.errstate(all="ignore"):
            self.log_likelihood_ = float(np.dot(w, self._loglik(params, *data)))
        self.n_customers_ = int(n)
        self._summary = None

    @property
    def summary(self) -> pd.DataFrame:
        """Parameters with standard errors (inverse of the observed information, numerical
        Hessian of the log-likelihood) and 95% Wald bounds, like ``lifetimes``' ``summary``."""
        params = self._check_fitted()
        if self._summary is None:
            data, w = self._data

            def ll(p):
                with np.errstate(all="ignore"):
                    return float(np.dot(w, self._loglik(p, *data)))

            k = len(params)
            h = 1e-4 * params
            hess = np.empty((k, k))
            for i in range(k):
                for j in range(i, k):
                    ei, ej = np.zeros(k), np.zeros(k)
                    ei[i], ej[j] = h[i], h[j]
                    v = (ll(params + ei + ej) - ll(params + ei - ej) - ll(params - ei + ej)
                         + ll(params - ei - ej)) / (4 * h[i] * h[j])
                    hess[i, j] = hess[j, i] = v
            try:
                cov = np.linalg.inv(-hess)
                se = np.sqrt(np.where(np.diag(cov) > 0, np.diag(cov), np.nan))
            except np.linalg.LinAlgError:
                se = np.full(k, np.nan)
            self._summary = pd.DataFrame(
                {"coef": params, "se(coef)": se, "lower 95% bound": params - 1.96 * se,
                 "upper 95% bound": params + 1.96 * se},
                index=list(self._param_names),
            )
        return self._summary.copy()
