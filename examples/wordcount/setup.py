# The bundled example: a small app with a C extension, built with
# `CC=oxcc pip wheel` and linked by `oxcc link` into one executable.
from setuptools import Extension, setup

setup(
    name="wordcount",
    version="1.0",
    packages=["wordcount"],
    ext_modules=[Extension("wordcount._count", ["wordcount/_count.c"])],
)
