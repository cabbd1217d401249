"""Reading a client's inputs: the data contract, ``client.yaml``, the file readers,
validation with its problem report and processed cache, and pseudonymising customers.

- :mod:`.contract` -- the tables, columns, rules and header aliases clients' files are read by
- :mod:`.config` -- ``client.yaml``: periods, targets, thresholds, table mapping
- :mod:`.readers` -- CSV/XLSX/Parquet as consultants get them, and value parsing
- :mod:`.validation` -- a client folder checked against the contract; the processed cache
- :mod:`.masking` -- pseudonymised customer ids and names for shared reports
- :mod:`.request` -- the data-request workbook sent to the client (read back as its folder's data)
- :mod:`.forms` -- filled audit forms read back as the responses table of a round
"""
