// --explain=size's reader of lld's map: which input sections count toward
// the bytes of a stripped executable, and which file each came from.
#include "link/size_report.h"

#include <gtest/gtest.h>

using namespace oxcc;

namespace {

const char *kMap =
    "             VMA              LMA     Size Align Out     In      Symbol\n"
    "          2002e0           2002e0       1c     1 .interp\n"
    "          2002e0           2002e0       1c     1         <internal>:(.interp)\n"
    "          201000           201000     1000    16 .text\n"
    "          201000           201000      a00    16         /x/libpython3.11.a(ceval.o):(.text)\n"
    "          201000           201000        0     1                 _PyEval_EvalFrameDefault\n"
    "          201a00           201a00      600    16         ext/pkg._ext.o:(.text.hot)\n"
    "          300000           300000      100     8 .bss\n"
    "          300000           300000      100     8         main.o:(.bss)\n"
    "               0                0      200     1 .debug_info\n"
    "               0                0      200     1         main.o:(.debug_info)\n";

TEST(SizeReport, ParsesFileBackedInputSections) {
  std::vector<MapSection> s;
  std::string error;
  ASSERT_TRUE(parseLinkMap(kMap, s, error)) << error;
  ASSERT_EQ(s.size(), 3u); // no symbol line, no .bss, no debug info
  EXPECT_EQ(s[0].input, "<internal>");
  EXPECT_EQ(s[0].size, 0x1cu);
  EXPECT_EQ(s[1].outputSection, ".text");
  EXPECT_EQ(s[1].input, "/x/libpython3.11.a(ceval.o)");
  EXPECT_EQ(s[1].size, 0xa00u);
  EXPECT_EQ(s[2].input, "ext/pkg._ext.o");
}

TEST(SizeReport, RefusesWhatIsNotAnLldMap) {
  std::vector<MapSection> s;
  std::string error;
  EXPECT_FALSE(parseLinkMap("Archive member included to satisfy reference\n", s, error));
  EXPECT_NE(error.find("not an lld map"), std::string::npos) << error;
  error.clear();
  std::string header = std::string(kMap).substr(0, std::string(kMap).find('\n') + 1);
  EXPECT_FALSE(parseLinkMap(header + "zz yy\n", s, error));
  EXPECT_NE(error.find("not an lld map line"), std::string::npos) << error;
}

} // namespace
