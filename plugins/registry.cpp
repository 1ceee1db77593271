#include "crash_guard.h"
#include "base/fs.h"
#include "host.h"

#include <cstdio>
#include <unistd.h>

namespace oxcc {

// The built-ins that run after the loaded plugins: the target, whose
// compiler and headers replace whatever the others chose, and the launcher,
// which must stay last: it wraps whatever the others made of the command.
static constexpr size_t kBuiltinsAfterLoaded = 2;

static std::vector<LoadedPlugin> &table() {
  static std::vector<LoadedPlugin> all = {
      {&kSetuptoolsPlugin, "", "setuptools"},
      {&kCythonPlugin, "", "cython"},
      {&kTargetPlugin, "", "target"},
      {&kLauncherPlugin, "", "launcher"},
  };
  return all;
}

const std::vector<LoadedPlugin> &plugins() { return table(); }

void addLoadedPlugin(const LoadedPlugin &p) {
  table().insert(table().end() - kBuiltinsAfterLoaded, p);
}

std::vector<std::string> pluginNames() {
  std::vector<std::string> names;
  for (const auto &p : table()) names.push_back(p.name);
  return names;
}

static bool anyLoaded() {
  for (const auto &p : table())
    if (!p.path.empty()) return true;
  return false;
}

// Runs one stage's hook of every plugin in order, starting each from
// `base` (the stage's state). Stops at the first error.
static bool runStage(const char *stage, oxcc_hook oxcc_plugin::*hook, const oxcc_call &base,
                     std::string &error) {
  for (const auto &p : table()) {
    oxcc_hook fn = p.table->*hook;
    if (!fn) continue;
    oxcc_call call = base;
    call.stage = stage;
    call.plugin = &p;
    if (!p.path.empty()) beginPluginCode(p.path.c_str(), stage);
    fn(hostApi(), &call, p.table->user_data);
    if (!p.path.empty()) endPluginCode();
    std::string who = p.path.empty() ? "" : "plugin " + p.name + " (" + p.path + "): ";
    for (const auto &w : call.warnings) fprintf(stderr, "oxcc: warning: %s%s\n", who.c_str(), w.c_str());
    if (!call.error.empty()) {
      error = who + call.error;
      return false;
    }
  }
  return true;
}

bool runClaimArgs(std::vector<std::string> &args, Invocation &inv, bool cxxDriver,
                  std::string &error) {
  oxcc_call c;
  c.args = &args;
  c.inv = &inv;
  c.cxxDriver = cxxDriver;
  return runStage("claim_args", &oxcc_plugin::claim_args, c, error);
}

bool runClassify(Invocation &inv, std::string &error) {
  oxcc_call c;
  c.inv = &inv;
  c.cxxDriver = inv.cxxDriver;
  return runStage("classify", &oxcc_plugin::classify, c, error);
}

bool runRewriteCommand(const Invocation &inv, Command &command, std::string &error) {
  oxcc_call c;
  c.constInv = &inv;
  c.command = &command;
  c.cxxDriver = inv.cxxDriver;
  return runStage("rewrite_command", &oxcc_plugin::rewrite_command, c, error);
}

void runRecordObject(const Invocation &inv, ObjectRecord &rec) {
  oxcc_call c;
  c.constInv = &inv;
  c.object = &rec;
  std::string error;
  if (!runStage("annotate_object", &oxcc_plugin::annotate_object, c, error))
    fprintf(stderr, "oxcc: warning: %s\n", error.c_str());
}

void runRecordExtension(const Invocation &inv, ExtensionRecord &rec) {
  oxcc_call c;
  c.constInv = &inv;
  c.extension = &rec;
  std::string error;
  if (!runStage("annotate_extension", &oxcc_plugin::annotate_extension, c, error))
    fprintf(stderr, "oxcc: warning: %s\n", error.c_str());
}

bool runLink(LinkView &view, std::string &error) {
  oxcc_call c;
  c.link = &view;
  if (!runStage("link", &oxcc_plugin::link, c, error)) return false;
  // The plan's notes, one "key<TAB>value" line each, sorted; no notes, no file.
  std::string path = view.buildDir + "/plugin-notes.txt", text;
  for (const auto &[k, v] : view.notes) text += k + "\t" + v + "\n";
  if (text.empty()) {
    unlink(path.c_str());
    return true;
  }
  return makeDirs(view.buildDir, error) && writeFileAtomic(path, text, view.buildDir, error);
}

void removeOnPluginCrash(std::vector<std::string> paths) {
  if (anyLoaded()) setCrashCleanup(std::move(paths));
}

} // namespace oxcc
