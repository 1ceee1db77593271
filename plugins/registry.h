// The stages of a wrapped compiler call (and of `oxcc link`), as hooks.
// Every behaviour beyond parsing, running and storing is a plugin with the
// C table of include/oxcc/plugin.h: the built-ins (setuptools tags, Cython
// recognition, the cross-build target, launchers; builtin/) register
// exactly as a loaded .so does, so the driver core only knows these run*
// functions.
#pragma once

#include "base/invocation.h"
#include "store/records.h"

#include <map>
#include <string>
#include <vector>

namespace oxcc {

// Loads the plugins a call asks for, once per process: `--plugin PATH` /
// `--plugin=PATH` (taken out of `args`, so the compiler never sees them),
// then OXCC_PLUGINS (colon-separated), then the nearest oxcc.toml's
// `plugins`. With none of them this is a scan of argv and a few stat calls.
// False + a message naming the file and the fix (missing file, no entry
// point, another ABI version, a malformed oxcc.toml).
bool loadPlugins(std::vector<std::string> &args, std::string &error);
// The same for `oxcc link`, whose --plugin options are already parsed.
bool loadPluginFiles(const std::vector<std::string> &paths, std::string &error);

// Every plugin's name, in the order hooks run (-### prints it): setuptools,
// cython, the loaded plugins, target (its compiler and headers replace what
// the others chose), launcher (last, so that it wraps the final command).
std::vector<std::string> pluginNames();

// Each stage, over every plugin in that order. False + message when a hook
// called api->error().
bool runClaimArgs(std::vector<std::string> &args, Invocation &inv, bool cxxDriver,
                  std::string &error);
bool runClassify(Invocation &inv, std::string &error);
bool runRewriteCommand(const Invocation &inv, Command &command, std::string &error);
// Annotations cannot fail a call whose output is already valid: a hook's
// error is printed as a warning.
void runRecordObject(const Invocation &inv, ObjectRecord &rec);
void runRecordExtension(const Invocation &inv, ExtensionRecord &rec);

// What the link hook sees of `oxcc link`'s plan (plugins/ may not include
// driver/link/): filled by planLink, read back after the hooks ran.
struct LinkView {
  std::string output, emit, python, buildDir;
  std::vector<std::string> extensions;       // module names
  std::vector<std::string> linkArgs;         // extra final-link arguments
  std::map<std::string, std::string> notes;  // "<plugin>.<key>" -> value
};
bool runLink(LinkView &view, std::string &error);

// Files to delete if a loaded plugin crashes from here on (the compiler's
// outputs, not yet recorded): a rerun of the build then redoes the call
// instead of finding a stale, unrecorded object.
void removeOnPluginCrash(std::vector<std::string> paths);

} // namespace oxcc
