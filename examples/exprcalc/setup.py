# The extension module; the rest of the metadata is in pyproject.toml.
from setuptools import Extension, setup

setup(ext_modules=[Extension("exprcalc._num", ["exprcalc/_num.c"])])
