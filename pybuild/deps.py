"""Third-party libraries CPython's modules need, each built from its Debian
source package with the target compiler into its own prefix (include/, lib/),
static archives only, position-independent (a dist may be linked into a PIE).

Each prefix is cached under <root>/deps/ by a key over its inputs, so a
CPython rebuild (another option, a newer builder) does not rebuild OpenSSL.
expat and mpdecimal are not here: CPython's bundled copies are used.
"""
import os
import shutil

CFLAGS = "-O2 -fPIC"


def _env(target, **more):
    env = dict(os.environ)
    env.update(CC=target.cc, CFLAGS=CFLAGS, AR="ar", RANLIB="ranlib")
    # A host pkg-config must not hand glibc paths to a musl build.
    env.pop("PKG_CONFIG_PATH", None)
    env.update(more)
    return env


def build_zlib(src, prefix, target, jobs, log):
    env = _env(target)
    log.run(["./configure", "--static", f"--prefix={prefix}"], cwd=src, env=env)
    log.run(["make", f"-j{jobs}", "libz.a"], cwd=src, env=env)
    log.run(["make", "install"], cwd=src, env=env)


def build_bzip2(src, prefix, target, jobs, log):
    # No configure; the Makefile's flags are overridden on the command line.
    log.run(["make", f"-j{jobs}", "libbz2.a", f"CC={target.cc}",
             f"CFLAGS={CFLAGS} -D_FILE_OFFSET_BITS=64"], cwd=src)
    _install(prefix, {"lib": [os.path.join(src, "libbz2.a")],
                      "include": [os.path.join(src, "bzlib.h")]})


def build_xz(src, prefix, target, jobs, log):
    env = _env(target)
    log.run(["./configure", f"--prefix={prefix}", "--disable-shared", "--enable-static",
             "--with-pic", "--disable-xz", "--disable-xzdec", "--disable-lzmadec",
             "--disable-lzmainfo", "--disable-lzma-links", "--disable-scripts",
             "--disable-doc", "--disable-nls"], cwd=src, env=env)
    # Only the library (and its api/ headers): the tools are not needed.
    log.run(["make", f"-j{jobs}", "-C", "src/liblzma"], cwd=src, env=env)
    log.run(["make", "-C", "src/liblzma", "install"], cwd=src, env=env)


def build_libffi(src, prefix, target, jobs, log):
    env = _env(target)
    log.run(["./configure", f"--prefix={prefix}", "--disable-shared", "--enable-static",
             "--with-pic", "--disable-docs", "--disable-multi-os-directory"],
            cwd=src, env=env)
    log.run(["make", f"-j{jobs}"], cwd=src, env=env)
    log.run(["make", "install"], cwd=src, env=env)


# Debian's sqlite3 orig tarball is the canonical tree, not the amalgamation:
# its Makefile generates sqlite3.c (with tclsh), which is compiled here with
# the features Debian enables. No loadable extensions: a static binary
# cannot dlopen them.
SQLITE_DEFINES = [
    "-DSQLITE_THREADSAFE=1", "-DSQLITE_ENABLE_FTS3", "-DSQLITE_ENABLE_FTS3_PARENTHESIS",
    "-DSQLITE_ENABLE_FTS4", "-DSQLITE_ENABLE_FTS5", "-DSQLITE_ENABLE_RTREE",
    "-DSQLITE_ENABLE_COLUMN_METADATA", "-DSQLITE_ENABLE_MATH_FUNCTIONS",
    "-DSQLITE_ENABLE_DBSTAT_VTAB", "-DSQLITE_ENABLE_JSON1", "-DSQLITE_OMIT_LOAD_EXTENSION",
]


def build_sqlite(src, prefix, target, jobs, log):
    env = _env(target)
    log.run(["./configure", "--disable-shared", "--enable-static", "--disable-tcl",
             "--disable-readline"], cwd=src, env=env)
    log.run(["make", f"-j{jobs}", "sqlite3.c"], cwd=src, env=env)
    log.run([target.cc, *CFLAGS.split(), *SQLITE_DEFINES, "-c", "sqlite3.c",
             "-o", "sqlite3.o"], cwd=src)
    log.run(["ar", "rcs", "libsqlite3.a", "sqlite3.o"], cwd=src)
    _install(prefix, {"lib": [os.path.join(src, "libsqlite3.a")],
                      "include": [os.path.join(src, "sqlite3.h"),
                                  os.path.join(src, "sqlite3ext.h")]})


def build_openssl(src, prefix, target, jobs, log):
    # Libraries only (build_libs): no apps, tests or docs. no-async: musl has
    # no makecontext; no-afalgeng: needs linux/if_alg.h; no-dso/no-module/
    # no-engine: nothing is loaded at run time, so no -ldl. Certificates are
    # looked up where Debian keeps them.
    env = _env(target, CFLAGS="")
    log.run(["perl", "./Configure", "linux-x86_64", f"--prefix={prefix}", "--libdir=lib",
             "--openssldir=/etc/ssl", "no-shared", "no-tests", "no-afalgeng", "no-async",
             "no-engine", "no-module", "no-dso", "no-ui-console", "-fPIC", "-O2",
             f"CC={target.cc}"], cwd=src, env=env)
    log.run(["make", f"-j{jobs}", "build_libs"], cwd=src, env=env)
    log.run(["make", "install_dev"], cwd=src, env=env)


# mimalloc as the process's malloc: its one-file build (src/static.c) as a
# single object with malloc, free, realloc... defined (MI_MALLOC_OVERRIDE).
# An object, not an archive: linked before the C library, every malloc call
# in the program (libc's own, C++'s, the extensions') binds to it, and
# libc's malloc objects are never pulled in. initial-exec TLS: it is only
# ever linked into executables.
def build_mimalloc(src, prefix, target, jobs, log):
    obj = os.path.join(src, "mimalloc.o")
    log.run([target.cc, "-O3", "-fPIC", "-DNDEBUG", "-DMI_MALLOC_OVERRIDE",
             "-fvisibility=hidden", "-ftls-model=initial-exec", "-fno-builtin-malloc",
             "-Iinclude", "-c", "src/static.c", "-o", obj], cwd=src)
    _install(prefix, {"lib": [obj], "include": [os.path.join(src, "include", "mimalloc.h")]})


# libxml2 for a target with no system copy (musl): zlib and liblzma from
# the prefixes CPython's own libraries are built into, iconv from the C
# library, no ICU (Debian's glibc build has it: on musl, encodings that
# neither iconv nor libxml2 itself knows are not available). No Python
# bindings, no loadable modules. The library, its headers, libxml-2.0.pc and
# xml2-config are installed: the last two are what packages ask.
def build_libxml2(src, prefix, target, jobs, log, deps):
    env = _env(target)
    log.run(["./configure", f"--prefix={prefix}", "--disable-shared", "--enable-static",
             "--with-pic", "--without-python", "--without-icu", "--without-modules",
             f"--with-zlib={deps['zlib']}", f"--with-lzma={deps['xz-utils']}"], cwd=src, env=env)
    log.run(["make", f"-j{jobs}", "libxml2.la"], cwd=src, env=env)
    log.run(["make", "install-libLTLIBRARIES", "install-pkgconfigDATA", "install-binSCRIPTS"],
            cwd=src, env=env)
    log.run(["make", "-C", "include", "install"], cwd=src, env=env)
    os.remove(os.path.join(prefix, "lib", "libxml2.la"))


# libxslt and libexslt as static PIC archives, against the target's libxml2
# (the host's -dev package on glibc, found by pkg-config). Left out: the
# EXSLT crypto functions (they would need libgcrypt), plug-ins (dlopen),
# the debugger and the Python bindings. Only the two libraries, their
# headers, .pc files and xslt-config are installed: the .pc files tell
# `oxcc link` what each archive needs (libexslt: libxslt, libxml2; libxslt:
# libxml2, libm), and a package's build asks them or xslt-config.
def build_libxslt(src, prefix, target, jobs, log, deps=None):
    libxml = [f"--with-libxml-prefix={deps['libxml2']}"] if deps else []
    env = _env(target)
    log.run(["./configure", f"--prefix={prefix}", "--disable-shared", "--enable-static",
             "--with-pic", "--without-python", "--without-crypto", "--without-plugins",
             "--without-debugger", *libxml], cwd=src, env=env)
    for sub in ("libxslt", "libexslt"):
        log.run(["make", f"-j{jobs}", "-C", sub], cwd=src, env=env)
        log.run(["make", "-C", sub, "install"], cwd=src, env=env)
    log.run(["make", "install-binSCRIPTS"], cwd=src, env=env)  # xslt-config
    _install(prefix, {"lib/pkgconfig": [os.path.join(src, "libxslt.pc"),
                                        os.path.join(src, "libexslt.pc")]})
    # Libtool's .la files name the temporary prefix; nothing here reads them.
    for f in ("libxslt.la", "libexslt.la"):
        os.remove(os.path.join(prefix, "lib", f))


# libjpeg-turbo's libjpeg (the libjpeg 6.2 API Debian's libjpeg62-turbo
# has), static and PIC, with its SIMD code (nasm), without TurboJPEG's own
# API or the tools.
def build_libjpeg_turbo(src, prefix, target, jobs, log):
    build = os.path.join(src, "oxcc-build")
    os.makedirs(build, exist_ok=True)
    log.run(["cmake", "-G", "Unix Makefiles", f"-DCMAKE_C_COMPILER={target.cc}",
             f"-DCMAKE_INSTALL_PREFIX={prefix}", "-DCMAKE_INSTALL_LIBDIR=lib",
             "-DCMAKE_BUILD_TYPE=Release", "-DCMAKE_POSITION_INDEPENDENT_CODE=ON",
             "-DENABLE_SHARED=OFF", "-DENABLE_STATIC=ON", "-DWITH_TURBOJPEG=OFF",
             "-DREQUIRE_SIMD=ON", ".."], cwd=build, env=_env(target))
    log.run(["make", f"-j{jobs}", "jpeg-static"], cwd=build)
    _install(prefix, {"lib": [os.path.join(build, "libjpeg.a")],
                      "include": [os.path.join(src, "jpeglib.h"), os.path.join(src, "jmorecfg.h"),
                                  os.path.join(src, "jerror.h"), os.path.join(build, "jconfig.h")]})
    # Its generated libjpeg.pc names the build tree as libdir: written here.
    os.makedirs(os.path.join(prefix, "lib", "pkgconfig"))
    with open(os.path.join(prefix, "lib", "pkgconfig", "libjpeg.pc"), "w") as f:
        f.write(f"prefix={prefix}\nlibdir=${{prefix}}/lib\nincludedir=${{prefix}}/include\n\n"
                f"Name: libjpeg\nDescription: libjpeg-turbo's libjpeg (static, oxcc)\n"
                f"Version: {os.path.basename(src).rpartition('-')[2]}\n"
                f"Libs: -L${{libdir}} -ljpeg\nCflags: -I${{includedir}}\n")


# libpng, on the zlib CPython's own build uses (the target's).
def build_libpng(src, prefix, target, jobs, log, deps):
    z = deps["zlib"]
    env = _env(target, CPPFLAGS=f"-I{z}/include", LDFLAGS=f"-L{z}/lib")
    log.run(["./configure", f"--prefix={prefix}", "--disable-shared", "--enable-static",
             "--with-pic", "--disable-tools"], cwd=src, env=env)
    log.run(["make", f"-j{jobs}", "libpng16.la"], cwd=src, env=env)
    log.run(["make", "install-libLTLIBRARIES", "install-pkgincludeHEADERS",
             "install-nodist_pkgincludeHEADERS", "install-pkgconfigDATA", "install-binSCRIPTS",
             "install-header-links", "install-library-links", "install-libpng-pc"],
            cwd=src, env=env)
    os.remove(os.path.join(prefix, "lib", "libpng16.la"))


# FreeType with its own gzip/zlib code and libpng (colour bitmap fonts);
# without HarfBuzz, brotli (WOFF2 fonts: no recipe yet) and bzip2.
def build_freetype(src, prefix, target, jobs, log, deps=None):
    # The target's libpng, named outright: its configure would otherwise
    # ask pkg-config or the host's libpng-config.
    png = deps["libpng1.6"]
    env = _env(target, PKG_CONFIG_LIBDIR=os.path.join(png, "lib", "pkgconfig"),
               LIBPNG_CFLAGS=f"-I{png}/include/libpng16", LIBPNG_LIBS=f"-L{png}/lib -lpng16")
    log.run(["./configure", f"--prefix={prefix}", "--disable-shared", "--enable-static",
             "--with-pic", "--with-zlib=no", "--with-bzip2=no", "--with-png=yes",
             "--with-harfbuzz=no", "--with-brotli=no"], cwd=src, env=env)
    log.run(["make", f"-j{jobs}"], cwd=src, env=env)
    log.run(["make", "install"], cwd=src, env=env)
    os.remove(os.path.join(prefix, "lib", "libfreetype.la"))


# Little CMS 2, the library only (its tools would want libjpeg and libtiff).
def build_lcms2(src, prefix, target, jobs, log):
    env = _env(target)
    log.run(["./configure", f"--prefix={prefix}", "--disable-shared", "--enable-static",
             "--with-pic", "--without-jpeg", "--without-tiff"], cwd=src, env=env)
    log.run(["make", f"-j{jobs}", "-C", "src"], cwd=src, env=env)
    log.run(["make", "-C", "src", "install"], cwd=src, env=env)
    log.run(["make", "-C", "include", "install"], cwd=src, env=env)
    log.run(["make", "install-pkgconfigDATA"], cwd=src, env=env)
    os.remove(os.path.join(prefix, "lib", "liblcms2.la"))


# libwebp with libwebpmux and libwebpdemux (Pillow's animated WebP), no
# tools and no image format readers of its own.
def build_libwebp(src, prefix, target, jobs, log):
    env = _env(target)
    log.run(["./configure", f"--prefix={prefix}", "--disable-shared", "--enable-static",
             "--with-pic", "--enable-libwebpmux", "--enable-libwebpdemux", "--disable-gl",
             "--disable-sdl", "--disable-png", "--disable-jpeg", "--disable-tiff",
             "--disable-gif", "--disable-wic"], cwd=src, env=env)
    # sharpyuv (its RGB to YUV conversion) is a convenience library that
    # libwebp.a takes in: built first.
    for sub in ("sharpyuv", "src"):
        log.run(["make", f"-j{jobs}", "-C", sub], cwd=src, env=env)
        log.run(["make", "-C", sub, "install"], cwd=src, env=env)
    _remove_libtool_archives(prefix)


def _cmake_library(src, prefix, target, jobs, log, *defines):
    """A CMake project's static PIC library, built out of tree and installed.
    Every dependency is named by the caller (-D...): CMake must not find the
    host's copies for a musl build."""
    build = os.path.join(src, "oxcc-build")
    os.makedirs(build, exist_ok=True)
    log.run(["cmake", "-G", "Unix Makefiles", f"-DCMAKE_C_COMPILER={target.cc}",
             f"-DCMAKE_INSTALL_PREFIX={prefix}", "-DCMAKE_INSTALL_LIBDIR=lib",
             "-DCMAKE_BUILD_TYPE=Release", "-DCMAKE_POSITION_INDEPENDENT_CODE=ON",
             "-DBUILD_SHARED_LIBS=OFF", *defines, ".."], cwd=build, env=_env(target))
    log.run(["make", f"-j{jobs}"], cwd=build)
    log.run(["make", "install"], cwd=build)


# libtiff with the codecs Debian's has that Pillow's tests use: Deflate
# (zlib), JPEG, LZMA and WebP, from the target's recipes; without ZSTD,
# JBIG, LERC and libdeflate (no recipe), the C++ API and the tools. Its
# libtiff-4.pc lists them (Libs.private), which `oxcc link` reads.
def build_tiff(src, prefix, target, jobs, log, deps):
    def lib(dep, name):
        return os.path.join(deps[dep], "lib", name)

    def inc(dep):
        return os.path.join(deps[dep], "include")
    _cmake_library(
        src, prefix, target, jobs, log,
        "-Dtiff-tools=OFF", "-Dtiff-tests=OFF", "-Dtiff-contrib=OFF", "-Dtiff-docs=OFF",
        "-Dcxx=OFF", "-Dzstd=OFF", "-Djbig=OFF", "-Dlerc=OFF", "-Dlibdeflate=OFF",
        "-Dtiff-opengl=OFF",
        "-Dzlib=ON", f"-DZLIB_INCLUDE_DIR={inc('zlib')}", f"-DZLIB_LIBRARY={lib('zlib', 'libz.a')}",
        "-Djpeg=ON", f"-DJPEG_INCLUDE_DIR={inc('libjpeg-turbo')}",
        f"-DJPEG_LIBRARY={lib('libjpeg-turbo', 'libjpeg.a')}",
        "-Dlzma=ON", f"-DLIBLZMA_INCLUDE_DIR={inc('xz-utils')}",
        f"-DLIBLZMA_LIBRARY={lib('xz-utils', 'liblzma.a')}",
        "-Dwebp=ON", f"-DWebP_INCLUDE_DIR={inc('libwebp')}",
        f"-DWebP_LIBRARY={lib('libwebp', 'libwebp.a')}")


# OpenJPEG's libopenjp2 (JPEG 2000), without its command-line codecs.
def build_openjpeg2(src, prefix, target, jobs, log):
    _cmake_library(src, prefix, target, jobs, log, "-DBUILD_STATIC_LIBS=ON", "-DBUILD_CODEC=OFF")


def _remove_libtool_archives(prefix):
    """Libtool's .la files name the temporary prefix; nothing here reads them."""
    lib = os.path.join(prefix, "lib")
    for f in os.listdir(lib):
        if f.endswith(".la"):
            os.remove(os.path.join(lib, f))


def _install(prefix, files):
    for sub, paths in files.items():
        os.makedirs(os.path.join(prefix, sub), exist_ok=True)
        for p in paths:
            shutil.copy2(p, os.path.join(prefix, sub))


# Build order; `libs` are the archives CPython links, `package` the Debian
# source package. Bump `recipe` when a build function changes its output.
RECIPES = [
    {"package": "zlib", "recipe": "1", "build": build_zlib, "libs": ["z"]},
    {"package": "bzip2", "recipe": "1", "build": build_bzip2, "libs": ["bz2"]},
    {"package": "xz-utils", "recipe": "1", "build": build_xz, "libs": ["lzma"]},
    {"package": "libffi", "recipe": "1", "build": build_libffi, "libs": ["ffi"]},
    {"package": "sqlite3", "recipe": "1", "build": build_sqlite, "libs": ["sqlite3"]},
    {"package": "openssl", "recipe": "1", "build": build_openssl, "libs": ["ssl", "crypto"]},
]


def all_recipes():
    """What `oxcc python lib NAME` builds, by NAME: the link recipes below,
    and CPython's libraries by their Debian package (zlib: a package's build
    may want its headers too). A link recipe wins a clash of names."""
    recipes = {r["package"]: r for r in RECIPES}
    recipes.update(LINK_RECIPES)
    return recipes


# Libraries an application's link adds (`oxcc python lib NAME`), by name.
# `libs`: the -l names whose archives the recipe installs in lib/ (`oxcc
# link` builds the recipe when an extension links one of them and the
# target has no archive of it); `files`: what must exist after the build;
# `system`: Debian -dev packages of the host it is built against on glibc
# (their versions are part of the cache key); `requires`: per C library
# ("gnu", "musl"), the recipes (these, or CPython's by package) built
# first, whose prefixes its build function gets.
LINK_RECIPES = {
    "mimalloc": {"package": "mimalloc", "recipe": "1", "build": build_mimalloc,
                 "libs": [], "files": ["lib/mimalloc.o"]},
    "libxslt": {"package": "libxslt", "recipe": "2", "build": build_libxslt,
                "libs": ["xslt", "exslt"], "files": ["lib/libxslt.a", "lib/libexslt.a", "bin/xslt-config"],
                "system": ["libxml2-dev"], "requires": {"musl": ["libxml2"]}},
    "libjpeg-turbo": {"package": "libjpeg-turbo", "recipe": "1", "build": build_libjpeg_turbo,
                      "libs": ["jpeg"], "files": ["lib/libjpeg.a", "include/jpeglib.h"]},
    "freetype": {"package": "freetype", "recipe": "3", "build": build_freetype,
                 "libs": ["freetype"], "files": ["lib/libfreetype.a"],
                 "requires": {"gnu": ["libpng1.6"], "musl": ["libpng1.6"]}},
    "libpng1.6": {"package": "libpng1.6", "recipe": "1", "build": build_libpng,
                  "libs": ["png16", "png"], "files": ["lib/libpng16.a"],
                  "requires": {"gnu": ["zlib"], "musl": ["zlib"]}},
    "lcms2": {"package": "lcms2", "recipe": "1", "build": build_lcms2,
              "libs": ["lcms2"], "files": ["lib/liblcms2.a", "include/lcms2.h"]},
    "libwebp": {"package": "libwebp", "recipe": "1", "build": build_libwebp,
                "libs": ["webp", "webpmux", "webpdemux"],
                "files": ["lib/libwebp.a", "lib/libwebpmux.a", "lib/libwebpdemux.a"]},
    "tiff": {"package": "tiff", "recipe": "1", "build": build_tiff,
             "libs": ["tiff"], "files": ["lib/libtiff.a", "lib/pkgconfig/libtiff-4.pc"],
             "requires": {c: ["zlib", "libjpeg-turbo", "xz-utils", "libwebp"]
                          for c in ("gnu", "musl")}},
    "openjpeg2": {"package": "openjpeg2", "recipe": "1", "build": build_openjpeg2,
                  "libs": ["openjp2"], "files": ["lib/libopenjp2.a"]},
    "libxml2": {"package": "libxml2", "recipe": "1", "build": build_libxml2,
                "libs": ["xml2"], "files": ["lib/libxml2.a", "bin/xml2-config"],
                "requires": {"gnu": ["zlib", "xz-utils"], "musl": ["zlib", "xz-utils"]}},
}
