// The store: layout, atomic writes, module names, concurrent writers.
#include "temp_dir.h"
#include "base/fs.h"
#include "wrapper/record.h"
#include "store/store.h"
#include "base/module_name.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace oxcc;
using oxcc::test::TempDir;

namespace {
} // namespace

TEST(Store, CreatesLayoutAndRefusesOtherVersions) {
  TempDir t;
  std::string error;
  Store s(t.path + "/store");
  // Absent: a reader sees an empty store, and nothing is created.
  EXPECT_TRUE(s.open(false, error)) << error;
  EXPECT_FALSE(fileExists(t.path + "/store"));
  std::vector<std::string> errors;
  EXPECT_TRUE(s.allExtensions(errors).empty() && errors.empty());
  // A directory that is not a store is refused.
  ASSERT_TRUE(makeDirs(t.path + "/notastore", error));
  EXPECT_FALSE(Store(t.path + "/notastore").open(false, error));
  ASSERT_TRUE(s.open(true, error)) << error;
  EXPECT_TRUE(fileExists(t.path + "/store/objects"));
  EXPECT_TRUE(Store(t.path + "/store").open(false, error));
  std::string err;
  writeFileAtomic(t.path + "/store/oxcc-store", "oxcc-store/2\n", t.path, err);
  EXPECT_FALSE(Store(t.path + "/store").open(true, error));
  EXPECT_NE(error.find("oxcc-store/2"), std::string::npos);
}

TEST(Store, BlobsAreWrittenOnceAndWhole) {
  TempDir t;
  std::string error;
  Store s(t.path);
  ASSERT_TRUE(s.open(true, error));
  std::string id = sha256Hex("hello");
  ASSERT_TRUE(s.putBlob(id, "hello", ".o", error)) << error;
  ASSERT_TRUE(s.putBlob(id, "hello", ".o", error));
  EXPECT_EQ(*readFile(s.objectPath(id), error), "hello");
  EXPECT_TRUE(listDir(s.tmpDir()).empty());
}

TEST(Store, LatestExtensionPerModule) {
  TempDir t;
  std::string error;
  Store s(t.path);
  ASSERT_TRUE(s.open(true, error));
  for (int i = 0; i < 3; ++i) {
    ExtensionRecord r;
    r.module = i == 2 ? "b._x" : "a._x";
    r.outputSha256 = sha256Hex(std::to_string(i));
    r.recordedNs = 100 + i;
    r.init = "PyInit_" + std::to_string(i);
    ASSERT_TRUE(s.putExtension(r, error)) << error;
  }
  std::vector<std::string> errors;
  auto latest = s.latestExtensions(errors);
  ASSERT_EQ(latest.size(), 2u);
  EXPECT_EQ(latest[0].module, "a._x");
  EXPECT_EQ(latest[0].init, "PyInit_1");
  EXPECT_EQ(latest[1].module, "b._x");
  EXPECT_TRUE(errors.empty());
}

// Many processes writing the same and different objects at once: every
// file complete, no temporaries left.
TEST(Store, ConcurrentWritersLoseNothing) {
  TempDir t;
  std::string error;
  ASSERT_TRUE(Store(t.path).open(true, error));
  const int procs = 8, each = 50;
  for (int p = 0; p < procs; ++p) {
    if (fork() == 0) {
      Store s(t.path);
      std::string err;
      for (int i = 0; i < each; ++i) {
        // Half shared between all writers, half private.
        std::string content = i % 2 ? "shared-" + std::to_string(i)
                                    : "own-" + std::to_string(p) + "-" + std::to_string(i);
        content.append(20000, char('a' + i % 26));
        std::string id = sha256Hex(content);
        if (!s.putBlob(id, content, ".o", err)) _exit(1);
        ObjectRecord r;
        r.id = id;
        r.storedSha256 = id;
        if (!s.putObjectRecord(r, err)) _exit(1);
      }
      _exit(0);
    }
  }
  for (int p = 0; p < procs; ++p) {
    int status;
    wait(&status);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  Store s(t.path);
  auto ids = s.allObjectIds();
  EXPECT_EQ(ids.size(), size_t(procs * each / 2 + each / 2));
  for (const auto &id : ids) {
    auto bytes = readFile(s.objectPath(id), error);
    ASSERT_TRUE(bytes);
    EXPECT_EQ(sha256Hex(*bytes), id);
  }
  EXPECT_TRUE(listDir(s.tmpDir()).empty());
}

TEST(ModuleNames, Validity) {
  EXPECT_TRUE(isValidModuleName("pkg.sub._ext"));
  EXPECT_TRUE(isValidModuleName("_cffi_backend"));
  EXPECT_FALSE(isValidModuleName(""));
  EXPECT_FALSE(isValidModuleName("../x"));
  EXPECT_FALSE(isValidModuleName("a..b"));
  EXPECT_FALSE(isValidModuleName(".a"));
  EXPECT_FALSE(isValidModuleName("a."));
  EXPECT_FALSE(isValidModuleName("1a"));
  EXPECT_FALSE(isValidModuleName("a-b"));
  EXPECT_FALSE(isValidModuleName(std::string("a\0b", 3)));
}

TEST(ModuleNames, FromOutputPath) {
  EXPECT_EQ(moduleNameFromPath(
                "/src/p/build/lib.linux-x86_64-cpython-311/markupsafe/_speedups.cpython-311-x86_64-linux-gnu.so",
                "/src/p"),
            "markupsafe._speedups");
  EXPECT_EQ(moduleNameFromPath("/src/p/build/lib.linux-x86_64-3.11/_brotli.abi3.so", "/x"), "_brotli");
  EXPECT_EQ(moduleNameFromPath("/src/p/pkg/_ext.cpython-311-x86_64-linux-gnu.so", "/src/p"), "pkg._ext");
  EXPECT_EQ(moduleNameFromPath("/elsewhere/_ext.so", "/src/p"), "");
  EXPECT_EQ(moduleNameFromPath("/src/p/my-dir/_ext.so", "/src/p"), "");
  EXPECT_TRUE(hasExtensionSuffix("a/_x.cpython-311-x86_64-linux-gnu.so"));
  EXPECT_TRUE(hasExtensionSuffix("_x.abi3.so"));
  EXPECT_FALSE(hasExtensionSuffix("libfoo.so"));
}
