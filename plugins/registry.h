// The stages of a wrapped compiler call, as hooks. Built-in behaviours
// (setuptools tags, Cython recognition, launchers) are plugins of this same
// interface, so the driver core only parses, runs and stores. Stage 4 puts a
// versioned C ABI (include/oxcc/plugin.h) in front of this table; the hook
// shapes are already plain enough to cross it.
#pragma once

#include "invocation.h"
#include "records.h"

#include <span>
#include <string>
#include <vector>

namespace oxcc {

struct Plugin {
  const char *name;
  // Before parsing: remove the plugin's own options from argv (they must
  // never reach the real compiler). False + message for a malformed tag.
  bool (*claimArgs)(std::vector<std::string> &args, Invocation &inv, std::string &error) = nullptr;
  // After parsing: refine the classification.
  void (*classify)(Invocation &inv) = nullptr;
  // The exact command that will run (program first); may wrap or edit it.
  void (*rewriteCommand)(const Invocation &inv, Command &command) = nullptr;
  // Before a record is stored: annotate it.
  void (*recordObject)(const Invocation &inv, ObjectRecord &rec) = nullptr;
  void (*recordExtension)(const Invocation &inv, ExtensionRecord &rec) = nullptr;
};

// In the order they run.
std::span<const Plugin> builtinPlugins();

// Each stage, over every plugin in order.
bool runClaimArgs(std::vector<std::string> &args, Invocation &inv, std::string &error);
void runClassify(Invocation &inv);
void runRewriteCommand(const Invocation &inv, Command &command);
void runRecordObject(const Invocation &inv, ObjectRecord &rec);
void runRecordExtension(const Invocation &inv, ExtensionRecord &rec);

} // namespace oxcc
