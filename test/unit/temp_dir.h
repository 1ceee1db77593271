// A private temporary directory for one test, removed when it goes out of
// scope (kept with OXCC_KEEP_TMP=1, for a post-mortem), and a way to put a
// file in it.
#pragma once

#include "base/fs.h"

#include <cstdlib>
#include <filesystem>
#include <gtest/gtest.h>
#include <string>

namespace oxcc::test {

struct TempDir {
  std::string path;
  TempDir() {
    char t[] = "/tmp/oxcc-unit-XXXXXX";
    if (!mkdtemp(t)) std::abort();
    path = t;
  }
  ~TempDir() {
    if (!std::getenv("OXCC_KEEP_TMP")) std::filesystem::remove_all(path);
  }
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;
  // Writes PATH/rel (directories made as needed).
  void write(const std::string &rel, const std::string &text = "x") {
    std::string error;
    ASSERT_TRUE(makeDirs(dirName(path + "/" + rel), error)) << error;
    ASSERT_TRUE(writeFileAtomic(path + "/" + rel, text, path, error)) << error;
  }
};

} // namespace oxcc::test
