"""Customer lifetime value: historical value, retention-based CLV and probabilistic models.

Three levels of answer, from the simplest to the most data-hungry:

1. :func:`historical_value` -- what each customer has been worth to date.
2. :func:`retention_clv` / :func:`segment_clv` -- the textbook "retention" CLV of a segment,
   ``margin * r / (1 + d - r)``, with the retention rate ``r`` measured from the data
   (:func:`retention_rate`) or given as a parameter.
3. Probabilistic models for non-contractual customers (nobody tells you when a customer
   leaves): :class:`BetaGeoFitter` (BG/NBD, Fader, Hardie & Lee 2005) and
   :class:`ParetoNBDFitter` (Schmittlein, Morrison & Colombo 1987) for the number of future
   purchases and the probability that a customer is still "alive", and
   :class:`GammaGammaFitter` (Fader, Hardie & Lee 2005; Fader & Hardie 2013) for the value of
   a purchase. :meth:`GammaGammaFitter.customer_lifetime_value` combines the two into a
   discounted CLV over a horizon.

The API follows the conventions of the (unmaintained) ``lifetimes`` package that consultants
know: :func:`rfm_summary` returns ``frequency`` (number of *repeat* purchase periods),
``recency`` (time from the first to the last purchase), ``T`` (time from the first purchase
to the end of the period) and ``monetary_value`` (mean value of the repeat purchase periods,
0 for customers without a repeat purchase); the fitters expose ``fit``, ``params_``,
``conditional_expected_number_of_purchases_up_to_time``, ``conditional_probability_alive``
and ``customer_lifetime_value``. The maximum-likelihood fits are written here with scipy
(vectorised log-likelihoods, analytic gradients where practical); ``lifetimes`` is not
needed at run time. See ``docs/clv.md`` for the formulas and the CDNOW reproduction.

Modules, one concept each:

- :mod:`.retention` -- :func:`historical_value`, :func:`retention_rate`, :func:`retention_clv`,
  :func:`segment_clv`;
- :mod:`.rfm` -- :func:`rfm_summary`;
- :mod:`.bgnbd`, :mod:`.paretonbd`, :mod:`.gammagamma` -- the three fitters;
- :mod:`.lifetime_value` -- :func:`customer_lifetime_value`, :func:`predict_clv` and ``MONTH_FACTORS``;
- ``_fit`` (the fitters' shared optimisation) and ``_inputs`` (input checks) are private.
"""

from .bgnbd import BetaGeoFitter
from .gammagamma import GammaGammaFitter
# MONTH_FACTORS is public (report.phases uses it) but was never in __all__; kept that way
from .lifetime_value import MONTH_FACTORS, customer_lifetime_value, predict_clv  # noqa: F401
from .paretonbd import ParetoNBDFitter
from .retention import historical_value, retention_clv, retention_rate, segment_clv
from .rfm import rfm_summary

__all__ = [
    "BetaGeoFitter",
    "GammaGammaFitter",
    "ParetoNBDFitter",
    "customer_lifetime_value",
    "historical_value",
    "predict_clv",
    "retention_clv",
    "retention_rate",
    "rfm_summary",
    "segment_clv",
]
