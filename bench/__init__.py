"""Benchmarks of Quartiersatlas: ``python -m bench [names...]`` (see ``bench/__main__.py``).

Every benchmark compares an endpoint with a floor measured in the same run (usually the bare SQL
statement the endpoint runs) and reports the ratio; ``--write`` records the figures in
``docs/benchmarks.md``. The benchmarks use a database of their own, ``<default name>_bench``
(``bench.database``), filled by the generators in ``bench.synth``.

Adding benchmarks: create ``bench/<area>.py`` with functions decorated by ``bench.core.benchmark``;
the runner discovers the module. Importing this package does not set up Django.
"""
