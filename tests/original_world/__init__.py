"""What the original Go ``skillshare`` (v0.20.x) leaves on disk, rebuilt file by file.

Each module writes one part of that state into a test's home folder, in the original's own
formats (read from its source: the module docstrings name the files they follow), so the
switching tests can check that this tool reads all of it, changes none of it needlessly and
loses nothing:

- ``config``: the original's config forms (global and project).
- ``installs``: ``.metadata.json`` install records, after ``install`` by copy and ``--track``.
- ``copies``: a copy-mode target after the original's ``sync`` (``.skillshare-manifest.json``).
- ``backups``: the original's backups; ``trash``: what its ``uninstall`` leaves in the trash.
- ``audit_rules``: the original's user ``audit-rules.yaml``.
"""
