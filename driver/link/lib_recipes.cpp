#include "link/lib_recipes.h"

#include "base/process.h"
#include "link/plan.h"

#include <sstream>

namespace oxcc {

namespace {

Command pybuild(const Toolchain &tools, std::vector<std::string> args) {
  std::string main = tools.prefix + "/share/oxcc/pybuild/main.py";
  Command cmd{tools.python, {tools.python, main, "lib"}};
  for (auto &a : args) cmd.argv.push_back(std::move(a));
  return cmd;
}

} // namespace

std::string LibraryRecipes::recipeFor(const std::string &lname) {
  if (!listed_) {
    listed_ = true;
    // "NAME\tlib1,lib2" per recipe. Asked once per link, and only when
    // some library has no archive: most links never start this process.
    std::string out;
    if (captureOutput(pybuild(tools_, {"--list"}), out)) {
      std::stringstream lines(out);
      for (std::string line; std::getline(lines, line);) {
        size_t tab = line.find('\t');
        if (tab == std::string::npos) continue;
        std::stringstream libs(line.substr(tab + 1));
        for (std::string l; std::getline(libs, l, ',');)
          if (!l.empty()) recipeOf_.emplace(l, line.substr(0, tab));
      }
    }
  }
  auto it = recipeOf_.find(lname);
  return it == recipeOf_.end() ? "" : it->second;
}

bool LibraryRecipes::prefix(const std::string &recipe, const std::string &fix, std::string &prefix,
                            std::string &error) {
  if (auto it = built_.find(recipe); it != built_.end()) return prefix = it->second, true;
  std::string out;
  // Its progress goes to stderr, where the user sees a first build's minute.
  if (!captureOutput(pybuild(tools_, {recipe, "--target", target_}), out)) {
    error = "`oxcc python lib " + recipe + " --target " + target_ + "` failed (see above); it "
            "fetches Debian's " + recipe + " source package, which needs a deb-src entry "
            "(utils/bootstrap adds one)" + fix;
    return false;
  }
  // The prefix is the last line of its output.
  while (!out.empty() && out.back() == '\n') out.pop_back();
  prefix = out.substr(out.rfind('\n') + 1);
  built_[recipe] = prefix;
  return true;
}

} // namespace oxcc
