// runtime.config: InterpreterConfig checks that need no interpreter, the C
// API's configuration functions, and (in the same binary, built without
// jemalloc/mimalloc) the error for an allocator that is not built in, and
// the pre-faulting of libpython's data (no interpreter starts in this
// binary, so those pages are still untouched when its test runs).
#include "allocator.h"
#include "config.h"
#include "prefault.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/mman.h>
#include <vector>

extern "C" char _PyRuntime;

namespace {

using oxrt::InterpreterConfig;

alignas(8) const unsigned char kBlob[16] = {};

PyObject *noInit() { return nullptr; }

InterpreterConfig valid() {
  InterpreterConfig c;
  c.resources = {kBlob, sizeof kBlob};
  return c;
}

std::string errorOf(const InterpreterConfig &c) { return oxrt::validate(c).error(); }

TEST(Config, DefaultsWithResourcesAreValid) {
  EXPECT_TRUE(oxrt::validate(valid()).ok()) << errorOf(valid());
  InterpreterConfig c;
  EXPECT_EQ(c.profile, oxrt::Profile::Isolated);
  EXPECT_TRUE(c.memoryImporter);
  EXPECT_TRUE(c.filesystemImporter);
  EXPECT_EQ(c.allocator, oxrt::Allocator::Default);
  EXPECT_FALSE(c.sysFrozen);
  EXPECT_TRUE(c.multiprocessingAutoDispatch);
  EXPECT_EQ(c.terminfo, oxrt::Terminfo::Dynamic);
  EXPECT_EQ(c.fileAttribute, oxrt::FileAttribute::Virtual);
}

TEST(Config, ResourcesAreRequiredByTheMemoryImporter) {
  InterpreterConfig c;
  EXPECT_NE(errorOf(c).find("the in-memory importer has no packed resources"), std::string::npos);
  c.memoryImporter = false;
  c.sysPath = {"/usr/lib/python3.11"};
  EXPECT_TRUE(oxrt::validate(c).ok()) << errorOf(c);
  c.filesystemImporter = false;
  EXPECT_NE(errorOf(c).find("both importers are off"), std::string::npos);
}

TEST(Config, OneSourceOfResources) {
  InterpreterConfig c = valid();
  c.resourcesPath = "/x/app.oxres";
  EXPECT_NE(errorOf(c).find("both resources (in memory) and resourcesPath (/x/app.oxres)"),
            std::string::npos);
}

TEST(Config, MisalignedResources) {
  InterpreterConfig c;
  c.resources = {kBlob + 1, 8};
  EXPECT_NE(errorOf(c).find("8-byte boundary"), std::string::npos);
}

TEST(Config, ExtractPackageDataTakesTopLevelNames) {
  InterpreterConfig c = valid();
  c.extractPackageData = {"lxml", "bypath"};
  EXPECT_TRUE(oxrt::validate(c).ok()) << errorOf(c);
  for (const char *bad : {"", "lxml.isoschematron", "../x", "a b"}) {
    c.extractPackageData = {bad};
    EXPECT_EQ(errorOf(c), std::string("extractPackageData: '") + bad +
                              "' is not a top-level package name");
  }
}

TEST(Config, BadValuesAreNamed) {
  struct Case {
    void (*change)(InterpreterConfig &);
    const char *message;
  } cases[] = {
      {[](InterpreterConfig &c) { c.profile = oxrt::Profile(9); }, "unknown profile 9"},
      {[](InterpreterConfig &c) { c.entry.kind = oxrt::Entry::Kind(7); }, "unknown entry kind 7"},
      {[](InterpreterConfig &c) { c.entry = {oxrt::Entry::Module, "", ""}; }, "no target"},
      {[](InterpreterConfig &c) { c.allocator = oxrt::Allocator(5); }, "unknown allocator 5"},
      {[](InterpreterConfig &c) { c.optimizationLevel = 3; }, "optimization level 3"},
      {[](InterpreterConfig &c) { c.multiprocessingStartMethod = "thread"; }, "'thread' is not"},
      {[](InterpreterConfig &c) { c.terminfo = oxrt::Terminfo::Static; }, "terminfoDirs is empty"},
      {[](InterpreterConfig &c) { c.fileAttribute = oxrt::FileAttribute(4); }, "__file__ policy"},
      {[](InterpreterConfig &c) { c.sharedModulePolicy = oxrt::SharedModulePolicy(8); },
       "shared-module policy 8"},
      {[](InterpreterConfig &c) { c.extensionModules = {{"a..b", noInit}}; }, "'a..b' is not"},
      {[](InterpreterConfig &c) { c.extensionModules = {{"ok", nullptr}}; }, "no init function"},
      {[](InterpreterConfig &c) { c.extensionModules = {{"x.y", noInit}, {"x.y", noInit}}; },
       "'x.y' is registered twice"},
  };
  for (const Case &k : cases) {
    InterpreterConfig c = valid();
    k.change(c);
    std::string e = errorOf(c);
    EXPECT_NE(e.find(k.message), std::string::npos) << "want '" << k.message << "', got '" << e << "'";
  }
}

TEST(Config, BuiltinTableAndExtensionsShareNames) {
  static const oxrt_builtin table[] = {{"pkg._ext", noInit}, {nullptr, nullptr}};
  InterpreterConfig c = valid();
  c.builtins = table;
  c.extensionModules = {{"pkg._ext", noInit}};
  EXPECT_NE(errorOf(c).find("'pkg._ext' is registered twice"), std::string::npos);
}

TEST(Config, ExpandOrigin) {
  EXPECT_EQ(oxrt::expandOrigin("$ORIGIN/lib", "/opt/app"), "/opt/app/lib");
  EXPECT_EQ(oxrt::expandOrigin("${ORIGIN}/../share", "/opt/app"), "/opt/app/../share");
  EXPECT_EQ(oxrt::expandOrigin("$ORIGIN", "/opt/app"), "/opt/app");
  EXPECT_EQ(oxrt::expandOrigin("$ORIGINAL/x", "/opt/app"), "$ORIGINAL/x");
  EXPECT_EQ(oxrt::expandOrigin("/abs/$ORIGIN", "/opt/app"), "/abs/$ORIGIN");
}

TEST(Config, TerminfoDirs) {
  InterpreterConfig c;
  auto onlyUsrShare = [](const char *d) { return std::strcmp(d, "/usr/share/terminfo") == 0; };
  auto all = [](const char *) { return true; };
  EXPECT_EQ(oxrt::terminfoDirsToSet(c, nullptr, onlyUsrShare), "/usr/share/terminfo");
  EXPECT_EQ(oxrt::terminfoDirsToSet(c, "", onlyUsrShare), "/usr/share/terminfo");
  std::string every = oxrt::terminfoDirsToSet(c, nullptr, all);
  EXPECT_EQ(every.rfind("/etc/terminfo:", 0), 0u) << every;
  EXPECT_EQ(oxrt::terminfoDirsToSet(c, "/mine", all), ""); // the user's value wins
  c.terminfo = oxrt::Terminfo::Static;
  c.terminfoDirs = "/a:/b";
  EXPECT_EQ(oxrt::terminfoDirsToSet(c, nullptr, all), "/a:/b");
  c.terminfo = oxrt::Terminfo::None;
  EXPECT_EQ(oxrt::terminfoDirsToSet(c, nullptr, all), "");
}

TEST(Config, CApiSettersAndValidate) {
  oxrt_config *cfg = oxrt_config_new();
  ASSERT_NE(cfg, nullptr);
  EXPECT_EQ(oxrt_config_validate(cfg), -1);
  EXPECT_NE(std::string(oxrt_last_error()).find("no packed resources"), std::string::npos);
  EXPECT_EQ(oxrt_config_set_resources(cfg, kBlob, sizeof kBlob), 0);
  EXPECT_EQ(oxrt_config_validate(cfg), 0) << oxrt_last_error();
  EXPECT_EQ(oxrt_config_set_allocator(cfg, 77, 0), 0);
  EXPECT_EQ(oxrt_config_validate(cfg), -1);
  EXPECT_NE(std::string(oxrt_last_error()).find("unknown allocator 77"), std::string::npos);
  EXPECT_EQ(oxrt_config_set_allocator(cfg, OXRT_ALLOCATOR_JEMALLOC, OXRT_DOMAIN_RAW), 0);
  EXPECT_EQ(oxrt_config_set_multiprocessing(cfg, 1, "spawn"), 0);
  EXPECT_EQ(oxrt_config_add_sys_path(cfg, "$ORIGIN/lib"), 0);
  EXPECT_EQ(oxrt_config_add_sys_path(cfg, nullptr), -1);
  EXPECT_EQ(oxrt_config_validate(cfg), 0) << oxrt_last_error();
  EXPECT_EQ(oxrt_config_set_resources_file(cfg, "/x.bin"), 0);
  EXPECT_EQ(oxrt_config_validate(cfg), -1);
  oxrt_config_free(cfg);
  EXPECT_EQ(oxrt_config_set_profile(nullptr, 0), -1);
  EXPECT_STREQ(oxrt_last_error(), "oxrt_config is NULL");
}

// This binary compiles allocator.cpp with no backend.
TEST(Config, AllocatorNotBuiltInIsAnError) {
  EXPECT_TRUE(oxrt::allocatorBuiltIn(oxrt::Allocator::System));
  EXPECT_FALSE(oxrt::allocatorBuiltIn(oxrt::Allocator::Jemalloc));
  std::string why = oxrt::prepareAllocator(oxrt::Allocator::Jemalloc);
  EXPECT_NE(why.find("the jemalloc allocator is not built into this liboxrt"), std::string::npos)
      << why;
  EXPECT_NE(oxrt::prepareAllocator(oxrt::Allocator::Mimalloc).find("libmimalloc-dev"),
            std::string::npos);
  EXPECT_EQ(oxrt::prepareAllocator(oxrt::Allocator::System), "");
}

// An arena pymalloc maps through the allocator prefaultArenas() installs
// is resident at once (mincore), where a plain anonymous mapping is not.
TEST(Prefault, ArenasArriveResident) {
  auto resident = [](void *p, size_t size) {
    std::vector<unsigned char> pages(size / 4096);
    EXPECT_EQ(mincore(p, size, pages.data()), 0);
    size_t n = 0;
    for (unsigned char v : pages) n += v & 1;
    return n;
  };
  PyObjectArenaAllocator before;
  PyObject_GetArenaAllocator(&before);
  const size_t size = size_t(1) << 20;
  void *plain = before.alloc(before.ctx, size);
  ASSERT_NE(plain, nullptr);
  EXPECT_LT(resident(plain, size), size / 4096 / 2) << "CPython's own arenas already resident?";
  before.free(before.ctx, plain, size);

  oxrt::prefaultArenas();
  PyObjectArenaAllocator after;
  PyObject_GetArenaAllocator(&after);
  void *arena = after.alloc(after.ctx, size);
  ASSERT_NE(arena, nullptr);
  EXPECT_EQ(resident(arena, size), size / 4096);
  after.free(after.ctx, arena, size);
  PyObject_SetArenaAllocator(&before);
}

} // namespace

namespace {

// The kernel's "Anonymous:" figure (kB) for the mapping holding `address`:
// pages of a private file mapping become anonymous once written (copied).
long anonymousKbAt(uintptr_t address) {
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    unsigned long begin = 0, end = 0;
    if (std::sscanf(line.c_str(), "%lx-%lx ", &begin, &end) == 2 && line.find(' ') > 8) {
      inside = begin <= address && address < end;
      continue;
    }
    long kb = 0;
    if (inside && std::sscanf(line.c_str(), "Anonymous: %ld kB", &kb) == 1) return kb;
  }
  return -1;
}

TEST(Prefault, CopiesLibpythonsDataInOneRequest) {
  uintptr_t anchor = reinterpret_cast<uintptr_t>(&_PyRuntime);
  long before = anonymousKbAt(anchor);
  ASSERT_GE(before, 0) << "no mapping holds _PyRuntime in /proc/self/smaps";
  unsigned long bytes = oxrt::prefaultPythonData();
  ASSERT_GT(bytes, 0u) << "MADV_POPULATE_WRITE refused (kernel before 5.14?)";
  EXPECT_EQ(bytes % 4096, 0u);
  long after = anonymousKbAt(anchor);
  // Every page asked for is now a private copy; before, only the few that
  // static initialisers wrote were.
  EXPECT_GE(after, long(bytes / 1024)) << "before " << before << " kB";
  EXPECT_GT(after - before, 256) << "before " << before << " kB, after " << after << " kB";
}

} // namespace
