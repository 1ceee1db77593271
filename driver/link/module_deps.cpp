#include "module_deps.h"

#include "link/plan.h"

#include <map>
#include <set>

namespace oxcc {

namespace {

// Depth-first search for a cycle through `module`; on finding one, `path`
// holds it from its first module back to that module again.
bool findCycle(const std::string &module, const std::map<std::string, const PlannedExtension *> &byName,
               std::map<std::string, int> &state, std::vector<std::string> &path) {
  state[module] = 1; // on the current path
  path.push_back(module);
  for (const auto &dep : byName.at(module)->record.linkModules) {
    if (!byName.count(dep)) continue;
    if (state[dep] == 1) {
      // Keep only the loop: from dep's first appearance on the path.
      std::vector<std::string> loop;
      bool in = false;
      for (const auto &m : path) {
        in |= m == dep;
        if (in) loop.push_back(m);
      }
      loop.push_back(dep);
      path = loop;
      return true;
    }
    if (state[dep] == 0 && findCycle(dep, byName, state, path)) return true;
  }
  path.pop_back();
  state[module] = 2; // done, no cycle below
  return false;
}

} // namespace

bool orderByModuleDeps(std::vector<PlannedExtension> &extensions, std::string &error) {
  std::map<std::string, const PlannedExtension *> byName;
  for (const auto &e : extensions) byName[e.record.module] = &e;

  // Every dependency is in the link and declares what it exports.
  for (const auto &e : extensions)
    for (const auto &dep : e.record.linkModules) {
      if (dep == e.record.module) {
        error = "module " + e.record.module + " declares a link dependency on itself "
                "(--oxcc-link-module=" + dep + "); remove it";
        return false;
      }
      auto it = byName.find(dep);
      if (it == byName.end()) {
        error = "module " + e.record.module + " calls into " + dep + " (--oxcc-link-module=" + dep +
                "), which is not in the link; add the wheel or --module that holds " + dep;
        return false;
      }
      if (it->second->record.exports.empty()) {
        error = "module " + e.record.module + " calls into " + dep + ", but " + dep +
                " exports no symbol; declare them when building it (oxcc_exports in "
                "[tool.oxcc], or --oxcc-export=SYM)";
        return false;
      }
    }

  // No cycles: a static link could resolve one, but a wheel's extensions
  // could not be loaded one before the other (see docs/user-guide.md).
  std::map<std::string, int> state;
  for (const auto &[name, _] : byName) {
    std::vector<std::string> path;
    if (state[name] == 0 && findCycle(name, byName, state, path)) {
      std::string cycle;
      for (const auto &m : path) cycle += (cycle.empty() ? "" : " -> ") + m;
      error = "circular link dependency between extensions: " + cycle +
              " (--oxcc-link-module); an extension may only call into modules that do not "
              "call back into it";
      return false;
    }
  }

  // Exporters first; among the ready ones, by name (Kahn's algorithm).
  std::map<std::string, size_t> pending; // unplaced dependencies in the link
  for (const auto &e : extensions) pending[e.record.module] = std::set<std::string>(
      e.record.linkModules.begin(), e.record.linkModules.end()).size();
  std::set<std::string> ready;
  for (const auto &[name, n] : pending)
    if (n == 0) ready.insert(name);
  std::vector<PlannedExtension> ordered;
  while (!ready.empty()) {
    std::string name = *ready.begin();
    ready.erase(ready.begin());
    ordered.push_back(*byName.at(name));
    for (const auto &e : extensions) {
      std::set<std::string> deps(e.record.linkModules.begin(), e.record.linkModules.end());
      if (deps.count(name) && --pending[e.record.module] == 0) ready.insert(e.record.module);
    }
  }
  extensions = std::move(ordered);
  return true;
}

} // namespace oxcc
