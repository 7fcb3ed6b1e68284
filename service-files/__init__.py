"""The service-manager templates for the daemon, shipped as package data.

This folder is installed as the package ``skillshared.service_files`` (see ``package-dir`` in
``pyproject.toml``) so that :mod:`skillshared.system.servicefiles` can read the templates with
:func:`importlib.resources.files`, from a wheel or an editable install alike.
"""
