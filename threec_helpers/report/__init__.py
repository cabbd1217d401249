"""The notebook report layer: the context a notebook writes its report through, the results
file, the explore widgets, and the per-phase and per-audit helpers the notebooks call.

- :mod:`.context` -- the notebook context (titles, tables, figures, key figures)
- :mod:`.results` -- the results file each notebook writes for briefings and indexes
- :mod:`.explore` -- ipywidgets explorers, static in batch runs
- :mod:`.figures` -- key figures: formats, statuses, recording, conclusions
- :mod:`.tables` -- display tables: column headers and number formats
- :mod:`.phases` -- the four 3C phase notebooks' small tables and headlines
- :mod:`.audits` -- tables and notes shared by the three audit notebooks
- :mod:`.iso9001`, :mod:`.clinical`, :mod:`.focus` -- each audit type's headline and conclusion
"""
