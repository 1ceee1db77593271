// oxcc.toml: a project's plugins and launcher, found in the current
// directory or the nearest parent that has one. The format is a tiny
// subset of TOML, documented in docs/plugins.md:
//
//   # comment
//   launcher = "ccache"                  # or "distcc", "icecc"
//   plugins = ["tools/add_define.so"]    # relative to this file's directory
//
// Any other line is an error naming the file and the line, so a typo never
// silently drops a plugin. A pyproject-style [tool.oxcc] table is not read
// here: parsing pyproject.toml on every compiler call would cost more than
// the whole call.
#pragma once

#include <string>
#include <vector>

namespace oxcc {

struct ProjectConfig {
  std::string path;                 // "" when no oxcc.toml was found
  std::string launcher;             // as written
  std::vector<std::string> plugins; // absolute paths
};

// The nearest oxcc.toml from the current directory up, read once per
// process. False + message (file:line: what is wrong) if it is malformed.
bool projectConfig(const ProjectConfig *&config, std::string &error);

// Parses `text` as the oxcc.toml at `path` (exposed for tests).
bool parseProjectConfig(const std::string &path, const std::string &text, ProjectConfig &config,
                        std::string &error);

} // namespace oxcc
