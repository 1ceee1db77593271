// Manifests round-trip, and bad manifests are refused with a reason.
#include "store/records.h"

#include <gtest/gtest.h>

using namespace oxcc;

static const std::string kId(64, 'a');

TEST(Records, ExtensionRoundTrip) {
  ExtensionRecord r;
  r.module = "pkg.sub._ext";
  r.nameFrom = NameFrom::Shim;
  r.init = "PyInit__ext";
  r.language = LinkLanguage::Cxx;
  r.target = "x86_64-linux-gnu";
  r.output = "/b/pkg/sub/_ext.so";
  r.outputSha256 = std::string(64, 'b');
  r.objects = {kId, std::string(64, 'c')};
  r.archives = {std::string(64, 'd')};
  r.libraries = {"ffi", "m"};
  r.libraryDirs = {"/opt/lib with space"};
  r.linkerArgs = {"-Wl,-O1", "-Xlinker", "--as-needed"};
  r.flags = {"-g", "-DNAME=\"quoted: value\""};
  r.recordedNs = 1234567890123456789;
  std::string error;
  auto back = extensionFromYaml(toYaml(r), error);
  ASSERT_TRUE(back) << error;
  EXPECT_EQ(back->module, r.module);
  EXPECT_EQ(back->nameFrom, NameFrom::Shim);
  EXPECT_EQ(back->language, LinkLanguage::Cxx);
  EXPECT_EQ(back->objects, r.objects);
  EXPECT_EQ(back->archives, r.archives);
  EXPECT_EQ(back->libraries, r.libraries);
  EXPECT_EQ(back->libraryDirs, r.libraryDirs);
  EXPECT_EQ(back->linkerArgs, r.linkerArgs);
  EXPECT_EQ(back->flags, r.flags);
  EXPECT_EQ(back->recordedNs, r.recordedNs);
  EXPECT_EQ(toYaml(*back), toYaml(r)); // deterministic
}

TEST(Records, ObjectRoundTrip) {
  ObjectRecord r;
  r.id = kId;
  r.storedSha256 = std::string(64, 'e');
  r.source = "/src/a: weird #name.c";
  r.language = "c";
  r.flags = {"-O2", "-", "--", "- item", "yes", "null", "~"};
  r.generator = "cython 0.29.32";
  std::string error;
  auto back = objectFromYaml(toYaml(r), error);
  ASSERT_TRUE(back) << error;
  EXPECT_EQ(back->source, r.source);
  EXPECT_EQ(back->flags, r.flags);
  EXPECT_EQ(back->generator, r.generator);
}

TEST(Records, BadManifestsAreRefused) {
  std::string error;
  EXPECT_FALSE(extensionFromYaml("module: [unclosed\n", error));
  EXPECT_NE(error.find("not valid YAML"), std::string::npos);
  error.clear();
  EXPECT_FALSE(extensionFromYaml("- a list\n", error));
  EXPECT_EQ(error, "not a YAML mapping");
  error.clear();
  EXPECT_FALSE(extensionFromYaml("schema: oxcc-extension/2\nmodule: x\n", error));
  EXPECT_NE(error.find("schema"), std::string::npos);
  error.clear();
  EXPECT_FALSE(extensionFromYaml("schema: oxcc-extension/1\n", error));
  EXPECT_EQ(error, "missing key 'module'");
  error.clear();
  // Present but empty would be written back as absent (fuzz finding).
  EXPECT_FALSE(extensionFromYaml("schema: oxcc-extension/1\nmodule: \"\"\n", error));
  EXPECT_EQ(error, "key 'module' is empty");
  error.clear();
  EXPECT_FALSE(extensionFromYaml("schema: oxcc-extension/1\nmodule: x\nobjects: [../../etc]\n", error));
  EXPECT_NE(error.find("not a sha256"), std::string::npos);
  error.clear();
  EXPECT_FALSE(extensionFromYaml("schema: oxcc-extension/1\nmodule: {a: b}\n", error));
  error.clear();
  EXPECT_FALSE(objectFromYaml("schema: oxcc-object/1\nid: 123\n", error));
  error.clear();
  EXPECT_FALSE(objectFromYaml("schema: oxcc-object/1\nid: " + kId + "\nrecorded_ns: soon\n", error));
  EXPECT_NE(error.find("not an integer"), std::string::npos);
}

// A closed set read from a manifest: a word outside it is refused, not
// read as the default.
TEST(Records, RefusesUnknownOriginAndLanguage) {
  ObjectRecord o;
  o.id = kId;
  std::string yaml = toYaml(o), error;
  const std::string compiled = "origin: \"compiled\"";
  ASSERT_NE(yaml.find(compiled), std::string::npos) << yaml;
  yaml.replace(yaml.find(compiled), compiled.size(), "origin: stolen");
  EXPECT_FALSE(objectFromYaml(yaml, error));
  EXPECT_NE(error.find("origin"), std::string::npos) << error;

  ExtensionRecord e;
  e.module = "pkg._ext";
  yaml = toYaml(e), error.clear();
  const std::string c = "language: \"c\"";
  ASSERT_NE(yaml.find(c), std::string::npos) << yaml;
  yaml.replace(yaml.find(c), c.size(), "language: fortran");
  EXPECT_FALSE(extensionFromYaml(yaml, error));
  EXPECT_NE(error.find("language"), std::string::npos) << error;
}
