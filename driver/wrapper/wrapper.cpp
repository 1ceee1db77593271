#include "wrapper.h"
#include "base/environment.h"

#include "wrapper/compiler.h"
#include "base/fs.h"
#include "wrapper/parse_args.h"
#include "wrapper/record.h"
#include "registry.h"
#include "store/store.h"

#include <cstdio>
#include <cstdlib>
#include <sys/wait.h>

namespace oxcc {

static std::string quoted(const std::string &s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// -###: what oxcc would do, in lines FileCheck can match, then the real
// compiler's own -### (so nothing runs, as with clang).
static void printPlan(const Invocation &inv, const Command &cmd) {
  std::string names;
  for (const auto &n : pluginNames()) names += (names.empty() ? "" : " ") + n;
  fprintf(stderr, "oxcc: plugins: %s\n", names.c_str());
  fprintf(stderr, "oxcc: kind: %s%s%s\n", kindName(inv.kind),
          inv.whyUnknown.empty() ? "" : " - ", inv.whyUnknown.c_str());
  if (!inv.module.empty()) fprintf(stderr, "oxcc: module: %s\n", inv.module.c_str());
  for (const auto &o : inv.objects)
    fprintf(stderr, "oxcc: record object: %s <- %s\n", o.object.c_str(), o.source.c_str());
  if (inv.kind == Kind::LinkShared)
    fprintf(stderr, "oxcc: record extension: %s\n", inv.output.c_str());
  for (const auto &l : inv.libraries) fprintf(stderr, "oxcc: library: %s\n", l.c_str());
  if (inv.kind != Kind::Compile && inv.kind != Kind::LinkShared)
    fprintf(stderr, "oxcc: pass through\n");
  std::string line = "oxcc: run: " + quoted(cmd.path);
  for (size_t i = 1; i < cmd.argv.size(); ++i) line += " " + quoted(cmd.argv[i]);
  fprintf(stderr, "%s\n", line.c_str());
}

// Only -c and -shared calls are recorded. A call holding neither (nor -###,
// nor a response file that could hold them) is passed through without
// building clang's option table, which costs about half of oxcc's own time
// per call (page faults copying the table). Over-inclusive on purpose: any
// doubt goes through the full parse.
static bool mayRecordOrPlan(const std::vector<std::string> &args) {
  for (const auto &a : args)
    if (a == "-c" || a == "-shared" || a == "--shared" || a == "-###" ||
        (a.size() > 1 && a[0] == '@'))
      return true;
  return false;
}

// Why a call that records nothing was passed through (oxcc list --stats).
static Outcome passThroughOutcome(const Invocation &inv, bool read) {
  if (!read) return Outcome::NoCompileOrLink;
  switch (inv.kind) {
  case Kind::Preprocess: return Outcome::Preprocess;
  case Kind::AssembleOnly: return Outcome::AssembleOnly;
  case Kind::Query: return Outcome::Query;
  case Kind::LinkExe: return Outcome::ProgramLink;
  default: return inv.unknownOutcome;
  }
}

int runWrapper(const std::string &invokedAs, std::vector<std::string> args) {
  bool cxxDriver = invokedAs == "oxc++" || invokedAs.ends_with("++");
  bool strict = environment().strict;

  // Plugins (--plugin PATH.so, OXCC_PLUGINS, oxcc.toml) are loaded, then
  // take their own tags out of argv before anything reads it.
  Invocation tags;
  std::string error;
  // A setup problem (a tag, a plugin, the target, the compiler) stops the
  // call before anything runs: status 2, as 127 would read as "oxcc not found".
  auto setupError = [&error] {
    fprintf(stderr, "oxcc: error: %s\n", error.c_str());
    return 2;
  };
  // The built-ins claim here too: the shim's tags (setuptools) and, with
  // OXCC_TARGET, the target's compiler and Python headers (target).
  if (!loadPlugins(args, error) || !runClaimArgs(args, tags, cxxDriver, error)) return setupError();

  // Read the command line as a compiler would, and decide what it does. A
  // call that cannot be recorded or planned stays of kind Unknown, unread,
  // and is exec'd below.
  // OXCC_DISABLE: the compiler alone; oxcc touches nothing, not even its counters.
  bool disabled = environment().disable;
  bool read = mayRecordOrPlan(args) && !disabled;
  Invocation inv;
  if (read) {
    inv = parseInvocation(args, cxxDriver);
  } else {
    inv.cxxDriver = cxxDriver;
    inv.compilerArgs = args;
    inv.whyUnknown = "nothing to record";
  }
  inv.module = tags.module;
  inv.compilerOverride = tags.compilerOverride;
  inv.exports = tags.exports;
  inv.linkModules = tags.linkModules;
  if (read && !runClassify(inv, error)) return setupError();

  // The real compiler, and the exact command that will run.
  Command cmd;
  if (!chooseCompiler(invokedAs, inv, cmd, error)) return setupError();
  Command compilerOnly = cmd;
  if (!runRewriteCommand(inv, cmd, error)) return setupError();

  if (inv.dryRun) {
    printPlan(inv, cmd);
    execCommand(cmd); // argv still holds the caller's -###
  }

  // Nothing to record (probes, queries, preprocessing, anything unclear):
  // become the compiler, so its behaviour is exactly its own. Counted first
  // (oxcc list --stats), in a store that already exists.
  bool records = inv.kind == Kind::Compile || inv.kind == Kind::LinkShared;
  if (!records) {
    if (!disabled) countOutcome(Store::defaultRoot(), passThroughOutcome(inv, read));
    execCommand(cmd);
  }

  int status = spawnAndWait(cmd, error);
  if (status < 0) {
    fprintf(stderr, "oxcc: error: %s\n", error.c_str());
    return 127;
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    countOutcome(Store::defaultRoot(), Outcome::CompilerFailed);
    exitLike(status);
  }

  // Record what it made. oxcc's own failure never fails the build unless
  // OXCC_STRICT=1: the compiler's output is already in place and valid.
  std::vector<std::string> outputs{inv.output};
  for (const auto &o : inv.objects) outputs.push_back(o.object);
  removeOnPluginCrash(outputs); // a crashed plugin leaves no unrecorded object
  Store store(Store::defaultRoot());
  RecordContext ctx{store, inv, compilerOnly.path, "", currentDir(), {}};
  bool ok = store.open(true, error);
  if (ok) {
    ctx.target = targetTriple(inv, compilerOnly.path, &store);
    ok = inv.kind == Kind::Compile ? recordCompile(ctx, error) : recordLink(ctx, error);
  }
  for (const auto &w : ctx.warnings) fprintf(stderr, "oxcc: warning: %s\n", w.c_str());
  countOutcome(store.root(), ok ? ctx.outcome : Outcome::RecordFailed);
  if (!ok) {
    fprintf(stderr, "oxcc: %s: %s%s\n", strict ? "error" : "warning", error.c_str(),
            strict ? "" : " (not recorded; the build goes on; OXCC_STRICT=1 makes this an error)");
    return strict ? 1 : 0;
  }
  return 0;
}

} // namespace oxcc
