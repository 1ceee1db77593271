// `oxcc build` options, read once into a struct; nothing later looks at argv.
#pragma once

#include <string>
#include <vector>

namespace oxcc {

struct BuildOptions {
  std::string output;                    // -o APP
  std::string project;                   // PROJECT_DIR (pyproject.toml or setup.py), or
  std::vector<std::string> requirements; // REQUIREMENT... in pip's syntax
  std::vector<std::string> findLinks;    // --find-links DIR (pip's)
  bool noIndex = false;                  // --no-index (pip's)
  std::string entry;                     // --entry NAME: one of the project's console scripts
  bool allEntries = false;               // --entries all: every one, chosen by argv[0] (links)
  std::string module;                    // -m MODULE[:FUNC]
  std::string script;                    // --script FILE
  std::string target;                    // --target TRIPLE: wheels and link for it
  std::string python;                    // --python DIST (default: the target's, else debian)
  std::string buildDir;                  // --build-dir (default: APP.oxcc-build next to APP)
  bool verbose = false;                  // -v: every command, and pip's output
  std::vector<std::string> linkArgs;     // the link's own options, passed to `oxcc link` as given
};

// False with a one-line message naming the bad option and the fix; false
// with an empty message for --help.
bool parseBuildOptions(const std::vector<std::string> &args, BuildOptions &opts, std::string &error);

extern const char *kBuildUsage;

} // namespace oxcc
