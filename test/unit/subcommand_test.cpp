#include "base/subcommand.h"

#include <gtest/gtest.h>

using namespace oxcc;

TEST(OptionValue, BothSpellingsAndAMissingValue) {
  Args args = {"--pure", "a", "--pure=b", "--pure", "--purest=c", "--pure"};
  std::string out, error;
  size_t i = 0;
  ASSERT_TRUE(optionValue(args, i, "--pure", out, error));
  EXPECT_EQ(out, "a");
  EXPECT_EQ(i, 1u); // moved past the separate value
  i = 2;
  ASSERT_TRUE(optionValue(args, i, "--pure", out, error));
  EXPECT_EQ(out, "b");
  EXPECT_EQ(i, 2u);
  i = 4; // --purest=c is another option, not --pure
  EXPECT_FALSE(optionValue(args, i, "--pure", out, error));
  EXPECT_TRUE(error.empty());
  i = 5; // the last word: no value follows
  EXPECT_FALSE(optionValue(args, i, "--pure", out, error));
  EXPECT_EQ(error, "--pure needs a value");
}
