"""Counts words, with the counting loop in C (wordcount._count)."""
from wordcount._count import count_words

__all__ = ["count_words"]
