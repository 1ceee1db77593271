// What `oxcc build` needs to know of each wheel pip made: the distribution
// it holds, its extension modules and whether oxcc built them, and its
// console scripts. Read with link/wheel.h's reader, which refuses unsafe
// members.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace oxcc {

struct BuiltWheel {
  std::string path;
  std::string name;    // the distribution, normalized (PEP 503: lower case, '-')
  std::string version;
  std::vector<std::string> extensions; // module names of its .so members
  std::vector<std::string> foreign;    // those oxcc did not build (no record, no .oxcc.obj)
  std::map<std::string, std::string> consoleScripts; // NAME -> module:function
};

// Reads one wheel; false with a sentence naming it. `recorded`: the sha256
// of every extension .so the store has a record of (oxcc built it).
bool inspectWheel(const std::string &path, const std::set<std::string> &recorded,
                  BuiltWheel &wheel, std::string &error);

// PEP 503: "MarkupSafe" and "markupsafe", "zope.interface" and
// "zope-interface" name one distribution.
std::string normalizeName(const std::string &name);

} // namespace oxcc
