// oxcc link's library dependencies (libdeps) and extension dependencies
// (module_deps): resolution order, refusals, cycles, missing modules.
#include "temp_dir.h"
#include "base/fs.h"
#include "link/libdeps.h"
#include "link/module_deps.h"
#include "link/plan.h"

#include <gtest/gtest.h>
#include <unistd.h>

using namespace oxcc;
using oxcc::test::TempDir;

namespace {

PlannedExtension ext(const std::string &module, std::vector<std::string> deps,
                     std::vector<std::string> exports = {"sym"}) {
  PlannedExtension e;
  e.record.module = module;
  e.record.linkModules = std::move(deps);
  e.record.exports = std::move(exports);
  return e;
}

std::vector<std::string> names(const std::vector<PlannedExtension> &v) {
  std::vector<std::string> out;
  for (const auto &e : v) out.push_back(e.record.module);
  return out;
}
} // namespace

TEST(LibDeps, ArchiveAnywhereBeatsAnEarlierSharedObject) {
  TempDir t;
  t.write("first/libfoo.so");
  t.write("second/libfoo.a");
  auto r = resolveLibrary("foo", {t.path + "/first"}, {t.path + "/second"});
  EXPECT_EQ(r.kind, LibraryResolution::Kind::Archive);
  EXPECT_EQ(r.path, t.path + "/second/libfoo.a");
  EXPECT_EQ(r.searched, (std::vector<std::string>{t.path + "/first", t.path + "/second"}));
}

TEST(LibDeps, SharedOnlyAndMissing) {
  TempDir t;
  t.write("d/libbar.so");
  auto shared = resolveLibrary("bar", {}, {t.path + "/d"});
  EXPECT_EQ(shared.kind, LibraryResolution::Kind::Shared);
  EXPECT_EQ(shared.path, t.path + "/d/libbar.so");
  auto missing = resolveLibrary("nope", {t.path + "/d"}, {});
  EXPECT_EQ(missing.kind, LibraryResolution::Kind::Missing);
  auto exact = resolveLibrary(":libbar.so", {t.path + "/d"}, {});
  EXPECT_EQ(exact.kind, LibraryResolution::Kind::Shared);
}

TEST(LibDeps, SystemDirsIncludeDebianMultiarch) {
  auto dirs = systemLibraryDirs("gcc");
  EXPECT_NE(std::find(dirs.begin(), dirs.end(), "/usr/lib/x86_64-linux-gnu"), dirs.end());
}

TEST(LibDeps, RefusalNamesEverySearchedDirAndTheFix) {
  TempDir t;
  t.write("d/libonlyso.so");
  LinkPlan plan;
  plan.python.version = "3.11";
  plan.python.linkLibs = {"expat", "z"};
  plan.tools.cc = "gcc";
  PlannedExtension e;
  e.record.module = "pkg._ext";
  e.record.libraries = {"m", "expat", "onlyso"};
  e.record.libraryDirs = {t.path + "/d"};
  plan.extensions.push_back(e);
  std::string error;
  EXPECT_FALSE(resolveLibraryDeps(plan, error));
  EXPECT_NE(error.find("module pkg._ext links -lonlyso"), std::string::npos) << error;
  EXPECT_NE(error.find(t.path + "/d"), std::string::npos) << error;
  EXPECT_NE(error.find("/usr/lib/x86_64-linux-gnu"), std::string::npos) << error;
  EXPECT_NE(error.find("--allow-shared-deps"), std::string::npos) << error;
  // The toolchain's go to the final link; the distribution's are on its own
  // link line already (a source distribution names them by path, where a
  // -lexpat would not be found).
  EXPECT_EQ(plan.libraries, (std::vector<std::string>{"m"}));

  // Allowed: the extension stays a .so and the library is to be packed
  // with it, nothing goes to the final link; but this libonlyso.so is an
  // empty file, which cannot be packed: named, with the module.
  plan.options.allowSharedDeps = true;
  error.clear();
  EXPECT_FALSE(resolveLibraryDeps(plan, error));
  EXPECT_TRUE(plan.extensions[0].keptShared);
  EXPECT_EQ(plan.libraries, (std::vector<std::string>{"m"}));
  EXPECT_NE(error.find("module pkg._ext: " + t.path + "/d/libonlyso.so (needed by pkg._ext) is not a "
                       "shared library oxcc can read"),
            std::string::npos)
      << error;
  int problems = -1;
  std::string text = explainLibraryDeps(plan, problems);
  EXPECT_EQ(problems, 0);
  EXPECT_NE(text.find("pkg._ext (): kept as a shared object"), std::string::npos) << text;
  EXPECT_NE(text.find("-lonlyso: shared"), std::string::npos) << text;
  EXPECT_NE(text.find("-lm: provided"), std::string::npos) << text;
}

TEST(ModuleDeps, ExportersComeFirst) {
  std::vector<PlannedExtension> v = {ext("a.user", {"z.core"}), ext("m.mid", {}), ext("z.core", {})};
  std::string error;
  ASSERT_TRUE(orderByModuleDeps(v, error)) << error;
  EXPECT_EQ(names(v), (std::vector<std::string>{"m.mid", "z.core", "a.user"}));
}

TEST(ModuleDeps, CycleIsNamed) {
  std::vector<PlannedExtension> v = {ext("a._x", {"b._y"}), ext("b._y", {"c._z"}), ext("c._z", {"b._y"})};
  std::string error;
  EXPECT_FALSE(orderByModuleDeps(v, error));
  EXPECT_NE(error.find("circular link dependency between extensions: b._y -> c._z -> b._y"),
            std::string::npos)
      << error;
}

TEST(ModuleDeps, MissingModuleIsNamed) {
  std::vector<PlannedExtension> v = {ext("b._user", {"a._core"})};
  std::string error;
  EXPECT_FALSE(orderByModuleDeps(v, error));
  EXPECT_NE(error.find("module b._user calls into a._core"), std::string::npos) << error;
  EXPECT_NE(error.find("not in the link"), std::string::npos) << error;
}

TEST(ModuleDeps, ExporterWithoutExportsIsRefused) {
  std::vector<PlannedExtension> v = {ext("b._user", {"a._core"}), ext("a._core", {}, {})};
  std::string error;
  EXPECT_FALSE(orderByModuleDeps(v, error));
  EXPECT_NE(error.find("a._core exports no symbol"), std::string::npos) << error;
}
