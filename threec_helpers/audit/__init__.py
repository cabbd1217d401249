"""The audit engine: checklists, scoring, findings and quality objectives.

- :mod:`.checklists` -- bilingual YAML checklists (customer focus, ISO 9001, obstetrics)
- :mod:`.scoring` -- weighted scores, veto items, maturity, role gaps, priorities, rounds
- :mod:`.findings` -- audit findings: grades, ageing, closure
- :mod:`.objectives` -- quality objectives, target vs actual, and their history
- :mod:`.objective_charts` -- the control chart of each objective's monthly history
- :mod:`.rectifications` -- a clinical rectification plan's status on a given day
- :mod:`.focus` -- the customer-focus audit's three factors, respondents, and scores vs performance
"""
