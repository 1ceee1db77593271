#include "build/wheels.h"

#include <gtest/gtest.h>

using namespace oxcc;

// A wheel's name and version reach pip's command line (a rebuild from the
// sdist): a file name that does not follow PEP 427 is refused before
// anything reads the file.
TEST(BuildWheels, RefusesNamesPipCouldTakeForOptions) {
  BuiltWheel w;
  std::string error;
  EXPECT_FALSE(inspectWheel("/links/--index-url=http:__x-1.0-py3-none-any.whl", {}, w, error));
  EXPECT_NE(error.find("is not named as a wheel"), std::string::npos) << error;
  error.clear();
  EXPECT_FALSE(inspectWheel("/links/pkg-1.0;rm-py3-none-any.whl", {}, w, error));
  EXPECT_NE(error.find("is not named as a wheel"), std::string::npos) << error;
  error.clear();
  // A proper name gets as far as reading the (missing) file.
  EXPECT_FALSE(inspectWheel("/nonexistent/Markup_Safe-2.1.2-cp311-cp311-linux_x86_64.whl", {}, w, error));
  EXPECT_EQ(error.find("is not named as a wheel"), std::string::npos) << error;
}

TEST(BuildWheels, NormalizesNamesAsPep503) {
  EXPECT_EQ(normalizeName("MarkupSafe"), "markupsafe");
  EXPECT_EQ(normalizeName("zope.interface"), "zope-interface");
  EXPECT_EQ(normalizeName("a__b--c"), "a-b-c");
}
