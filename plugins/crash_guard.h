// Runs a loaded plugin's code so that a crash in it is reported as that
// plugin's fault (its path and the hook), never as oxcc's or the compiler's.
#pragma once

#include <string>
#include <vector>

namespace oxcc {

// Exit status of a call whose plugin crashed (EX_SOFTWARE).
inline constexpr int kPluginCrashExit = 70;

// Installs the handlers (once; only when a plugin is loaded, so a call
// without plugins pays nothing).
void installCrashGuard();

// Marks the start and end of plugin code: `path` and `hook` must stay
// valid until endPluginCode().
void beginPluginCode(const char *path, const char *hook);
void endPluginCode();

void setCrashCleanup(std::vector<std::string> paths);

} // namespace oxcc
