// oxcc build's command line: the link's own options are passed on as given,
// anything else that looks like an option is refused.
#include "build/options.h"

#include <gtest/gtest.h>

using namespace oxcc;

TEST(BuildOptions, PassesTheLinkOptionsOn) {
  BuildOptions o;
  std::string error;
  std::vector<std::string> args = {"proj",          "-o",
                                   "app",           "--allocator=mimalloc",
                                   "--debug-info=keep", "--py-source=none",
                                   "--package-data=extract:bypath", "--stdlib=auto",
                                   "--allow-shared-deps", "-j",
                                   "2"};
  ASSERT_TRUE(parseBuildOptions(args, o, error)) << error;
  EXPECT_EQ(o.linkArgs,
            (std::vector<std::string>{"--allocator=mimalloc", "--debug-info=keep", "--py-source=none",
                                      "--package-data=extract:bypath", "--stdlib=auto",
                                      "--allow-shared-deps", "-j", "2"}));
}

TEST(BuildOptions, RefusesAnUnknownOption) {
  BuildOptions o;
  std::string error;
  EXPECT_FALSE(parseBuildOptions({"-o", "app", "--allocate=fast"}, o, error));
  EXPECT_EQ(error, "unknown option '--allocate=fast' (see oxcc build --help)");
}
