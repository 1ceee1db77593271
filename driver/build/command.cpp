// oxcc build: from a project (or requirements) to one binary. pip makes the
// wheels, compiling each native one through oxcc; `oxcc link` links them.
// The whole job, in order.
#include "command.h"

#include "base/fs.h"
#include "base/process.h"
#include "build/options.h"
#include "build/wheels.h"
#include "link/command.h"
#include "link/options.h"
#include "store/store.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace oxcc {

namespace {

// One line per stage; the closing line says what was made.
void say(const std::string &line) {
  printf("oxcc build: %s\n", line.c_str());
  fflush(stdout);
}

std::string joined(const std::vector<std::string> &words, const char *sep = ", ") {
  std::string s;
  for (const auto &w : words) s += (s.empty() ? "" : sep) + w;
  return s;
}

// --- inputs key: is there anything to rebuild? -----------------------------

// Directories that hold what a build makes, never its inputs.
bool isOutputDir(const std::string &name) {
  return name == "build" || name == "dist" || name == "__pycache__" ||
         name.ends_with(".egg-info") || name.ends_with(".oxcc-build");
}

// Every file under `dir` as "path size mtime" lines: what pip would read
// (hidden entries, .git and the like, are not inputs of a build).
void listTree(const std::string &dir, const std::string &rel, std::string &out) {
  for (const auto &n : listDir(dir)) {
    std::string path = dir + "/" + n;
    struct stat st;
    if (lstat(path.c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      if (!isOutputDir(n)) listTree(path, rel + n + "/", out);
    } else {
      out += rel + n + " " + std::to_string(st.st_size) + " " +
             std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) + "\n";
    }
  }
}

// The wheels depend on the options, the project's files, what --find-links
// offers, and oxcc itself. With a package index pip may find something new
// at any time: no key, pip always runs.
std::string inputsKey(const BuildOptions &o, const std::vector<std::string> &args) {
  if (!o.noIndex) return "";
  std::string text = "oxcc-build/1\n";
  for (const auto &a : args) text += a + "\n";
  struct stat st;
  std::string self = selfExe();
  if (stat(self.c_str(), &st) == 0)
    text += self + " " + std::to_string(st.st_size) + " " + std::to_string(st.st_mtim.tv_sec) + "\n";
  if (!o.project.empty()) listTree(o.project, "project/", text);
  for (const auto &d : o.findLinks) listTree(d, d + "/", text);
  return sha256Hex(text);
}

// --- pip ------------------------------------------------------------------

// Runs `oxcc run [--target T] -- python3 -m pip wheel ARGS...`: every
// compile pip starts goes through oxcc. Output to `log`, or to the
// terminal with -v.
bool pipWheel(const BuildOptions &o, const std::vector<std::string> &pipArgs,
              const std::string &log, std::string &error) {
  std::string oxcc = dirName(dirName(dirName(selfExe()))) + "/bin/oxcc";
  std::vector<std::string> argv = {"oxcc", "run"};
  if (!o.target.empty()) argv.insert(argv.end(), {"--target", o.target});
  argv.insert(argv.end(), {"--", "/usr/bin/python3", "-m", "pip", "wheel", "--no-build-isolation",
                           "--no-cache-dir", "--disable-pip-version-check"});
  if (o.noIndex) argv.push_back("--no-index");
  for (const auto &d : o.findLinks) argv.insert(argv.end(), {"--find-links", d});
  argv.insert(argv.end(), pipArgs.begin(), pipArgs.end());
  Command cmd{oxcc, argv};
  if (o.verbose) {
    std::string line;
    for (const auto &a : argv) line += (line.empty() ? "" : " ") + shellQuote(a);
    say("run: " + line);
  } else {
    // The shell only redirects: pip's output goes to the log.
    cmd = Command{"/bin/sh", {"sh", "-c", "exec \"$@\" > \"$0\" 2>&1", log, oxcc}};
    cmd.argv.insert(cmd.argv.end(), argv.begin() + 1, argv.end());
  }
  int status = spawnAndWait(cmd, error);
  if (status < 0) return false;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return true;
  error = "pip failed";
  return false;
}

// What went wrong in a pip log, in its own words: which packages failed to
// build, the compiler's errors, pip's ERROR lines (a requirement nobody
// offers), then the log's last lines.
std::string pipFailure(const std::string &log) {
  std::string err;
  auto text = readFile(log, err);
  if (!text) return " (no log: " + err + ")";
  std::vector<std::string> lines, failed, diagnostics, errors;
  for (size_t at = 0; at < text->size();) {
    size_t nl = text->find('\n', at);
    if (nl == std::string::npos) nl = text->size();
    std::string line = text->substr(at, nl - at);
    at = nl + 1;
    size_t lead = line.find_first_not_of(' ');
    std::string trimmed = lead == std::string::npos ? "" : line.substr(lead);
    if (trimmed.starts_with("Failed to build ")) failed.push_back(trimmed.substr(16));
    else if (trimmed.starts_with("ERROR: ")) errors.push_back(trimmed.substr(7));
    else if ((trimmed.find(": error: ") != std::string::npos ||
              trimmed.find(": fatal error: ") != std::string::npos) && diagnostics.size() < 5)
      diagnostics.push_back(trimmed);
    lines.push_back(line);
  }
  std::string out = failed.empty() ? "" : " " + joined(failed) + " failed to build";
  for (const auto &d : diagnostics) out += "\n  " + d;
  for (const auto &e : errors) out += "\n  " + e;
  out += "\n  last lines of " + log + ":";
  for (size_t i = lines.size() > 12 ? lines.size() - 12 : 0; i < lines.size(); ++i)
    out += "\n    " + lines[i];
  return out;
}

std::vector<std::string> wheelsIn(const std::string &dir) {
  std::vector<std::string> out;
  for (const auto &n : listDir(dir))
    if (n.ends_with(".whl")) out.push_back(dir + "/" + n);
  return out;
}

// Our own directories under the build dir only (wheels, rebuild).
void removeTree(const std::string &path) {
  std::error_code ec; // absent is fine; a failure shows at the next write
  std::filesystem::remove_all(path, ec);
}

// The project's wheel alone (--no-deps), then it and everything it
// requires: pip resolves the requirements of a wheel as of a project, and
// does not build the project twice. Written to a fresh directory, renamed
// over the old one only once all of it is there.
bool buildWheels(const BuildOptions &o, std::string &projectWheel, std::string &error) {
  std::string fresh = o.buildDir + "/wheels.new", log = o.buildDir + "/pip.log";
  removeTree(fresh);
  if (!makeDirs(fresh + "/project", error)) return false;
  std::vector<std::string> inputs = o.requirements;
  if (!o.project.empty()) {
    if (!pipWheel(o, {"--no-deps", "-w", fresh + "/project", o.project}, log, error)) {
      error = "pip could not build " + o.project + ":" + pipFailure(log);
      return false;
    }
    auto made = wheelsIn(fresh + "/project");
    if (made.size() != 1) {
      error = "pip made " + std::to_string(made.size()) + " wheels of " + o.project + ", not one";
      return false;
    }
    inputs = {made[0]};
  }
  std::vector<std::string> args = {"-w", fresh + "/all", "--find-links", fresh + "/project"};
  args.insert(args.end(), inputs.begin(), inputs.end());
  if (!pipWheel(o, args, log, error)) {
    error = "pip could not make the wheels:" + pipFailure(log);
    return false;
  }
  std::string final = o.buildDir + "/wheels";
  removeTree(final);
  if (rename(fresh.c_str(), final.c_str()) != 0) {
    error = "cannot rename " + fresh + " to " + final;
    return false;
  }
  if (!o.project.empty()) projectWheel = baseName(wheelsIn(final + "/project")[0]);
  return true;
}

// The sha256 of every extension .so the store has a record of.
std::set<std::string> recordedOutputs(const Store &store) {
  std::set<std::string> out;
  std::vector<std::string> errors; // an unreadable record counts as not recorded
  for (const auto &r : store.allExtensions(errors)) out.insert(r.outputSha256);
  return out;
}

// A wheel whose extensions oxcc did not build (a binary wheel from an
// index or a --find-links directory) is built again from its sdist.
bool rebuildForeign(const BuildOptions &o, BuiltWheel &w, const Store &store, std::string &error) {
  say(w.name + " " + w.version + ": " + baseName(w.path) + " holds " + joined(w.foreign) +
      ", not built by oxcc (a binary wheel): building it from its sdist");
  std::string dir = o.buildDir + "/rebuild", log = o.buildDir + "/pip-rebuild.log";
  removeTree(dir);
  if (!pipWheel(o, {"--no-deps", "--no-binary", w.name, "-w", dir, w.name + "==" + w.version}, log,
                error)) {
    error = w.name + " " + w.version + ": " + baseName(w.path) + " is a binary wheel whose " +
            joined(w.foreign) + " oxcc did not build, and pip could not build it from its "
            "sdist (put the sdist in a --find-links directory):" + pipFailure(log);
    return false;
  }
  auto made = wheelsIn(dir);
  if (made.size() != 1) {
    error = "pip made " + std::to_string(made.size()) + " wheels of " + w.name + ", not one";
    return false;
  }
  std::string in = dirName(w.path) + "/" + baseName(made[0]);
  if (unlink(w.path.c_str()) != 0 || rename(made[0].c_str(), in.c_str()) != 0) {
    error = "cannot replace " + w.path;
    return false;
  }
  // Read again against the store as the rebuild left it.
  if (!inspectWheel(in, recordedOutputs(store), w, error)) return false;
  if (!w.foreign.empty()) {
    error = w.name + ": even built from its sdist, " + joined(w.foreign) +
            " was not compiled through oxcc (does its build ignore CC?)";
    return false;
  }
  return true;
}

// The requirement's distribution name: "Foo[bar]>=1.0; extra" -> foo.
std::string requirementName(const std::string &req) {
  size_t end = req.find_first_of("<>=!~[; @");
  return normalizeName(req.substr(0, end));
}

// -m from the project's console script: the only one, or --entry's.
bool chooseEntry(const BuildOptions &o, const std::vector<BuiltWheel> &wheels,
                 const std::string &projectWheel, std::vector<std::string> &linkArgs,
                 std::string &what, std::string &error) {
  if (!o.module.empty()) {
    linkArgs.insert(linkArgs.end(), {"-m", o.module});
    what = "-m " + o.module;
    return true;
  }
  if (!o.script.empty()) {
    linkArgs.insert(linkArgs.end(), {"--script", absolutePath(o.script)});
    what = "--script " + o.script;
    return true;
  }
  std::map<std::string, std::string> scripts; // NAME -> module:function
  std::vector<std::string> from;
  for (const auto &w : wheels) {
    bool mine = projectWheel.empty() ? false : baseName(w.path) == projectWheel;
    for (const auto &r : o.requirements) mine |= requirementName(r) == w.name;
    if (!mine) continue;
    from.push_back(w.name);
    for (const auto &[name, target] : w.consoleScripts) scripts[name] = target;
  }
  std::vector<std::string> names;
  for (const auto &[name, _] : scripts) names.push_back(name);
  std::string of = from.empty() ? "the project" : joined(from);
  if (o.allEntries) {
    if (scripts.empty()) {
      error = "--entries all: " + of + " declares no console script";
      return false;
    }
    for (const auto &[name, target] : scripts) {
      // The name comes from the wheel: it becomes a file beside APP.
      if (!isCommandName(name)) {
        error = "--entries all: " + of + "'s console script '" + name +
                "' cannot name a link beside the binary (letters, digits, . _ + - only)";
        return false;
      }
      linkArgs.insert(linkArgs.end(), {"--dispatch", name + "=" + target});
    }
    what = joined(names) + ", chosen by the name " + baseName(o.output) + " runs as";
    return true;
  }
  if (!o.entry.empty()) {
    auto it = scripts.find(o.entry);
    if (it == scripts.end()) {
      error = "--entry " + o.entry + ": " + of + " has no such console script" +
              (names.empty() ? " (it declares none)" : " (it has: " + joined(names) + ")");
      return false;
    }
    linkArgs.insert(linkArgs.end(), {"-m", it->second});
    what = o.entry + " = " + it->second;
    return true;
  }
  if (scripts.size() == 1) {
    linkArgs.insert(linkArgs.end(), {"-m", scripts.begin()->second});
    what = scripts.begin()->first + " = " + scripts.begin()->second;
    return true;
  }
  if (scripts.empty()) {
    error = of + " declares no console script ([project.scripts] or console_scripts): name "
                 "the entry with -m MODULE[:FUNC] or --script FILE";
    return false;
  }
  error = "ambiguous entry point: " + of + " has " + std::to_string(scripts.size()) +
          " console scripts (" + joined(names) + "): pick one with --entry NAME";
  return false;
}

std::string megabytes(const std::string &path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return "?";
  char buf[32];
  snprintf(buf, sizeof buf, "%.1f MB", double(st.st_size) / 1e6);
  return buf;
}

} // namespace

int toolBuild(const Args &args) {
  // Read the command line once.
  BuildOptions opts;
  std::string error;
  if (!parseBuildOptions(args, opts, error)) {
    if (error.empty()) {
      fputs(kBuildUsage, stdout);
      return 0;
    }
    return fail(2, "oxcc build: " + error + " (see oxcc build --help)");
  }
  if (!makeDirs(opts.buildDir, error)) return fail(1, "oxcc build: " + error);
  Store store(Store::defaultRoot());
  if (!store.open(true, error)) return fail(1, "oxcc build: " + error);

  // The wheels, through pip and oxcc; nothing to do when no input changed.
  std::string keyFile = opts.buildDir + "/wheels.key", key = inputsKey(opts, args);
  std::string projectWheel;
  std::string err;
  auto oldKey = readFile(keyFile, err);
  auto oldProject = readFile(opts.buildDir + "/wheels/project.name", err);
  if (!key.empty() && oldKey && *oldKey == key && oldProject &&
      isDirectory(opts.buildDir + "/wheels/all")) {
    projectWheel = *oldProject;
    say("wheels are up to date (" + opts.buildDir + "/wheels)");
  } else {
    unlink(keyFile.c_str());
    std::string what = opts.project.empty() ? joined(opts.requirements, " ") : opts.project;
    say("building wheels with pip, compiling through oxcc: " + what);
    if (!buildWheels(opts, projectWheel, error)) return fail(1, "oxcc build: " + error);
    if (!writeFileAtomic(opts.buildDir + "/wheels/project.name", projectWheel, opts.buildDir, error))
      return fail(1, "oxcc build: " + error);
  }

  // Each wheel read: its extensions (oxcc must have built them) and scripts.
  std::vector<BuiltWheel> wheels;
  const std::set<std::string> recorded = recordedOutputs(store);
  for (const auto &path : wheelsIn(opts.buildDir + "/wheels/all")) {
    BuiltWheel w;
    if (!inspectWheel(path, recorded, w, error)) return fail(1, "oxcc build: " + error);
    if (!w.foreign.empty() && !rebuildForeign(opts, w, store, error))
      return fail(1, "oxcc build: " + error);
    wheels.push_back(w);
  }
  if (!key.empty() && !writeFileAtomic(keyFile, key, opts.buildDir, error))
    return fail(1, "oxcc build: " + error);
  size_t native = 0, extensions = 0;
  std::vector<std::string> listed;
  for (const auto &w : wheels) {
    native += !w.extensions.empty();
    extensions += w.extensions.size();
    listed.push_back(w.name + " " + w.version + (w.extensions.empty() ? " (pure)" : " (native)"));
  }
  say(std::to_string(wheels.size()) + " wheels: " + joined(listed));

  // The entry point, from the project unless given.
  std::vector<std::string> linkArgs = {"-o", opts.output, "--build-dir", opts.buildDir + "/link"};
  std::string entry;
  if (!chooseEntry(opts, wheels, projectWheel, linkArgs, entry, error))
    return fail(2, "oxcc build: " + error);
  say("entry point: " + entry);

  // The link, as `oxcc link` would run it.
  for (const auto &w : wheels) linkArgs.insert(linkArgs.end(), {"--wheel", w.path});
  std::string python = !opts.python.empty() ? opts.python : opts.target;
  if (!python.empty()) linkArgs.insert(linkArgs.end(), {"--python", python});
  linkArgs.insert(linkArgs.end(), opts.linkArgs.begin(), opts.linkArgs.end());
  if (opts.verbose) {
    linkArgs.push_back("-v");
    say("run: oxcc link " + joined(linkArgs, " "));
  }
  // --entries all: a link per command beside APP. Checked before linking:
  // a file of that name that is not such a link is the user's.
  std::vector<std::string> commandLinks;
  for (size_t i = 0; i + 1 < linkArgs.size(); ++i)
    if (linkArgs[i] == "--dispatch") {
      std::string name = linkArgs[i + 1].substr(0, linkArgs[i + 1].find('='));
      if (name == baseName(opts.output)) continue;
      std::string path = dirName(opts.output) + "/" + name;
      struct stat st;
      if (lstat(path.c_str(), &st) == 0 && !S_ISLNK(st.st_mode))
        return fail(1, "oxcc build: " + path + " exists and is not a link: the command " + name +
                           " would replace it (remove it, or build elsewhere with -o)");
      commandLinks.push_back(path);
    }
  say("linking " + opts.output);
  if (int rc = toolLink(linkArgs)) return rc;
  for (const auto &path : commandLinks) {
    std::string tmp = path + ".oxcc-tmp";
    unlink(tmp.c_str());
    if (symlink(baseName(opts.output).c_str(), tmp.c_str()) != 0 || rename(tmp.c_str(), path.c_str()) != 0)
      return fail(1, "oxcc build: cannot make the link " + path + " -> " + baseName(opts.output));
  }
  if (!commandLinks.empty())
    say("links beside it: " + joined(commandLinks));

  say(opts.output + " (" + megabytes(opts.output) + "): " + std::to_string(wheels.size()) +
      " packages (" + std::to_string(native) + " native), " + std::to_string(extensions) +
      " extension module" + (extensions == 1 ? "" : "s"));
  return 0;
}

} // namespace oxcc
