#include "options.h"

#include "base/fs.h"
#include "base/subcommand.h"

namespace oxcc {

const char *kBuildUsage =
    "usage: oxcc build [PROJECT_DIR | REQUIREMENT...] -o APP\n"
    "                  [--find-links DIR]... [--no-index]\n"
    "                  [--entry NAME | --entries all | -m MODULE[:FUNC] | --script FILE]\n"
    "                  [--target TRIPLE] [--python DIST] [--build-dir DIR] [-v]\n"
    "                  [link options: --stdlib=..., --shared-modules=..., --pure DIR,\n"
    "                   --allocator=..., --debug-info=..., --py-source=..., --package-data=...,\n"
    "                   --site-packages DIR, --venv DIR, --package NAME,\n"
    "                   --allow-shared-deps, --plugin PATH.so, -j N]\n"
    "  Builds the project and everything it requires into wheels with pip, compiling\n"
    "  each native one through oxcc (pure ones are taken as wheels), then links them\n"
    "  into APP with `oxcc link`. The entry point is the project's console script (with\n"
    "  several, --entry NAME picks one; --entries all puts every one in APP, chosen by\n"
    "  the name it runs as, with a link NAME -> APP beside it), else -m or --script.\n"
    "  pip is used as it is\n"
    "  configured; with no package index, give --no-index --find-links DIR of sdists\n"
    "  and wheels. --target x86_64-linux-musl builds every wheel for musl and links a\n"
    "  fully static APP. Nothing changed since the last build: only a no-op link runs.\n";

bool parseBuildOptions(const std::vector<std::string> &args, BuildOptions &o, std::string &error) {
  // The link's options that `oxcc build` passes on: with a value, or alone.
  static const char *const kLinkWithValue[] = {"--pure", "--plugin", "-j", "--site-packages",
                                               "--venv", "--package"};
  static const char *const kLinkPrefixed[] = {"--stdlib=",     "--shared-modules=", "--plugin=",
                                              "--allocator=",  "--debug-info=",     "--py-source=",
                                              "--package-data="};
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string &a = args[i];
    auto value = [&](const char *name, std::string &out) {
      return optionValue(args, i, name, out, error);
    };
    std::string v;
    if (a == "-h" || a == "--help") {
      error.clear();
      return false;
    } else if (value("-o", v)) {
      o.output = v;
    } else if (value("--find-links", v) || value("-f", v)) {
      o.findLinks.push_back(v);
    } else if (a == "--no-index") {
      o.noIndex = true;
    } else if (value("--entry", v)) {
      o.entry = v;
    } else if (value("--entries", v)) {
      if (v != "all") {
        error = "--entries takes all (every console script in one binary); --entry NAME picks one";
        return false;
      }
      o.allEntries = true;
    } else if (value("-m", v)) {
      o.module = v;
    } else if (value("--script", v)) {
      o.script = v;
    } else if (value("--target", v)) {
      o.target = v;
    } else if (value("--python", v)) {
      o.python = v;
    } else if (value("--build-dir", v)) {
      o.buildDir = v;
    } else if (a == "-v" || a == "--verbose") {
      o.verbose = true;
    } else if (a == "--allow-shared-deps") {
      o.linkArgs.push_back(a);
    } else if (!error.empty()) {
      return false;
    } else {
      bool link = false;
      for (const char *p : kLinkPrefixed) link |= a.starts_with(p);
      if (link) {
        o.linkArgs.push_back(a);
        continue;
      }
      for (const char *n : kLinkWithValue)
        if (a == n) {
          if (i + 1 >= args.size()) {
            error = a + " needs a value";
            return false;
          }
          o.linkArgs.push_back(a);
          o.linkArgs.push_back(args[++i]);
          link = true;
          break;
        }
      if (link) continue;
      if (a.starts_with("-")) {
        error = "unknown option '" + a + "' (see oxcc build --help)";
        return false;
      }
      // A directory with a project in it, else a requirement for pip.
      if (isDirectory(a)) {
        if (!o.project.empty() || !o.requirements.empty()) {
          error = "one project directory at a time (" + o.project + ", " + a + ")";
          return false;
        }
        if (!isRegularFile(a + "/pyproject.toml") && !isRegularFile(a + "/setup.py")) {
          error = a + " is a directory without pyproject.toml or setup.py: not a Python project";
          return false;
        }
        o.project = absolutePath(a);
      } else {
        if (!o.project.empty()) {
          error = "a project directory (" + o.project + ") and requirements (" + a +
                  ") at once: list the requirements in the project";
          return false;
        }
        o.requirements.push_back(a);
      }
    }
    if (!error.empty()) return false;
  }
  if (!error.empty()) return false;
  if (o.output.empty()) {
    error = "-o APP is required (where the binary goes)";
    return false;
  }
  if (o.project.empty() && o.requirements.empty()) {
    error = "nothing to build: name a project directory or requirements";
    return false;
  }
  int entries = !o.entry.empty() + !o.module.empty() + !o.script.empty() + o.allEntries;
  if (entries > 1) {
    error = "--entry, --entries, -m and --script each name the entry point: give one";
    return false;
  }
  if (!o.script.empty() && !isRegularFile(o.script)) {
    error = "--script " + o.script + " does not exist";
    return false;
  }
  o.output = absolutePath(o.output);
  if (o.buildDir.empty()) o.buildDir = o.output + ".oxcc-build";
  o.buildDir = absolutePath(o.buildDir);
  for (auto &d : o.findLinks) {
    if (!isDirectory(d) && !d.starts_with("http")) {
      error = "--find-links " + d + " is not a directory";
      return false;
    }
    if (!d.starts_with("http")) d = absolutePath(d);
  }
  return true;
}

} // namespace oxcc
