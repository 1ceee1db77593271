// oxcc env / oxcc run / oxcc shim: the environment that makes a Python
// build go through oxcc, and the shim that names each extension exactly.
#include "base/fs.h"
#include "base/environment.h"
#include "base/process.h"
#include "base/target.h"
#include "oxcc/commands.h"

#include <cstdio>
#include <cstdlib>
#include <unistd.h>
#include <utility>

namespace oxcc {

namespace {

std::string defaultPython() {
  // OXCC_PYTHON may also name a distribution (a directory) for --target.
  const std::string &p = environment().python;
  bool interpreter = !p.empty() && !p.ends_with(".yaml") && (!fileExists(p) || isRegularFile(p));
  return interpreter ? p : "/usr/bin/python3";
}

// The installed shim: next to the binary in both the build tree and an
// install (<prefix>/bin/oxcc, <prefix>/share/oxcc/distutils_shim).
std::string shimDir() {
  if (!environment().shimDir.empty()) return environment().shimDir;
  return dirName(dirName(selfExe())) + "/share/oxcc/distutils_shim";
}

// Takes "--python PY" out of args.
bool takePython(Args &args, std::string &python, std::string &error) {
  python = defaultPython();
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--python" || args[i].starts_with("--python=")) {
      if (args[i] == "--python") {
        if (i + 1 >= args.size()) {
          error = "--python needs an interpreter path";
          return false;
        }
        python = args[i + 1];
        args.erase(args.begin() + i, args.begin() + i + 2);
      } else {
        python = args[i].substr(9);
        args.erase(args.begin() + i);
      }
      return true;
    }
  }
  return true;
}

bool askPython(const std::string &python, const std::string &code, std::string &out,
               std::string &error) {
  if (!captureOutput({python, {python, "-I", "-c", code}}, out)) {
    error = "cannot run " + python + " (choose another with --python PATH)";
    return false;
  }
  return true;
}

using Vars = std::vector<std::pair<std::string, std::string>>;

// CC/CXX point at oxcc; LDSHARED/LDCXXSHARED keep the interpreter's own link
// flags (-Wl,-O1 -Wl,-Bsymbolic-functions on Debian) with oxcc in front, so
// the wrapped link is the link pip would have run. `hostIncludes`: the
// interpreter's include directories, "INCLUDEPY:platinclude", which a
// target build replaces (asked here too: one interpreter start, not two).
bool buildEnv(const std::string &python, Vars &vars, std::string &hostIncludes,
              std::string &error) {
  std::string out;
  if (!askPython(python,
                 "import sysconfig as s\n"
                 "for k in ('LDSHARED', 'LDCXXSHARED'):\n"
                 "    print((s.get_config_var(k) or '').partition(' ')[2])\n"
                 "p = s.get_paths()\n"
                 "print(p['include'] + ':' + p['platinclude'])\n",
                 out, error))
    return false;
  std::vector<std::string> lines;
  for (size_t start = 0; lines.size() < 3;) {
    size_t end = out.find('\n', start);
    lines.push_back(out.substr(start, end == std::string::npos ? std::string::npos : end - start));
    start = end == std::string::npos ? out.size() : end + 1;
  }
  const std::string &ld = lines[0], &ldxx = lines[1];
  hostIncludes = lines[2];
  std::string bin = dirName(selfExe());
  std::string cc = bin + "/oxcc", cxx = bin + "/oxc++";
  std::string pythonPath = shimDir();
  if (!environment().pythonPath.empty()) pythonPath += ":" + environment().pythonPath;
  vars = {{"CC", cc},
          {"CXX", cxx},
          {"LDSHARED", cc + " " + (ld.empty() ? "-shared" : ld)},
          {"LDCXXSHARED", cxx + " " + (ldxx.empty() ? "-shared" : ldxx)},
          {"PYTHONPATH", pythonPath}};
  return true;
}

// The libraries built for the target (`oxcc python lib NAME --target T`
// merges each into <cache>/python/target/T) are what a package's build
// must find when it asks: their *-config scripts first on PATH, their .pc
// files first for pkg-config. On musl they are pkg-config's only ones, even
// when none is built: the host's .pc files describe glibc libraries, whose
// flags must not reach a musl build.
void targetLibraryEnv(const std::string &triple, Vars &vars) {
  std::string prefix = distributionRoot() + "/target/" + triple;
  bool musl = triple.find("musl") != std::string::npos;
  if (isDirectory(prefix + "/bin"))
    vars.push_back({"PATH", prefix + "/bin" + (environment().path ? ":" + *environment().path : "")});
  // Its archives are found by a link's -l like system libraries (libxml2's
  // xml2-config --libs says -lz -llzma, with no -L for them).
  if (isDirectory(prefix + "/lib") && musl) vars.push_back({"OXCC_TARGET_LIBDIR", prefix + "/lib"});
  if (musl) {
    vars.push_back({"PKG_CONFIG_LIBDIR", prefix + "/lib/pkgconfig"});
    vars.push_back({"PKG_CONFIG_PATH", ""});
  } else if (isDirectory(prefix + "/lib/pkgconfig")) {
    std::string path = prefix + "/lib/pkgconfig";
    if (!environment().pkgConfigPath.empty()) path += ":" + environment().pkgConfigPath;
    vars.push_back({"PKG_CONFIG_PATH", path});
  }
}

// Takes "--target T" out of args (default: OXCC_TARGET), and for a target
// adds what wrapper mode needs so that it reads no file per call: the
// distribution's include dir and the host interpreter's (to be replaced).
bool targetEnv(Args &args, const std::string &hostIncludes, Vars &vars, std::string &error) {
  std::string triple = environment().target;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--target" && i + 1 < args.size()) {
      triple = args[i + 1];
      args.erase(args.begin() + i, args.begin() + i + 2);
      break;
    }
    if (args[i].starts_with("--target=")) {
      triple = args[i].substr(9);
      args.erase(args.begin() + i);
      break;
    }
    if (args[i] == "--target") {
      error = "--target needs a triple (e.g. --target x86_64-linux-musl)";
      return false;
    }
    if (args[i] == "--") break;
  }
  if (triple.empty()) return true;
  Target target;
  if (!resolveTarget(triple, target, error)) return false;
  vars.push_back({"OXCC_TARGET", triple});
  vars.push_back({"OXCC_TARGET_INCLUDE", target.includeDir});
  vars.push_back({"OXCC_TARGET_HOST_INCLUDES", hostIncludes});
  targetLibraryEnv(triple, vars);
  return true;
}

// What `oxcc env` prints and `oxcc run` sets, from --python and --target
// (taken out of args): 0, or the exit code once the error is printed.
int resolveVars(const std::string &tool, Args &args, Vars &vars) {
  std::string python, hostIncludes, error;
  if (!takePython(args, python, error)) return fail(2, tool + ": " + error);
  if (!buildEnv(python, vars, hostIncludes, error)) return fail(1, tool + ": " + error);
  if (!targetEnv(args, hostIncludes, vars, error)) return fail(2, tool + ": " + error);
  return 0;
}

} // namespace

int toolEnv(const Args &argsIn) {
  Args args = argsIn;
  Vars vars;
  if (int rc = resolveVars("oxcc env", args, vars)) return rc;
  if (!args.empty()) return fail(2, "oxcc env: unknown argument '" + args[0] + "'");
  for (const auto &[k, v] : vars) printf("export %s=%s\n", k.c_str(), shellQuote(v).c_str());
  return 0;
}

int toolRun(const Args &argsIn) {
  Args args = argsIn;
  Vars vars;
  if (int rc = resolveVars("oxcc run", args, vars)) return rc;
  if (!args.empty() && args[0] == "--") args.erase(args.begin());
  if (args.empty())
    return fail(2, "usage: oxcc run [--python PY] [--target TRIPLE] -- COMMAND [ARGS...]");
  for (const auto &[k, v] : vars) setenv(k.c_str(), v.c_str(), 1);
  std::string path = findOnPath(args[0]);
  if (path.empty()) return fail(127, "oxcc run: command not found: " + args[0]);
  execCommand({path, args});
}

int toolShim(const Args &argsIn) {
  Args args = argsIn;
  std::string python, error;
  if (!takePython(args, python, error)) return fail(2, "oxcc shim: " + error);
  if (args.size() != 1 || (args[0] != "install" && args[0] != "uninstall" && args[0] != "path"))
    return fail(2, "usage: oxcc shim install|uninstall|path [--python PY]");
  std::string src = shimDir();
  if (args[0] == "path") {
    printf("%s\n", src.c_str());
    return 0;
  }
  std::string site;
  if (!askPython(python, "import sysconfig; print(sysconfig.get_path('purelib'))", site, error))
    return fail(1, "oxcc shim: " + error);
  site = site.substr(0, site.find('\n'));
  std::string pkg = site + "/oxcc_shim", pth = site + "/oxcc_shim.pth";

  if (args[0] == "uninstall") {
    // Only our own files: never a recursive delete of a site-packages path.
    unlink(pth.c_str());
    for (const auto &f : listDir(src + "/oxcc_shim"))
      if (f.ends_with(".py")) unlink((pkg + "/" + f).c_str());
    for (const auto &f : listDir(pkg + "/__pycache__"))
      if (f.starts_with("oxcc") || f.find(".cpython-") != std::string::npos)
        unlink((pkg + "/__pycache__/" + f).c_str());
    rmdir((pkg + "/__pycache__").c_str());
    if (rmdir(pkg.c_str()) != 0 && fileExists(pkg))
      return fail(1, "oxcc shim: " + pkg + " holds files oxcc did not put there; left in place");
    printf("removed the oxcc shim from %s\n", site.c_str());
    return 0;
  }

  if (!makeDirs(pkg, error)) return fail(1, "oxcc shim: " + error);
  std::vector<std::string> files = {"oxcc_shim.pth"};
  for (const auto &f : listDir(src + "/oxcc_shim"))
    if (f.ends_with(".py")) files.push_back("oxcc_shim/" + f);
  if (!fileExists(src + "/oxcc_shim.pth"))
    return fail(1, "oxcc shim: the shim is not at " + src + " (reinstall oxcc, or set OXCC_SHIM_DIR)");
  for (const auto &f : files) {
    std::string from = src + "/" + f;
    auto bytes = readFile(from, error);
    if (!bytes || !writeFileAtomic(site + "/" + f, *bytes, dirName(site + "/" + f), error))
      return fail(1, "oxcc shim: " + error + " (is " + site + " writable? try sudo)");
  }
  printf("installed the oxcc shim in %s\n", site.c_str());
  return 0;
}

} // namespace oxcc
