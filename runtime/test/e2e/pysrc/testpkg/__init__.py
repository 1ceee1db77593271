"""A test package embedded in the end-to-end test program."""
GREETING = 'hello from testpkg'
