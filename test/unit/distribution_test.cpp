// oxcc link --python: reading distribution.yaml (paths relative to it,
// unknown formats refused) and resolving a name (debian, a triple through
// <cache>/python/<triple>.current, a directory, a manifest path).
#include "temp_dir.h"
#include "base/fs.h"
#include "base/environment.h"
#include "link/distribution.h"
#include "base/target.h"

#include <cstdlib>
#include <gtest/gtest.h>

using namespace oxcc;
using oxcc::test::TempDir;

namespace {

const char *kSample = R"(format: "oxcc-python-distribution/1"
target: "x86_64-linux-musl"
python_version: "3.11"
python_full_version: "3.11.2"
key: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
cc: "/opt/oxcc/libexec/oxcc/target/x86_64-linux-musl/cc"
include_dir: "include/python3.11"
static_lib: "lib/libpython3.11.a"
link_libs:
  - "lib/deps/libssl.a"
  - "/abs/libcrypto.a"
  - "-lm"
link_flags:
  - "-static"
  - "-Wl,-z,stack-size=1048576"
stdlib_dir: "lib/python3.11"
builtin_modules:
  - {name: "_ssl", init: "PyInit__ssl"}
  - {name: "zlib", init: "PyInit_zlib"}
extension_modules:
  - {name: "_testcapi", path: "lib/ext/_testcapi.so", init: "PyInit__testcapi"}
sources:
  - {name: "python3.11", version: "3.11.2-6", file: "python3.11_3.11.2.orig.tar.xz", sha256: "00"}
deps: "source"
)";


// OXCC_CACHE for one test.
struct CacheEnv {
  CacheEnv(const std::string &dir) {
    setenv("OXCC_CACHE", dir.c_str(), 1);
    rereadEnvironment();
  }
  ~CacheEnv() {
    unsetenv("OXCC_CACHE");
    rereadEnvironment();
  }
};

// A complete distribution in <root>/python/<name>/ and the target's
// compilers under <root>/libexec/oxcc/target/.
Toolchain makeInstall(TempDir &t, const std::string &name, const std::string &yaml) {
  std::string d = "python/" + name + "/", text = yaml;
  text.replace(text.find("/abs/libcrypto.a"), 16, t.path + "/abs/libcrypto.a");
  t.write("abs/libcrypto.a");
  t.write(d + "distribution.yaml", text);
  t.write(d + "include/python3.11/Python.h");
  t.write(d + "lib/libpython3.11.a");
  t.write(d + "lib/deps/libssl.a");
  t.write(d + "lib/python3.11/os.py");
  t.write("libexec/oxcc/target/x86_64-linux-musl/cc");
  t.write("libexec/oxcc/target/x86_64-linux-musl/c++");
  Toolchain tools;
  tools.ldDir = t.path + "/libexec/oxcc";
  return tools;
}

std::string withoutLine(std::string text, const std::string &line) {
  text.erase(text.find(line), line.size() + 1);
  return text;
}

} // namespace

TEST(Distribution, ParsesASampleManifest) {
  Distribution d;
  std::string error;
  ASSERT_TRUE(parseDistribution(kSample, "/dists/musl-3.11-abc/distribution.yaml", d, error)) << error;
  EXPECT_EQ(d.name, "/dists/musl-3.11-abc/distribution.yaml");
  EXPECT_TRUE(d.fromSource);
  EXPECT_EQ(d.target, "x86_64-linux-musl");
  EXPECT_EQ(d.version, "3.11");
  EXPECT_EQ(d.includeDir, "/dists/musl-3.11-abc/include/python3.11");
  EXPECT_EQ(d.staticLib, "/dists/musl-3.11-abc/lib/libpython3.11.a");
  EXPECT_EQ(d.stdlibDir, "/dists/musl-3.11-abc/lib/python3.11");
  // Relative library paths are inside the distribution; flags and absolute paths stay.
  EXPECT_EQ(d.linkLibs, (std::vector<std::string>{"/dists/musl-3.11-abc/lib/deps/libssl.a",
                                                  "/abs/libcrypto.a", "-lm"}));
  EXPECT_EQ(d.linkFlags, (std::vector<std::string>{"-static", "-Wl,-z,stack-size=1048576"}));
  ASSERT_EQ(d.builtinModules.size(), 2u);
  EXPECT_EQ(d.builtinModules[0].name, "_ssl");
  EXPECT_EQ(d.builtinModules[0].init, "PyInit__ssl");
  ASSERT_EQ(d.extensionModules.size(), 1u);
  EXPECT_EQ(d.extensionModules[0].path, "/dists/musl-3.11-abc/lib/ext/_testcapi.so");
  EXPECT_TRUE(d.dynloadDirs.empty()); // everything is built in: nothing to pack from disk
}

// The wrapper's line scanner (target.cpp, no YAML parser on the compiler
// call path) and the link's yaml-cpp reader agree on the same manifests:
// the sample, and the same with comments, single quotes and no quotes, as
// a person editing one might leave it.
TEST(Distribution, HotPathScannerAgreesWithTheYamlReader) {
  std::string edited = kSample;
  edited.replace(edited.find("target: \"x86_64-linux-musl\""), 27,
                 "target: 'x86_64-linux-musl'  # edited by hand");
  edited.replace(edited.find("include_dir: \"include/python3.11\""), 33,
                 "include_dir: include/python3.11");
  edited = "# a comment first\n" + edited;
  for (const std::string &text : {std::string(kSample), edited}) {
    Distribution d;
    std::string error;
    ASSERT_TRUE(parseDistribution(text, "/d/distribution.yaml", d, error)) << error;
    auto scalars = distributionScalars(text);
    EXPECT_EQ(scalars["target"], d.target);
    EXPECT_EQ(scalars["python_version"], d.version);
    EXPECT_EQ("/d/" + scalars["include_dir"], d.includeDir);
    EXPECT_EQ(scalars["format"], "oxcc-python-distribution/1");
  }
}

TEST(Distribution, RelativeManifestPathResolvesAgainstTheWorkingDirectory) {
  Distribution d;
  std::string error;
  ASSERT_TRUE(parseDistribution(kSample, "dist/distribution.yaml", d, error)) << error;
  EXPECT_EQ(d.includeDir, absolutePath("dist") + "/include/python3.11");
}

TEST(Distribution, RefusesAnUnknownFormat) {
  std::string text = kSample;
  text.replace(text.find("distribution/1"), 14, "distribution/2");
  Distribution d;
  std::string error;
  EXPECT_FALSE(parseDistribution(text, "/d/distribution.yaml", d, error));
  EXPECT_NE(error.find("/d/distribution.yaml: unknown format 'oxcc-python-distribution/2'"),
            std::string::npos) << error;
  EXPECT_NE(error.find("oxcc python build"), std::string::npos) << error;
}

TEST(Distribution, RefusesMissingKeysAndWrongShapes) {
  Distribution d;
  std::string error;
  EXPECT_FALSE(parseDistribution(withoutLine(kSample, "target: \"x86_64-linux-musl\""),
                                 "/d/distribution.yaml", d, error));
  EXPECT_NE(error.find("missing key 'target'"), std::string::npos) << error;
  EXPECT_FALSE(parseDistribution(withoutLine(kSample, "format: \"oxcc-python-distribution/1\""),
                                 "/d/distribution.yaml", d, error));
  EXPECT_NE(error.find("missing key 'format'"), std::string::npos) << error;
  std::string text = kSample;
  text.replace(text.find("link_flags:"), 11, "link_flags: -static\nx:");
  EXPECT_FALSE(parseDistribution(text, "/d/distribution.yaml", d, error));
  EXPECT_NE(error.find("key 'link_flags' is not a list"), std::string::npos) << error;
  EXPECT_FALSE(parseDistribution("format: [unclosed", "/d/distribution.yaml", d, error));
  EXPECT_NE(error.find("/d/distribution.yaml: not valid YAML"), std::string::npos) << error;
  EXPECT_FALSE(parseDistribution("- a list", "/d/distribution.yaml", d, error));
  EXPECT_NE(error.find("/d/distribution.yaml: not a YAML mapping"), std::string::npos) << error;
}

TEST(Distribution, ResolvesATripleThroughCurrent) {
  TempDir t;
  CacheEnv env(t.path);
  Toolchain tools = makeInstall(t, "x86_64-linux-musl-3.11-abc", kSample);
  std::string error;
  Distribution d;
  EXPECT_FALSE(findDistribution("x86_64-linux-musl", tools, d, error));
  EXPECT_NE(error.find("no Python distribution for target x86_64-linux-musl"), std::string::npos);
  EXPECT_NE(error.find("oxcc python build --target x86_64-linux-musl"), std::string::npos);

  t.write("python/x86_64-linux-musl.current", "x86_64-linux-musl-3.11-abc\n");
  ASSERT_TRUE(findDistribution("x86_64-linux-musl", tools, d, error)) << error;
  std::string dir = t.path + "/python/x86_64-linux-musl-3.11-abc";
  EXPECT_EQ(d.name, dir + "/distribution.yaml");
  EXPECT_EQ(d.staticLib, dir + "/lib/libpython3.11.a");
  EXPECT_EQ(d.cc, t.path + "/libexec/oxcc/target/x86_64-linux-musl/cc");
  EXPECT_EQ(d.cxx, t.path + "/libexec/oxcc/target/x86_64-linux-musl/c++");

  // The same distribution by its directory and by its manifest.
  Distribution byDir, byFile;
  ASSERT_TRUE(findDistribution(dir, tools, byDir, error)) << error;
  ASSERT_TRUE(findDistribution(dir + "/distribution.yaml", tools, byFile, error)) << error;
  EXPECT_EQ(byDir.staticLib, d.staticLib);
  EXPECT_EQ(byFile.includeDir, d.includeDir);
}

TEST(Distribution, NamesTheMissingFileAndTheFix) {
  TempDir t;
  CacheEnv env(t.path);
  Toolchain tools = makeInstall(t, "m", kSample);
  std::string dir = t.path + "/python/m", error;
  ASSERT_EQ(unlink((dir + "/lib/deps/libssl.a").c_str()), 0);
  Distribution d;
  EXPECT_FALSE(findDistribution(dir, tools, d, error));
  EXPECT_NE(error.find("link_libs names " + dir + "/lib/deps/libssl.a, which does not exist"),
            std::string::npos) << error;
  EXPECT_NE(error.find("oxcc python build --target x86_64-linux-musl"), std::string::npos);
  t.write("python/m/lib/deps/libssl.a");
  ASSERT_EQ(unlink((t.path + "/libexec/oxcc/target/x86_64-linux-musl/c++").c_str()), 0);
  EXPECT_FALSE(findDistribution(dir, tools, d, error));
  EXPECT_NE(error.find("this oxcc has no " + t.path + "/libexec/oxcc/target/x86_64-linux-musl/c++"),
            std::string::npos) << error;
}

TEST(Distribution, CurrentNamingAnotherTargetIsRefused) {
  TempDir t;
  CacheEnv env(t.path);
  std::string gnu = kSample;
  gnu.replace(gnu.find("x86_64-linux-musl\""), 18, "x86_64-linux-gnu\"");
  Toolchain tools = makeInstall(t, "g", gnu);
  t.write("python/x86_64-linux-musl.current", "g\n");
  Distribution d;
  std::string error;
  EXPECT_FALSE(findDistribution("x86_64-linux-musl", tools, d, error));
  EXPECT_NE(error.find("is a distribution for x86_64-linux-gnu, not x86_64-linux-musl"),
            std::string::npos) << error;
}

TEST(Distribution, UnknownNamesAndMissingPaths) {
  Toolchain tools;
  Distribution d;
  std::string error;
  EXPECT_FALSE(findDistribution("pyoxidizer", tools, d, error));
  EXPECT_NE(error.find("use debian, a target triple"), std::string::npos) << error;
  EXPECT_FALSE(findDistribution("/nonexistent/dist", tools, d, error));
  EXPECT_NE(error.find("no such distribution"), std::string::npos) << error;
}

TEST(Distribution, DebianIsTheHostPython) {
  Toolchain tools;
  Distribution d;
  std::string error;
  if (!findDistribution("debian", tools, d, error)) GTEST_SKIP() << error;
  EXPECT_FALSE(d.fromSource);
  EXPECT_EQ(d.target, "x86_64-linux-gnu");
  EXPECT_EQ(d.linkLibs.front(), "-lexpat");
  EXPECT_EQ(d.cxx, "g++");
  EXPECT_FALSE(d.dynloadDirs.empty());
}
