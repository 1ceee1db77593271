// oxcc link's planning passes (driver/link/passes.h) over plain data: each
// decision checked on a LinkPlan, with no store, no toolchain and no link.
#include "temp_dir.h"
#include "base/fs.h"
#include "link/passes.h"
#include "store/store.h"
#include "link/wheel.h"

#include <gtest/gtest.h>

#include <cstdlib>

using namespace oxcc;
using oxcc::test::TempDir;

namespace {

PlannedExtension extension(const std::string &module, const std::string &target = "") {
  PlannedExtension e;
  e.record.module = module;
  e.record.target = target;
  e.origin = "store";
  return e;
}


} // namespace

TEST(LinkPasses, DebianFinalLinkExportsTheInterpreter) {
  LinkPlan plan;
  decideFinalLink(plan);
  EXPECT_EQ(plan.finalLinkFlags,
            (std::vector<std::string>{"-Wl,-E", "-static-libstdc++", "-static-libgcc",
                                      "-Wl,-Map=link.map"}));
}

// mimalloc is linked where asked or on musl; glibc's malloc stays otherwise,
// and nothing is built for it (no `oxcc python lib` call).
TEST(LinkPasses, AllocatorIsLibcUnlessMuslOrAsked) {
  LinkPlan plan;
  std::string error;
  plan.python.target = "x86_64-linux-gnu";
  ASSERT_TRUE(decideAllocator(plan, error)) << error;
  EXPECT_EQ(plan.allocatorObject, "");
  plan.python.target = "x86_64-linux-musl";
  plan.options.allocator = ProcessAllocator::System;
  ASSERT_TRUE(decideAllocator(plan, error)) << error;
  EXPECT_EQ(plan.allocatorObject, "");
  // A static library leaves the allocator to the program that links it.
  plan.options.allocator = ProcessAllocator::Mimalloc;
  plan.options.emit = Emit::Libpython;
  ASSERT_TRUE(decideAllocator(plan, error)) << error;
  EXPECT_EQ(plan.allocatorObject, "");
}

TEST(LinkPasses, BuiltInExtensionsGetTheirOwnCodeSectionAndPath) {
  ChosenInputs in;
  in.byModule["pkg.sub._ext"].record.module = "pkg.sub._ext";
  in.byModule["pkg.sub._ext"].record.output = "/b/lib/pkg/sub/_ext.cpython-311-x86_64-linux-gnu.so";
  in.byModule["top"].record.module = "top";
  LinkPlan plan;
  std::string error;
  Store store("/nonexistent");
  ASSERT_TRUE(locateObjects(store, in, plan, error)) << error;
  ASSERT_EQ(plan.extensions.size(), 2u);
  EXPECT_EQ(plan.extensions[0].codeSection, "oxcc_text_3pkg3sub4_ext");
  EXPECT_EQ(plan.extensions[0].fileName, "pkg/sub/_ext.cpython-311-x86_64-linux-gnu.so");
  EXPECT_EQ(plan.extensions[1].fileName, "top.so");
}

TEST(LinkPasses, SourceDistributionFinalLinkUsesItsFlags) {
  LinkPlan plan;
  plan.python.fromSource = true;
  plan.python.linkFlags = {"-static", "-Wl,-z,stack-size=1048576"};
  plan.extensions = {extension("a._x")};
  decideFinalLink(plan);
  EXPECT_EQ(plan.finalLinkFlags,
            (std::vector<std::string>{"-static", "-Wl,-z,stack-size=1048576", "-Wl,--wrap=dladdr",
                                      "-static-libstdc++", "-static-libgcc",
                                      "-Wl,-Map=link.map"}));
  // A kept-shared extension resolves the Python API against the app, and
  // is its own .so: dladdr needs no help for it.
  plan.extensions[0].keptShared = true;
  decideFinalLink(plan);
  EXPECT_EQ(plan.finalLinkFlags,
            (std::vector<std::string>{"-static", "-Wl,-z,stack-size=1048576", "-Wl,-E",
                                      "-static-libstdc++", "-static-libgcc",
                                      "-Wl,-Map=link.map"}));
}

TEST(LinkPasses, ScriptBecomesAnEmbeddedModule) {
  TempDir t;
  std::string error;
  ASSERT_TRUE(writeFileAtomic(t.path + "/run.py", "print('hi')\n", t.path, error)) << error;
  LinkPlan plan;
  plan.options.buildDir = t.path + "/build";
  plan.options.pureDirs = {"/src/pure"};
  plan.options.script = t.path + "/run.py";
  ASSERT_TRUE(decideEmbedded(plan, error)) << error;
  ASSERT_EQ(plan.files.size(), 1u);
  EXPECT_EQ(plan.files[0].path, "script/__oxcc_script__.py");
  EXPECT_EQ(plan.files[0].text, "print('hi')\n");
  EXPECT_EQ(plan.pureDirs, (std::vector<std::string>{"/src/pure", t.path + "/build/script"}));

  plan = {};
  plan.options.script = t.path + "/missing.py";
  EXPECT_FALSE(decideEmbedded(plan, error));
  EXPECT_NE(error.find("missing.py"), std::string::npos) << error;
}

TEST(LinkPasses, RuntimeBuildGetsAZlibHeader) {
  TempDir t;
  LinkPlan plan;
  decideRuntimeBuild(plan); // Debian: the prebuilt liboxrt, nothing to decide
  EXPECT_TRUE(plan.files.empty());
  plan.python.fromSource = true;
  plan.python.includeDir = t.path + "/include/python3.11"; // no zlib.h beside it
  plan.tools.runtimeLib = "runtime-x86_64-linux-musl/liboxrt.a";
  plan.options.buildDir = "/b";
  decideRuntimeBuild(plan);
  EXPECT_EQ(plan.runtimeZlibDir, "/b/runtime-x86_64-linux-musl/zlib");
  ASSERT_EQ(plan.files.size(), 1u);
  EXPECT_EQ(plan.files[0].path, "runtime-x86_64-linux-musl/zlib/zlib.h");
}

TEST(LinkPasses, ForeignTargetIsRefusedWithTheFix) {
  LinkPlan plan;
  plan.python.name = "debian";
  plan.python.target = "x86_64-linux-gnu";
  plan.extensions = {extension("a._ok", "x86_64-pc-linux-gnu"), extension("b._musl", "x86_64-linux-musl")};
  std::string error;
  EXPECT_FALSE(checkTargets(plan, error));
  EXPECT_NE(error.find("module b._musl (store) was built for x86_64-linux-musl"), std::string::npos)
      << error;
  plan.extensions.pop_back();
  EXPECT_TRUE(checkTargets(plan, error));
}

TEST(LinkPasses, EntryModuleMustBeEmbedded) {
  LinkPlan plan;
  plan.options.entryModule = "app.cli";
  plan.options.stdlib = StdlibMode::None;
  ChosenInputs in;
  std::string error;
  EXPECT_FALSE(checkEntryModule(plan, in, error));
  EXPECT_NE(error.find("-m app.cli: no such module"), std::string::npos) << error;
  in.wheelPyMembers.insert("app/cli.py");
  EXPECT_TRUE(checkEntryModule(plan, in, error));
}

TEST(Wheel, MemberNames) {
  EXPECT_EQ(wheel::unsafeNameReason("pkg/_ext.so"), "");
  EXPECT_EQ(wheel::unsafeNameReason("pkg/"), "");
  EXPECT_EQ(wheel::unsafeNameReason("pkg-1.0.data/platlib/x.so"), "");
  EXPECT_EQ(wheel::unsafeNameReason("/etc/x.so"), "is an absolute path");
  EXPECT_EQ(wheel::unsafeNameReason("a/../../x.so"), "climbs out of the wheel with '..'");
  EXPECT_EQ(wheel::unsafeNameReason(".."), "climbs out of the wheel with '..'");
  EXPECT_EQ(wheel::unsafeNameReason("a//b.so"), "has an empty or '.' path component");
  EXPECT_EQ(wheel::unsafeNameReason("./b.so"), "has an empty or '.' path component");
  EXPECT_EQ(wheel::unsafeNameReason("a\\b.so"), "has a backslash in its name");
  EXPECT_EQ(wheel::unsafeNameReason(std::string("a\0b", 3)), "has a NUL byte in its name");
  EXPECT_EQ(wheel::unsafeNameReason(""), "has an empty name");
  EXPECT_EQ(wheel::unsafeNameReason("a.so\tx"), "has a control character in its name");
  EXPECT_EQ(wheel::unsafeNameReason("a\nb.py"), "has a control character in its name");
}

TEST(Wheel, RefusesWhatIsNotAZip) {
  std::string error;
  EXPECT_FALSE(wheel::parse("not a zip", error));
  EXPECT_NE(error.find("is not a ZIP archive"), std::string::npos) << error;
  // An empty archive: an end record alone.
  std::string empty("PK\x05\x06", 4);
  empty += std::string(18, '\0');
  auto a = wheel::parse(empty, error);
  ASSERT_TRUE(a) << error;
  EXPECT_TRUE(a->members.empty());
  // Every truncation of it is refused without a crash.
  for (size_t n = 0; n < empty.size(); ++n) EXPECT_FALSE(wheel::parse(empty.substr(0, n), error));
}
