"""The 3C measures: computation only, on validated tables; drawing lives in :mod:`threec_helpers.plots`.

- :mod:`._base` -- (private) the transactions as per-customer arrays, shared by the measures below
- :mod:`.stats` -- confidence intervals (Wilson, Student t, Spearman)
- :mod:`.value` -- customer value, profitability and the profit decomposition, whale curve
- :mod:`.pyramid` -- the customer pyramid (Top 1% / Big 4% / Medium 15% / Small 80%) and migration
- :mod:`.behavior` -- revenue, recency/frequency, lifetime, share of customer, cohorts
- :mod:`.satisfaction` -- satisfaction, NPS, preferred supplier, with intervals
- :mod:`.customer_table` -- one row per customer joining the above
- :mod:`.clv` -- customer lifetime value (BG/NBD, Pareto/NBD, Gamma-Gamma)
- :mod:`.clv_estimate` -- the engagement's CLV: those models fitted on a client, summed per tier
- :mod:`.opportunities` -- problems and opportunities rules
- :mod:`.registration` -- phase 1: the data-quality profile and customer-data quality score
- :mod:`.planning` -- phase 3: top-down and bottom-up budgets, reconciled
- :mod:`.realization` -- phase 4: plan vs actual and its variance components
"""
