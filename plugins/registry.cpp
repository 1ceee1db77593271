#include "registry.h"

namespace oxcc {

// Defined in builtin/*.cpp.
extern const Plugin kSetuptoolsPlugin;
extern const Plugin kCythonPlugin;
extern const Plugin kLauncherPlugin;

std::span<const Plugin> builtinPlugins() {
  static const Plugin all[] = {kSetuptoolsPlugin, kCythonPlugin, kLauncherPlugin};
  return all;
}

bool runClaimArgs(std::vector<std::string> &args, Invocation &inv, std::string &error) {
  for (const auto &p : builtinPlugins())
    if (p.claimArgs && !p.claimArgs(args, inv, error)) return false;
  return true;
}

void runClassify(Invocation &inv) {
  for (const auto &p : builtinPlugins())
    if (p.classify) p.classify(inv);
}

void runRewriteCommand(const Invocation &inv, Command &command) {
  for (const auto &p : builtinPlugins())
    if (p.rewriteCommand) p.rewriteCommand(inv, command);
}

void runRecordObject(const Invocation &inv, ObjectRecord &rec) {
  for (const auto &p : builtinPlugins())
    if (p.recordObject) p.recordObject(inv, rec);
}

void runRecordExtension(const Invocation &inv, ExtensionRecord &rec) {
  for (const auto &p : builtinPlugins())
    if (p.recordExtension) p.recordExtension(inv, rec);
}

} // namespace oxcc
