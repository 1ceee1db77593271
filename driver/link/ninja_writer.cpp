#include "ninja_writer.h"

#include "base/fs.h"
#include "base/process.h"

namespace oxcc {

namespace {

// A ninja path: spaces, colons and dollars escaped.
std::string ninjaPath(const std::string &p) {
  std::string out;
  for (char c : p) {
    if (c == ' ' || c == ':' || c == '$') out += '$';
    out += c;
  }
  return out;
}

// A shell word inside a ninja command: bare when plainly safe (readable
// build files), else shell-quoted; then ninja's own $ escaped.
std::string shellWord(const std::string &s) {
  bool plain = !s.empty();
  for (char c : s)
    plain &= (isalnum((unsigned char)c) || std::string("-_./=+,@%").find(c) != std::string::npos);
  std::string escaped;
  for (char c : plain ? s : shellQuote(s)) escaped += c == '$' ? std::string("$$") : std::string(1, c);
  return escaped;
}

std::string cString(const std::string &s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

bool writeIfChanged(const std::string &path, const std::string &text, const std::string &tmpDir,
                    std::string &error) {
  std::string err;
  if (auto old = readFile(path, err); old && *old == text) return true;
  return writeFileAtomic(path, text, tmpDir, error);
}

std::string extObject(const PlannedExtension &e) { return "ext/" + e.record.module + ".o"; }
std::string extShared(const PlannedExtension &e) { return "shared/" + e.record.module + ".so"; }

// What the final link does to the linked $out.tmp before it is renamed to
// APP (--debug-info): keep, strip into APP.debug, or strip.
std::string debugInfoCommand(const LinkOptions &o) {
  switch (o.debugInfo) {
  case DebugInfo::Keep: return " && rm -f $out.debug";
  case DebugInfo::None: return " && objcopy --strip-all $out.tmp && rm -f $out.debug";
  case DebugInfo::Separate: break;
  }
  std::string debug = shellWord("debug/" + baseName(o.output) + ".debug");
  return " && objcopy --only-keep-debug $out.tmp " + debug +
         " && objcopy --strip-all --add-gnu-debuglink=" + debug + " $out.tmp && mv -f " + debug +
         " $out.debug";
}

bool anyBuiltIn(const LinkPlan &plan) {
  for (const auto &e : plan.extensions)
    if (!e.keptShared) return true;
  return false;
}

} // namespace

// dladdr() for a built-in extension's code answers as it would for its own
// .so: the base of its code (an output section of its own, oxcc localize
// --code-section) and the path its .so would have under the executable,
// where the modules' virtual paths are. Other addresses get glibc's (or
// musl's) answer. The final link routes every dladdr call here
// (-Wl,--wrap=dladdr).
static std::string generateCodeRanges(const LinkPlan &plan) {
  std::string s;
  s += "#include <dlfcn.h>\n#include <unistd.h>\n\n";
  s += "// Each built-in extension's code, bounded by the linker (__start_/__stop_).\n";
  s += "extern \"C\" {\n";
  for (const auto &e : plan.extensions)
    if (!e.keptShared)
      s += "extern const char __start_" + e.codeSection + "[], __stop_" + e.codeSection + "[];\n";
  s += "int __real_dladdr(const void *, Dl_info *);\n";
  s += "int __wrap_dladdr(const void *, Dl_info *);\n}\n\n";
  s += "namespace {\nstruct CodeRange {\n  const char *start, *stop, *file;\n};\n";
  s += "const CodeRange kCodeRanges[] = {\n";
  for (const auto &e : plan.extensions)
    if (!e.keptShared)
      s += "    {__start_" + e.codeSection + ", __stop_" + e.codeSection + ", " +
           cString("/" + e.fileName) + "},\n";
  s += "};\n";
  s += "constexpr size_t kRanges = sizeof kCodeRanges / sizeof kCodeRanges[0];\n"
       "// <executable>/pkg/_ext...so, as the importer names an extension's path.\n"
       "char gPaths[kRanges][4096];\n"
       "bool fillPaths() {\n"
       "  char exe[3072];\n"
       "  ssize_t n = readlink(\"/proc/self/exe\", exe, sizeof exe - 1);\n"
       "  exe[n > 0 ? n : 0] = 0;\n"
       "  for (size_t i = 0; i < kRanges; ++i)\n"
       "    std::snprintf(gPaths[i], sizeof gPaths[i], \"%s%s\", exe, kCodeRanges[i].file);\n"
       "  return true;\n"
       "}\n"
       "} // namespace\n\n";
  s += "extern \"C\" int __wrap_dladdr(const void *address, Dl_info *info) {\n"
       "  int found = __real_dladdr(address, info);\n"
       "  const char *a = static_cast<const char *>(address);\n"
       "  for (size_t i = 0; i < kRanges; ++i) {\n"
       "    const CodeRange &r = kCodeRanges[i];\n"
       "    if (a < r.start || a >= r.stop) continue;\n"
       "    static const bool ready = fillPaths(); // once, thread-safe\n"
       "    (void)ready;\n"
       "    if (!found) info->dli_sname = nullptr, info->dli_saddr = nullptr;\n"
       "    info->dli_fbase = const_cast<char *>(r.start);\n"
       "    info->dli_fname = gPaths[i];\n"
       "    return 1;\n"
       "  }\n"
       "  return found;\n"
       "}\n\n";
  return s;
}

// --dispatch: the command is the name the binary runs as (a link named so),
// else its first argument, which then becomes the program's argv[0].
static std::string generateDispatch(const LinkOptions &o) {
  std::string names, s = "  static const struct { const char *name, *module, *function; } kCommands[] = {\n";
  for (const auto &d : o.dispatch) {
    s += "      {" + cString(d.name) + ", " + cString(d.module) + ", " + cString(d.function) + "},\n";
    names += (names.empty() ? "" : ", ") + d.name;
  }
  s += "  };\n";
  s += "  auto command = [](const char *name) -> const auto * {\n"
       "    for (const auto &c : kCommands)\n"
       "      if (name && std::strcmp(c.name, name) == 0) return &c;\n"
       "    return static_cast<decltype(&kCommands[0])>(nullptr);\n"
       "  };\n"
       "  const char *self = argc > 0 && argv[0] ? argv[0] : \"app\";\n"
       "  if (const char *slash = std::strrchr(self, '/')) self = slash + 1;\n"
       "  int skip = 0;\n"
       "  const auto *run = command(self);\n"
       "  if (!run && argc > 1 && (run = command(argv[1]))) skip = 1;\n"
       "  if (!run) {\n"
       "    std::fprintf(stderr, \"%s: run as one of: %s (a link to it named so), or: %s COMMAND \"\n"
       "                 \"[ARGS...]\\n\", self, " + cString(names) + ", self);\n"
       "    return 2;\n"
       "  }\n"
       "  config.entry = {oxrt::Entry::Module, run->module, run->function};\n";
  return s;
}

std::string generateMain(const LinkPlan &plan) {
  const LinkOptions &o = plan.options;
  std::string s;
  s += "// Generated by `oxcc link` for " + baseName(o.output) + ". Do not edit: rerun oxcc link.\n";
  s += "// The program is liboxrt's MainInterpreter (docs/embedding.md) with this\n";
  s += "// configuration.\n";
  s += "#include \"oxrt/interpreter.h\"\n\n#include <cstdio>\n#include <cstring>\n\n";
  if (anyBuiltIn(plan)) {
    s += "// Each extension's PyInit_ function, renamed so that equal leaf names\n";
    s += "// (pkg_a._speedups, pkg_b._speedups) cannot clash.\n";
    s += "extern \"C\" {\n";
    for (const auto &e : plan.extensions)
      if (!e.keptShared) s += "PyObject *" + e.initSymbol + "(void);\n";
    s += "}\n\n";
  }
  if (anyBuiltIn(plan)) s += generateCodeRanges(plan);
  s += "static const oxrt_builtin kBuiltins[] = {\n";
  for (const auto &e : plan.extensions)
    if (!e.keptShared) s += "    {" + cString(e.record.module) + ", " + e.initSymbol + "},\n";
  s += "    {nullptr, nullptr},\n};\n\n";
  s += "// The packed resources (stdlib and app bytecode, data), from resources.S.\n";
  s += "extern \"C\" const unsigned char oxrt_resources_start[], oxrt_resources_end[];\n\n";
  s += "int main(int argc, char **argv) {\n";
  s += "  oxrt::InterpreterConfig config;\n";
  s += "  config.builtins = kBuiltins;\n";
  s += "  config.resources = {oxrt_resources_start, size_t(oxrt_resources_end - oxrt_resources_start)};\n";
  if (!o.dispatch.empty()) s += generateDispatch(o);
  else if (!o.entryModule.empty())
    s += "  config.entry = {oxrt::Entry::Module, " + cString(o.entryModule) + ", " +
         cString(o.entryFunction) + "};\n";
  else if (!o.script.empty())
    s += "  config.entry = {oxrt::Entry::Module, \"__oxcc_script__\", \"\"};\n";
  else
    s += "  config.entry = {oxrt::Entry::Python, \"\", \"\"}; // like python3\n";
  // lib-dynload's extension modules are packed (collect --dynload) and load
  // from memory by default; --shared-modules chooses otherwise.
  if (o.sharedModules == SharedModules::Extract)
    s += "  config.sharedModulePolicy = oxrt::SharedModulePolicy::Extract;\n";
  if (o.sharedModules == SharedModules::Filesystem && !plan.python.dynloadDirs.empty()) {
    s += "  config.sysPath = {";
    for (size_t i = 0; i < plan.python.dynloadDirs.size(); ++i)
      s += (i ? ", " : "") + cString(plan.python.dynloadDirs[i]);
    s += "};\n";
  }
  // --package-data=extract:NAME: the packages whose files code opens by path.
  if (!o.extractPackageData.empty()) {
    s += "  config.extractPackageData = {";
    for (size_t i = 0; i < o.extractPackageData.size(); ++i)
      s += (i ? ", " : "") + cString(o.extractPackageData[i]);
    s += "};\n";
  }
  s += o.dispatch.empty() ? "  config.setArgv(argc, argv);\n\n"
                           : "  config.setArgv(argc - skip, argv + skip);\n\n";
  s += "  auto interpreter = oxrt::MainInterpreter::create(config);\n";
  s += "  if (!interpreter) { // --version/--help end here too, with no message\n";
  s += "    if (!interpreter.error().empty()) std::fprintf(stderr, \"oxrt: %s\\n\", interpreter.error().c_str());\n";
  s += "    return interpreter.exitCode();\n";
  s += "  }\n";
  s += "  return (*interpreter)->runMain();\n}\n";
  return s;
}

std::string generateExports(const LinkPlan &plan) {
  std::string s;
  s += "// Generated by `oxcc link --emit=libpython` for " + baseName(plan.options.output) +
       ". Do not edit: rerun oxcc link.\n";
  s += "// What the library exports (declared in oxrt/oxrt.h): the app's built-ins.\n";
  s += "// oxcc_app_resources_start/_end are defined in resources.S.\n";
  s += "#include \"oxrt/oxrt.h\"\n\n";
  s += "extern \"C\" {\n";
  for (const auto &e : plan.extensions) s += "PyObject *" + e.initSymbol + "(void);\n";
  s += "\nextern const oxrt_builtin oxcc_app_builtins[] = {\n";
  for (const auto &e : plan.extensions)
    s += "    {" + cString(e.record.module) + ", " + e.initSymbol + "},\n";
  s += "    {nullptr, nullptr},\n};\n}\n";
  return s;
}

std::string generateArchiveScript(const LinkPlan &plan) {
  // Members in a fixed order; Debian's ar is deterministic by default (no
  // dates, uids or modes). liboxrt is merged in too, so that the library
  // links whatever its place among the inputs (GNU ld reads an archive
  // once, left to right, but loops over one archive's own members).
  std::string s = "CREATE " + plan.options.output + ".tmp\n";
  s += "ADDMOD exports.o\nADDMOD resources.o\n";
  for (const auto &e : plan.extensions) s += "ADDMOD " + extObject(e) + "\n";
  for (const auto &a : plan.sharedArchives) s += "ADDLIB " + a + "\n";
  s += "ADDLIB " + plan.python.staticLib + "\n";
  s += "ADDLIB " + plan.tools.runtimeLib + "\n";
  s += "ADDLIB " + plan.tools.formatLib + "\n";
  s += "SAVE\nEND\n";
  return s;
}

// A source distribution: liboxrt compiled by this build, with the target's
// compiler, against the distribution's headers, from the runtime sources
// oxcc installs (share/oxcc/runtime); the prebuilt lib/liboxrt.a is for
// Debian's Python on the host only. Outputs: the plan's runtimeLib and
// formatLib (runtime-<target>/liboxrt.a, liboxrt_format.a).
static bool writeTargetRuntime(const LinkPlan &plan, std::string &n, std::string &error) {
  const Toolchain &t = plan.tools;
  const std::string src = t.runtimeSources, out = dirName(t.runtimeLib);
  n += "# liboxrt for " + plan.python.target + " (the distribution's headers and compiler).\n"
       "rule rtcxx\n  command = $cxx -std=c++20 -O2 -DNDEBUG -fno-pie " +
       shellWord("-I" + src + "/include") + " " + shellWord("-I" + src + "/src") + " " +
       shellWord("-I" + src + "/format") + " " + shellWord("-isystem" + plan.python.includeDir) +
       " " + shellWord("-idirafter" + plan.runtimeZlibDir) +
       " -MD -MF $out.d -c $in -o $out\n  description = CXX $out\n  depfile = $out.d\n"
       "  deps = gcc\n\n"
       "rule archive\n  command = rm -f $out && ar rcsD $out $in\n  description = AR $out\n\n";
  for (const auto &[part, lib] : {std::pair{std::string("src"), t.runtimeLib},
                                  std::pair{std::string("format"), t.formatLib}}) {
    std::string objects;
    for (const auto &f : listDir(src + "/" + part)) {
      if (!f.ends_with(".cpp")) continue;
      std::string obj = out + "/" + part + "/" + f.substr(0, f.size() - 4) + ".o";
      n += "build " + ninjaPath(obj) + ": rtcxx " + ninjaPath(src + "/" + part + "/" + f) + "\n";
      objects += " " + ninjaPath(obj);
    }
    if (objects.empty()) {
      error = "oxcc's runtime sources are missing (" + src + "/" + part +
              " holds no .cpp); rebuild or reinstall oxcc";
      return false;
    }
    n += "build " + ninjaPath(lib) + ": archive" + objects + "\n\n";
  }
  return true;
}

bool writeBuildDir(const LinkPlan &plan, std::string &error) {
  const LinkOptions &o = plan.options;
  const Toolchain &t = plan.tools;
  const std::string &dir = o.buildDir;
  if (!makeDirs(dir + "/ext", error) || !makeDirs(dir + "/shared", error) ||
      !makeDirs(dir + "/tmp", error) || !makeDirs(dir + "/debug", error))
    return false;
  std::string tmp = dir + "/tmp";
  for (const auto &f : plan.files) {
    std::string path = dir + "/" + f.path;
    if (!makeDirs(dirName(path), error) || !writeIfChanged(path, f.text, tmp, error)) return false;
  }

  std::string n;
  n += "# Generated by `oxcc link`; rerun it rather than editing this file.\n";
  n += "ninja_required_version = 1.10\n\n";
  n += "python = " + shellWord(t.python) + "\n";
  n += "cc = " + shellWord(t.cc) + "\ncxx = " + shellWord(t.cxx) + "\n";
  n += "tools = " + shellWord(t.ldDir + "/oxcc-tools") + "\n";
  n += "ld = " + shellWord(t.ldDir + "/oxcc-ld") + "\n";
  n += "pack = " + shellWord(t.packTool) + "\n";
  n += "collect = " + shellWord(t.collectScript) + "\n\n";

  n += "# One extension, linked like its own .so would be (-r: its objects and\n"
       "# private archives), then its strong globals made local but its init\n"
       "# function, which gets a name unique in the binary, and the symbols it\n"
       "# exports to other extensions ($keep) (oxcc localize). The static\n"
       "# archives of its -l libraries come last in $in: localized with it.\n"
       "rule partial\n"
       "  command = $ld -r -o $out.tmp $in && $tools localize --code-section $codesection"
       " $out.tmp $out $init $newinit $keep"
       " && rm -f $out.tmp\n"
       "  description = EXT $module\n\n";
  n += "rule cxx\n  command = $cxx -std=c++20 -O2 -fno-pie " +
       shellWord("-I" + t.runtimeInclude) + " " + shellWord("-I" + plan.python.includeDir) +
       " -c $in -o $out\n  description = CXX $out\n\n";
  n += "# Bytecode for everything embedded; restat: unchanged output, no repack.\n"
       "# The depfile lists every file and directory read: an edit, or a module\n"
       "# added or removed in a --pure directory, rebuilds it.\n"
       "rule collect\n"
       "  command = $python $collect --out-dir pycache --manifest $out --depfile $out.d $args\n"
       "  description = COLLECT python modules\n  restat = 1\n  depfile = $out.d\n  deps = gcc\n\n";
  n += "rule pack\n  command = $pack $in -o $out\n  description = PACK $out\n\n";
  n += "rule asm\n  command = $cc -c $in -o $out\n  description = AS $out\n\n";
  n += "# The final link: gcc for the crt files, lld (oxcc-tools, in process) as\n"
       "# the linker. $linkflags: the distribution's (Debian: -E, lib-dynload\n"
       "# modules, from memory or disk, resolve libpython against the app; musl:\n"
       "# -static), and static libstdc++: one shared library less to map at start.\n"
       "# Written to a temporary, renamed on success: never a half-written app.\n"
       "# --debug-info=separate: the debug info and symbols go to APP.debug (made\n"
       "# in the build dir under its final name: .gnu_debuglink records that name\n"
       "# and a CRC gdb checks), APP is stripped; both renamed into place.\n"
       "rule link\n"
       "  command = $cxx -no-pie " + shellWord("-B" + t.ldDir + "/") +
       " -fuse-ld=lld $linkflags -o $out.tmp $in $libs" + debugInfoCommand(o) +
       " && mv -f $out.tmp $out\n"
       "  description = LINK $out\n\n";

  n += "# An extension that links a library found only as a .so\n"
       "# (--allow-shared-deps): linked again as its own .so, packed, and loaded\n"
       "# from memory after the packed libraries it needs.\n"
       "rule shlink\n"
       "  command = $driver -shared -o $out.tmp $in $libs && mv -f $out.tmp $out\n"
       "  description = SHLINK $module\n\n";

  if (plan.python.fromSource && !writeTargetRuntime(plan, n, error)) return false;

  std::string objects, shlibArgs, shlibDeps;
  for (const auto &e : plan.extensions) {
    if (e.keptShared) {
      n += "build " + ninjaPath(extShared(e)) + ": shlink";
      for (const auto &p : e.objectPaths) n += " " + ninjaPath(p);
      for (const auto &p : e.archivePaths) n += " " + ninjaPath(p);
      for (const auto &p : e.libraryArchives) n += " " + ninjaPath(p);
      n += "\n  driver = " + std::string(e.record.language == LinkLanguage::Cxx ? "$cxx" : "$cc") + "\n";
      std::string libs;
      for (const auto &r : e.libraries) {
        if (r.kind == LibraryResolution::Kind::Provided) libs += " " + shellWord("-l" + r.name);
        if (r.kind == LibraryResolution::Kind::Shared)
          libs += " " + shellWord("-L" + dirName(r.path)) + " " + shellWord("-l" + r.name);
      }
      n += "  libs =" + libs + "\n  module = " + e.record.module + "\n";
      shlibArgs += " --shlib " + shellWord(e.record.module + "=" + extShared(e));
      shlibDeps += " " + ninjaPath(extShared(e));
      continue;
    }
    n += "build " + ninjaPath(extObject(e)) + ": partial";
    for (const auto &p : e.objectPaths) n += " " + ninjaPath(p);
    for (const auto &p : e.archivePaths) n += " " + ninjaPath(p);
    for (const auto &p : e.libraryArchives) n += " " + ninjaPath(p);
    n += " | " + ninjaPath(t.ldDir + "/oxcc-ld") + "\n";
    n += "  init = " + e.record.init + "\n  newinit = " + e.initSymbol + "\n";
    n += "  codesection = " + e.codeSection + "\n";
    if (!e.record.exports.empty()) {
      n += "  keep =";
      for (const auto &s : e.record.exports) n += " " + shellWord(s);
      n += "\n";
    }
    n += "  module = " + e.record.module + "\n";
    objects += " " + ninjaPath(extObject(e));
  }

  // The build dir and the app may sit inside a --pure directory.
  std::string collectArgs = " --exclude " + shellWord(dir) + " --exclude " + shellWord(o.output) +
                            " --exclude " + shellWord(o.output + ".tmp");
  std::string collectDeps;
  if (o.stdlib != StdlibMode::None) {
    collectArgs += " --stdlib " + shellWord(plan.python.stdlibDir);
    if (o.sharedModules != SharedModules::Filesystem)
      for (const auto &d : plan.python.dynloadDirs) collectArgs += " --dynload " + shellWord(d);
  }
  if (o.stdlib == StdlibMode::Auto) collectArgs += " --stdlib-auto";
  // A source distribution's libpython holds every built-in module, listed
  // in its inittab (config.o). With --stdlib=auto the collect step writes
  // the inittab again without those that wrap a library of their own and
  // that no kept module imports; linked ahead of libpython, it replaces
  // config.o, and their objects and libraries (OpenSSL, SQLite...) are
  // never pulled in.
  const bool ownInittab = o.stdlib == StdlibMode::Auto && !plan.python.builtinModules.empty();
  if (ownInittab) {
    collectArgs += " --inittab-out inittab.cpp";
    for (const auto &b : plan.python.builtinModules)
      collectArgs += " --inittab-builtin " + shellWord(b.name + "=" + b.init);
  }
  if (o.pySource == PySource::None) collectArgs += " --no-source";
  if (o.pySource == PySource::Zlib) collectArgs += " --compress-source";
  for (const auto &p : o.extractPackageData) collectArgs += " --extract-data " + shellWord(p);
  if (!o.entryModule.empty()) collectArgs += " --root-module " + shellWord(o.entryModule);
  for (const auto &d : o.dispatch) collectArgs += " --root-module " + shellWord(d.module);
  for (const auto &p : plan.pureDirs) collectArgs += " --pure " + shellWord(p);
  // Environments: the distributions named, and what they and the wheels
  // need; the built-in extensions need no distribution.
  for (const auto &s : o.sitePackages) collectArgs += " --site-packages " + shellWord(s);
  for (const auto &p : o.packages) collectArgs += " --package " + shellWord(p);
  if (!o.sitePackages.empty())
    for (const auto &e : plan.extensions)
      if (!e.keptShared) collectArgs += " --builtin " + shellWord(e.record.module);
  collectArgs += shlibArgs;
  collectDeps += shlibDeps;
  for (const auto &d : plan.sharedDependencies) {
    collectArgs += " --shdep " + shellWord(d.soname + "=" + d.path);
    collectDeps += " " + ninjaPath(d.path);
  }
  for (const auto &w : o.wheels) {
    collectArgs += " --wheel " + shellWord(w);
    collectDeps += " " + ninjaPath(w);
  }
  const bool library = o.emit == Emit::Libpython;
  n += library ? "\n" : "\nbuild main.o: cxx main.cpp\n";
  n += std::string("build resources.tsv") + (ownInittab ? " | inittab.cpp" : "") + ": collect | " +
       ninjaPath(t.collectScript) + " " +
       ninjaPath(dirName(t.collectScript) + "/site_packages.py") + collectDeps + "\n";
  n += "  args =" + collectArgs + "\n";
  n += "build resources.bin: pack resources.tsv | " + ninjaPath(t.packTool) + "\n";
  if (ownInittab) n += "build inittab.o: cxx inittab.cpp\n";
  n += "build resources.o: asm resources.S | resources.bin\n";

  std::string resSym = library ? "oxcc_app_resources" : "oxrt_resources";
  if (library) {
    // A static library: no main(), no final link. The program that links it
    // brings main(), the link flags (oxrt::oxrt) and the extensions' -l.
    n += "\n# --emit=libpython: one archive, merged by an ar MRI script, written to\n"
         "# a temporary and renamed on success.\n"
         "rule library\n"
         "  command = rm -f $out.tmp && ar -M < $script && mv -f $out.tmp $out\n"
         "  description = LIBRARY $out\n\n";
    n += "build exports.o: cxx exports.cpp\n";
    std::string shared;
    for (const auto &a : plan.sharedArchives) shared += ninjaPath(a) + " ";
    n += "build " + ninjaPath(o.output) + ": library exports.o resources.o" + objects + " | " + shared +
         ninjaPath(plan.python.staticLib) + " " + ninjaPath(t.runtimeLib) + " " +
         ninjaPath(t.formatLib) + " library.mri\n";
    n += "  script = library.mri\n";
    n += "\ndefault " + ninjaPath(o.output) + "\n";
  }

  std::string libs;
  for (const auto &d : plan.libraryDirs) libs += " " + shellWord("-L" + d);
  for (const auto &l : plan.libraries) libs += " " + shellWord("-l" + l);
  for (const auto &l : plan.python.linkLibs) libs += " " + shellWord(l);
  for (const auto &a : plan.linkArgs) libs += " " + shellWord(a);
  if (!library) {
    for (const auto &a : plan.sharedArchives) objects += " " + ninjaPath(a);
    std::string debugOutput =
        o.debugInfo == DebugInfo::Separate ? " | " + ninjaPath(o.output + ".debug") : "";
    // The allocator's object first: its malloc is the one every call binds to.
    std::string first = plan.allocatorObject.empty() ? "" : ninjaPath(plan.allocatorObject) + " ";
    n += "build " + ninjaPath(o.output) + debugOutput + ": link " + first + "main.o " +
         (ownInittab ? "inittab.o " : "") + "resources.o" + objects + " " +
         ninjaPath(t.runtimeLib) + " " + ninjaPath(t.formatLib) + " " +
         ninjaPath(plan.python.staticLib) + " | " + ninjaPath(t.ldDir + "/ld.lld") + "\n";
    n += "  libs =" + libs + "\n";
    n += "  linkflags =";
    for (const auto &f : plan.finalLinkFlags) n += " " + shellWord(f);
    n += "\n";
    n += "\ndefault " + ninjaPath(o.output) + "\n";
  }

  std::string asmText =
      "# The packed resources, placed in .rodata (read in place, never copied).\n"
      "  .section .rodata\n  .balign 16\n  .globl " + resSym + "_start\n" +
      resSym + "_start:\n  .incbin \"resources.bin\"\n"
      "  .globl " + resSym + "_end\n" + resSym + "_end:\n"
      "  .section .note.GNU-stack,\"\",@progbits\n";

  if (library)
    return writeIfChanged(dir + "/build.ninja", n, tmp, error) &&
           writeIfChanged(dir + "/exports.cpp", generateExports(plan), tmp, error) &&
           writeIfChanged(dir + "/library.mri", generateArchiveScript(plan), tmp, error) &&
           writeIfChanged(dir + "/resources.S", asmText, tmp, error);
  return writeIfChanged(dir + "/build.ninja", n, tmp, error) &&
         writeIfChanged(dir + "/main.cpp", generateMain(plan), tmp, error) &&
         writeIfChanged(dir + "/resources.S", asmText, tmp, error);
}

} // namespace oxcc
