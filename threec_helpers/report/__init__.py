"""The notebook report layer: the context a notebook writes its report through, the results
file, the explore widgets, and the per-phase and per-audit helpers the notebooks call.

- :mod:`.context` -- the notebook context (titles, tables, figures, key figures)
- :mod:`.results` -- the results file each notebook writes for briefings and indexes
- :mod:`.explore` -- ipywidgets explorers, static in batch runs
- :mod:`.phases` -- helpers of the four 3C phase notebooks
- :mod:`.audits` -- helpers of the three audit notebooks
"""
