// The host side of the plugin ABI, shared by the registry, the loader and
// the API implementation: one entry per plugin, and what a hook call sees.
#pragma once

#include "oxcc/plugin.h"
#include "registry.h"

#include <deque>
#include <map>
#include <string>
#include <vector>

namespace oxcc {

struct LoadedPlugin {
  const oxcc_plugin *table;
  std::string path; // "" for a built-in: no crash guard, trusted code
  std::string name; // prefixes its notes
};

// The built-in tables (builtin/*.cpp).
extern const oxcc_plugin kSetuptoolsPlugin;
extern const oxcc_plugin kCythonPlugin;
extern const oxcc_plugin kTargetPlugin;
extern const oxcc_plugin kLauncherPlugin;

// Every plugin in the order hooks run: setuptools, cython, the loaded ones,
// target, the launcher.
const std::vector<LoadedPlugin> &plugins();
void addLoadedPlugin(const LoadedPlugin &p);

// The API table every hook gets (api.cpp).
const oxcc_api *hostApi();

} // namespace oxcc

// One hook call's view of oxcc's state. Exactly the pointers its stage
// has are set; the rest stay null, and the API answers "no such key".
struct oxcc_call {
  const char *stage = "";
  const oxcc::LoadedPlugin *plugin = nullptr;
  bool cxxDriver = false;
  std::vector<std::string> *args = nullptr;  // claim_args
  oxcc::Invocation *inv = nullptr;           // claim_args (tags), classify
  const oxcc::Invocation *constInv = nullptr; // rewrite_command, annotate_*
  oxcc::Command *command = nullptr;          // rewrite_command
  oxcc::ObjectRecord *object = nullptr;      // annotate_object
  oxcc::ExtensionRecord *extension = nullptr; // annotate_extension
  oxcc::LinkView *link = nullptr;            // link
  // Strings handed out stay alive until the hook returns.
  std::deque<std::string> scratch;
  std::map<std::string, std::vector<std::string>> derivedLists;
  std::string error;
  std::vector<std::string> warnings;
};
