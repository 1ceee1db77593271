"""Writes hostile wheels into the current directory for link-wheel-hostile.test:
each has a harmless pkg/__init__.py and one member that would be written
outside the extraction directory. OUTSIDE is the absolute path the
absolute-path member names."""
import sys
import zipfile

outside = sys.argv[1]


def wheel(name, member, data=b"\x7fELF", external=None):
    with zipfile.ZipFile(name, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("pkg/__init__.py", "")
        info = zipfile.ZipInfo(member)
        if external is not None:
            info.create_system = 3
            info.external_attr = external << 16
        z.writestr(info, data)


wheel("absolute-1.0-py3-none-any.whl", outside + "/abs.so")
wheel("dotdot-1.0-py3-none-any.whl", "../../../../../../../../" + outside.lstrip("/") + "/up.so")
wheel("symlink-1.0-py3-none-any.whl", "pkg/link.so", outside.encode(), 0o120777)
wheel("backslash-1.0-py3-none-any.whl", "pkg\\..\\..\\win.so")
# A tab and a newline: would forge a line of a tab-separated listing.
wheel("control-1.0-py3-none-any.whl", "pkg/m.so\t" + "0" * 64 + "\t/etc/passwd\nz.py")
# The same member twice: which one would be extracted is a guess.
with zipfile.ZipFile("twice-1.0-py3-none-any.whl", "w") as z:
    z.writestr("pkg/a.so", b"one")
    z.writestr("pkg/a.so", b"two")
