"""The checklist engine: locating, loading, validating and evaluating checklist files.

Modules: ``locate`` (where the shipped files are), ``schema`` (the file schema),
``load`` (files to a :class:`~rjfacil.checklists.catalogue.Catalogue`), ``evaluate``
(flags, what applies, progress). Import from those modules; this one stays empty so
importing ``locate`` alone stays cheap.
"""
