// Tests for driver/elf.{h,cpp} against real toolchains: objects from gcc and
// clang-14, links by GNU ld, gold and lld, checked with readelf, objdump and
// objcopy. Inputs are produced in a mkdtemp directory removed at exit.
#include "temp_dir.h"
#include "base/elf_file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace fs = std::filesystem;
using namespace oxcc::elf;
using oxcc::test::TempDir;

namespace {


const std::string& tmp() {
  static TempDir dir;
  return dir.path;
}

std::string at(const std::string& name) { return tmp() + "/" + name; }

// Runs `cmd` in the temp dir; returns the exit status.
int sh(const std::string& cmd) {
  return std::system(("cd '" + tmp() + "' && " + cmd).c_str());
}

// Runs `cmd` in the temp dir; returns its stdout (and stderr if redirected).
std::string capture(const std::string& cmd, int* status = nullptr) {
  std::string full = "cd '" + tmp() + "' && " + cmd;
  FILE* p = popen(full.c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int st = pclose(p);
  if (status) *status = st;
  return out;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void writeFile(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), bytes.size());
}

// A distinct, valid 64-hex id per n.
std::string hexId(int n) {
  std::string s;
  for (int i = 0; i < 64; ++i) s.push_back("0123456789abcdef"[(n * 7 + i * 13 + n * i) % 16]);
  return s;
}

// Writes `source` to `name`.c and compiles it to `name`.o.
void compile(const std::string& name, const std::string& source,
             const std::string& cc = "gcc -c -fPIC -O2 -g") {
  writeFile(at(name + ".c"), source);
  ASSERT_EQ(sh(cc + " " + name + ".c -o " + name + ".o"), 0) << cc;
}

// Appends the record for `id` to in.o, writing out.o.
void tag(const std::string& in, const std::string& out, const std::string& id) {
  AppendResult r = appendSection(readFile(at(in)), kObjectSection, makeObjectRecord(id));
  ASSERT_TRUE(r.ok()) << r.error;
  writeFile(at(out), r.bytes);
}

// readelf/objdump print problems with a file as warnings on stderr.
void expectNoToolWarnings(const std::string& file) {
  for (std::string tool : {"readelf -a -W --debug-dump=info,line", "objdump -x -d -r"}) {
    int st;
    std::string err = capture(tool + " " + file + " 2>&1 >/dev/null", &st);
    EXPECT_EQ(st, 0) << tool << " " << file;
    EXPECT_EQ(err, "") << tool << " " << file;
  }
}

std::vector<std::string> recordsOf(const std::string& file) {
  std::optional<std::string> s = readSection(readFile(at(file)), kObjectSection);
  return s ? parseObjectRecords(*s) : std::vector<std::string>{};
}

const char* kModuleSource = R"(
#include <stdio.h>
static int counter;
static int helper(int x) { return x * 3 + counter++; }
int shared_data[64] = {1, 2, 3};
const char *const names[] = {"a", "b", "c"};
__attribute__((weak)) int weak_fn(void) { return 1; }
extern int undefined_elsewhere;
void *PyInit_foo(void) { printf("hello %d\n", helper(2)); return shared_data; }
int use_undefined(void) { return undefined_elsewhere; }
)";

TEST(ObjectRecord, MakeAndParse) {
  std::string rec = makeObjectRecord(hexId(1));
  EXPECT_EQ(rec.size(), 72u);
  EXPECT_EQ(rec, "oxcc:1:" + hexId(1) + "\n");
  EXPECT_EQ(parseObjectRecords(rec), std::vector<std::string>{hexId(1)});

  // NUL padding, duplicates, garbage and malformed records around good ones.
  std::string upper = hexId(1);
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  std::string mixed = std::string("\0\0", 2) + makeObjectRecord(hexId(1)) +
                      std::string(5, '\0') + "junk" + makeObjectRecord(hexId(2)) +
                      "oxcc:1:" + upper + "\n" +                      // uppercase
                      "oxcc:1:" + hexId(4).substr(1) + "\n" +         // short
                      "oxcc:2:" + hexId(5) + "\n" +                   // version 2
                      makeObjectRecord(hexId(1)) +                    // duplicate
                      "oxcc:1:" + hexId(6);                           // no newline
  EXPECT_EQ(parseObjectRecords(mixed), (std::vector<std::string>{hexId(1), hexId(2), hexId(1)}));
  EXPECT_TRUE(parseObjectRecords("").empty());
}

// 1. Append to a gcc -O2 -g object; tools accept it; objcopy normalises back.
TEST(AppendSection, GccObject) {
  compile("g1", kModuleSource);
  std::string orig = readFile(at("g1.o"));
  ASSERT_TRUE(isElf64(orig));
  EXPECT_EQ(readSection(orig, kObjectSection), std::nullopt);
  tag("g1.o", "g1.tagged.o", hexId(1));

  std::string tagged = readFile(at("g1.tagged.o"));
  EXPECT_EQ(readSection(tagged, kObjectSection), makeObjectRecord(hexId(1)));
  // Every original section reads back unchanged.
  for (std::string sec : {".text", ".data", ".rodata", ".debug_info", ".rela.debug_info", ".symtab"})
    EXPECT_EQ(readSection(tagged, sec), readSection(orig, sec)) << sec;

  std::string sections = capture("readelf -S -W g1.tagged.o");
  EXPECT_NE(sections.find(".oxcc.obj"), std::string::npos) << sections;
  EXPECT_NE(sections.find("PROGBITS        0000000000000000"), std::string::npos);
  expectNoToolWarnings("g1.o");
  expectNoToolWarnings("g1.tagged.o");

  // objcopy normalises both sides: removing our section gives back exactly
  // what objcopy makes of the original.
  ASSERT_EQ(sh("objcopy --remove-section=.oxcc.obj g1.tagged.o g1.removed.o"), 0);
  ASSERT_EQ(sh("objcopy g1.o g1.norm.o"), 0);
  EXPECT_TRUE(readFile(at("g1.removed.o")) == readFile(at("g1.norm.o")));
  // Reported, not required: the removed copy against the raw compiler output.
  bool rawIdentical = readFile(at("g1.removed.o")) == orig;
  std::cout << "[info] objcopy --remove-section output identical to raw gcc output: "
            << (rawIdentical ? "yes" : "no") << " (sizes " << readFile(at("g1.removed.o")).size()
            << " vs " << orig.size() << ", tagged " << tagged.size() << ")\n";

  // And it still links.
  EXPECT_EQ(sh("gcc -shared -o g1.so g1.tagged.o"), 0);
  EXPECT_EQ(recordsOf("g1.so"), std::vector<std::string>{hexId(1)});
}

// 2. Records from every object survive a shared link, in link order.
class Link : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    compile("la", kModuleSource);
    compile("lb", "int b_value = 7; int b_fn(void) { return b_value; }\n");
    compile("lc", "int c_fn(void) { return 3; }\n");  // untagged, in between
    tag("la.o", "la.t.o", hexId(10));
    tag("lb.o", "lb.t.o", hexId(11));
  }
  void expectLink(const std::string& cmd, const std::string& out) {
    ASSERT_EQ(sh(cmd + " -o " + out + " la.t.o lc.o lb.t.o"), 0) << cmd;
    EXPECT_EQ(recordsOf(out), (std::vector<std::string>{hexId(10), hexId(11)})) << cmd;
    std::string rev = out + ".rev";
    ASSERT_EQ(sh(cmd + " -o " + rev + " lb.t.o lc.o la.t.o"), 0) << cmd;
    EXPECT_EQ(recordsOf(rev), (std::vector<std::string>{hexId(11), hexId(10)})) << cmd;
    expectNoToolWarnings(out);
  }
};

TEST_F(Link, GccShared) { expectLink("gcc -shared", "x.so"); }
TEST_F(Link, GxxShared) { expectLink("g++ -shared", "xx.so"); }
TEST_F(Link, GcSections) { expectLink("gcc -shared -Wl,--gc-sections", "gc.so"); }
TEST_F(Link, Gold) {
  if (!fs::exists("/usr/bin/ld.gold")) GTEST_SKIP() << "no ld.gold";
  expectLink("gcc -shared -fuse-ld=gold -Wl,--gc-sections", "gold.so");
}
TEST_F(Link, Lld) {
  if (!fs::exists("/usr/bin/ld.lld")) GTEST_SKIP() << "no ld.lld";
  expectLink("clang-14 -fuse-ld=lld -shared", "lld.so");
  expectLink("clang-14 -fuse-ld=lld -shared -Wl,--gc-sections", "lldgc.so");
}
TEST_F(Link, PartialLink) { expectLink("ld -r", "partial.o"); }
// -s drops symbols but keeps non-alloc PROGBITS: the records survive.
TEST_F(Link, StripAll) { expectLink("gcc -shared -Wl,-s", "s.so"); }

// 3. clang objects and objects with many sections.
TEST(AppendSection, ClangObject) {
  compile("c1", kModuleSource, "clang-14 -c -fPIC -O2 -g");
  tag("c1.o", "c1.t.o", hexId(20));
  expectNoToolWarnings("c1.t.o");
  EXPECT_EQ(recordsOf("c1.t.o"), std::vector<std::string>{hexId(20)});
  // clang shares one .strtab between symbols and section names: symbols
  // must still read after the name table moved.
  EXPECT_EQ(definedGlobalSymbols(readFile(at("c1.t.o"))), definedGlobalSymbols(readFile(at("c1.o"))));
  ASSERT_EQ(sh("objcopy --remove-section=.oxcc.obj c1.t.o c1.removed.o"), 0);
  ASSERT_EQ(sh("objcopy c1.o c1.norm.o"), 0);
  EXPECT_TRUE(readFile(at("c1.removed.o")) == readFile(at("c1.norm.o")));
  std::cout << "[info] objcopy --remove-section output identical to raw clang output: "
            << (readFile(at("c1.removed.o")) == readFile(at("c1.o")) ? "yes" : "no") << "\n";
  ASSERT_EQ(sh("gcc -shared -o c1.so c1.t.o"), 0);
  EXPECT_EQ(recordsOf("c1.so"), std::vector<std::string>{hexId(20)});
  if (fs::exists("/usr/bin/ld.lld")) {
    ASSERT_EQ(sh("clang-14 -fuse-ld=lld -shared -o c1l.so c1.t.o"), 0);
    EXPECT_EQ(recordsOf("c1l.so"), std::vector<std::string>{hexId(20)});
  }
}

TEST(AppendSection, ManySections) {
  std::string src;
  for (int i = 0; i < 150; ++i)
    src += "int v" + std::to_string(i) + " = " + std::to_string(i) + ";\nint f" +
           std::to_string(i) + "(int x) { return x * v" + std::to_string(i) + "; }\n";
  compile("many", src, "gcc -c -fPIC -O2 -g -ffunction-sections -fdata-sections");
  std::string sections = capture("readelf -h many.o | grep 'Number of section headers'");
  int count = std::stoi(sections.substr(sections.find(':') + 1));
  EXPECT_GT(count, 300);
  tag("many.o", "many.t.o", hexId(30));
  expectNoToolWarnings("many.t.o");
  ASSERT_EQ(sh("gcc -shared -Wl,--gc-sections -o many.so many.t.o"), 0);
  EXPECT_EQ(recordsOf("many.so"), std::vector<std::string>{hexId(30)});
}

// More than 0xff00 sections: the count moves to section 0 (extended numbering).
TEST(AppendSection, ExtendedSectionNumbering) {
  std::string s;
  for (int i = 0; i < 66000; ++i) {
    std::string n = std::to_string(i);
    s += ".section .text.f" + n + ",\"ax\",@progbits\n.globl f" + n + "\nf" + n + ": ret\n";
  }
  s += ".section .note.GNU-stack,\"\",@progbits\n";  // quiets ld
  writeFile(at("huge.s"), s);
  ASSERT_EQ(sh("as huge.s -o huge.o"), 0);
  std::string orig = readFile(at("huge.o"));
  EXPECT_NE(readSection(orig, ".text.f65999"), std::nullopt);
  tag("huge.o", "huge.t.o", hexId(40));
  std::string tagged = readFile(at("huge.t.o"));
  EXPECT_EQ(readSection(tagged, kObjectSection), makeObjectRecord(hexId(40)));
  EXPECT_EQ(definedGlobalSymbols(tagged).size(), 66000u);
  // Section indices past SHN_LORESERVE come from SHT_SYMTAB_SHNDX.
  bool sawLast = false;
  for (const auto& sym : symbolTable(tagged)) {
    if (sym.name != "f65999") continue;
    sawLast = true;
    EXPECT_TRUE(sym.section > 0xff00 && sym.section != 0xffff) << sym.section;
  }
  EXPECT_TRUE(sawLast);
  int st;
  std::string err = capture("readelf -S -s -W huge.t.o 2>&1 >/dev/null", &st);
  EXPECT_EQ(st, 0);
  EXPECT_EQ(err, "");
  ASSERT_EQ(sh("gcc -shared -o huge.so huge.t.o"), 0);
  EXPECT_EQ(recordsOf("huge.so"), std::vector<std::string>{hexId(40)});

  // Crossing the limit: 0xfeff sections before, 0xff00 after the append.
  s.clear();
  // as adds null, .text, .data, .bss, .shstrtab (no symbols: no .symtab).
  for (int i = 0; i < 0xfeff - 5; ++i)
    s += ".section .t" + std::to_string(i) + ",\"ax\",@progbits\n";
  writeFile(at("edge.s"), s);
  ASSERT_EQ(sh("as edge.s -o edge.o"), 0);
  EXPECT_NE(capture("readelf -h edge.o").find("65279"), std::string::npos);
  tag("edge.o", "edge.t.o", hexId(41));
  err = capture("readelf -S -W edge.t.o 2>&1 >/dev/null", &st);
  EXPECT_EQ(st, 0);
  EXPECT_EQ(err, "");
  EXPECT_NE(capture("readelf -h edge.t.o").find("0 (65280)"), std::string::npos);
  EXPECT_EQ(recordsOf("edge.t.o"), std::vector<std::string>{hexId(41)});
}

// 4. Defined global symbols of an object and of a .so (full and stripped).
TEST(Symbols, DefinedGlobals) {
  compile("s1", kModuleSource);
  auto has = [](const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
  };
  for (std::string file : {"s1.o", "s1.so", "s1.stripped.so"}) {
    if (file == "s1.so") {
      ASSERT_EQ(sh("gcc -shared -o s1.so s1.o"), 0);
    } else if (file == "s1.stripped.so") {
      ASSERT_EQ(sh("strip -o s1.stripped.so s1.so"), 0);
    }
    std::vector<std::string> syms = definedGlobalSymbols(readFile(at(file)));
    EXPECT_TRUE(has(syms, "PyInit_foo")) << file;
    EXPECT_TRUE(has(syms, "shared_data")) << file;
    EXPECT_TRUE(has(syms, "weak_fn")) << file;
    EXPECT_FALSE(has(syms, "printf")) << file;
    EXPECT_FALSE(has(syms, "undefined_elsewhere")) << file;
    EXPECT_FALSE(has(syms, "helper")) << file;   // static
    EXPECT_FALSE(has(syms, "counter")) << file;  // static
  }
  EXPECT_TRUE(definedGlobalSymbols("not an elf file").empty());
}

// What `oxcc localize` reads: binding, visibility and section of each
// symbol, and the COMDAT groups keyed by a signature symbol.
TEST(Symbols, TableAndComdatGroups) {
  compile("g1",
          "__attribute__((visibility(\"hidden\"), noinline)) inline int h() { static int n; return ++n; }\n"
          "__attribute__((noinline)) inline int d() { static int n; return ++n; }\n"
          "int use() { return h() + d(); }\n",
          "g++ -x c++ -c -fPIC -O2");
  std::string bytes = readFile(at("g1.o"));
  std::vector<Symbol> syms = symbolTable(bytes);
  auto find = [&](const std::string& name) -> const Symbol* {
    for (const auto& s : syms)
      if (s.name == name) return &s;
    return nullptr;
  };
  const Symbol *h = find("_Z1hv"), *hn = find("_ZZ1hvE1n"), *dn = find("_ZZ1dvE1n"),
               *use = find("_Z3usev");
  ASSERT_TRUE(h && hn && dn && use);
  EXPECT_EQ(h->bind, kBindWeak);
  EXPECT_TRUE(h->hidden() && h->defined());
  EXPECT_EQ(hn->bind, kBindGnuUnique);
  EXPECT_TRUE(hn->hidden());
  EXPECT_EQ(dn->bind, kBindGnuUnique);
  EXPECT_FALSE(dn->hidden());
  EXPECT_EQ(use->bind, kBindGlobal);

  std::vector<ComdatGroup> groups = comdatGroups(bytes);
  bool sawH = false;
  for (const auto& g : groups) {
    ASSERT_LT(g.signature, syms.size());
    if (syms[g.signature].name != "_Z1hv") continue;
    sawH = true;
    EXPECT_NE(std::find(g.sections.begin(), g.sections.end(), h->section), g.sections.end());
  }
  EXPECT_TRUE(sawH);
  EXPECT_EQ(groups.size(), 4u);  // h, d and their static locals
  EXPECT_TRUE(symbolTable("not an elf file").empty());
  EXPECT_TRUE(comdatGroups("not an elf file").empty());
}

// 6. Appending twice leaves one section, with the new contents, and the same
// bytes as a single append.
TEST(AppendSection, Idempotent) {
  compile("i1", kModuleSource);
  std::string orig = readFile(at("i1.o"));
  AppendResult once = appendSection(orig, kObjectSection, makeObjectRecord(hexId(50)));
  ASSERT_TRUE(once.ok());
  AppendResult twice = appendSection(once.bytes, kObjectSection, makeObjectRecord(hexId(51)));
  ASSERT_TRUE(twice.ok());
  AppendResult direct = appendSection(orig, kObjectSection, makeObjectRecord(hexId(51)));
  ASSERT_TRUE(direct.ok());
  EXPECT_TRUE(twice.bytes == direct.bytes);
  AppendResult same = appendSection(once.bytes, kObjectSection, makeObjectRecord(hexId(50)));
  EXPECT_TRUE(same.bytes == once.bytes);
  EXPECT_EQ(readSection(twice.bytes, kObjectSection), makeObjectRecord(hexId(51)));
  writeFile(at("i1.twice.o"), twice.bytes);
  EXPECT_EQ(capture("readelf -S -W i1.twice.o | grep -c '\\.oxcc\\.obj'"), "1\n");
  expectNoToolWarnings("i1.twice.o");

  // An existing section that is not at the tail (another one appended after
  // it) is replaced in place of its header; the file stays readable.
  AppendResult other = appendSection(once.bytes, ".other", "x");
  ASSERT_TRUE(other.ok());
  AppendResult again = appendSection(other.bytes, kObjectSection, makeObjectRecord(hexId(52)));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(readSection(again.bytes, kObjectSection), makeObjectRecord(hexId(52)));
  EXPECT_EQ(readSection(again.bytes, ".other"), "x");
  writeFile(at("i1.again.o"), again.bytes);
  EXPECT_EQ(capture("readelf -S -W i1.again.o | grep -c '\\.oxcc\\.obj'"), "1\n");
  expectNoToolWarnings("i1.again.o");
}

TEST(AppendSection, Rejects) {
  EXPECT_FALSE(appendSection("", kObjectSection, "x").ok());
  EXPECT_FALSE(appendSection("\x7f" "ELF garbage", kObjectSection, "x").ok());
  compile("r1", "int f(void) { return 1; }\n");
  ASSERT_EQ(sh("gcc -shared -o r1.so r1.o"), 0);
  AppendResult r = appendSection(readFile(at("r1.so")), kObjectSection, "x");
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.error.find("ET_REL"), std::string::npos);
  EXPECT_FALSE(appendSection(readFile(at("r1.o")), "", "x").ok());
  EXPECT_TRUE(isElf64(readFile(at("r1.so"))));
  EXPECT_FALSE(isElf64("\x7f" "ELF"));
  ASSERT_EQ(sh("gcc -m32 -c -o r32.o r1.c 2>/dev/null || cp r1.c r32.o"), 0);
  EXPECT_FALSE(isElf64(readFile(at("r32.o"))));
}

// Runs every reader (and the writer) over `bytes`; under ASan/UBSan any
// out-of-bounds read shows up here. A successful append must read back.
void exercise(std::string_view bytes) {
  (void)isElf64(bytes);
  (void)readSection(bytes, kObjectSection);
  (void)readSection(bytes, ".text");
  (void)definedGlobalSymbols(bytes);
  (void)symbolTable(bytes);
  (void)comdatGroups(bytes);
  std::optional<std::string> s = readSection(bytes, kObjectSection);
  if (s) (void)parseObjectRecords(*s);
  AppendResult r = appendSection(bytes, kObjectSection, makeObjectRecord(hexId(60)));
  if (r.ok()) {
    ASSERT_EQ(readSection(r.bytes, kObjectSection), makeObjectRecord(hexId(60)));
    (void)definedGlobalSymbols(r.bytes);
  }
}

// 5. Truncations, bit flips and garbage never crash.
TEST(Robustness, EveryTruncation) {
  compile("t1", "int t(int x) { return x + 1; }\nint v = 3;\n", "gcc -c -O1");
  std::string bytes;
  {
    AppendResult r = appendSection(readFile(at("t1.o")), kObjectSection, makeObjectRecord(hexId(1)));
    ASSERT_TRUE(r.ok());
    bytes = r.bytes;
  }
  for (size_t n = 0; n <= bytes.size(); ++n) {
    // A right-sized heap copy, so ASan sees any read past the end.
    std::unique_ptr<char[]> copy(new char[n ? n : 1]);
    memcpy(copy.get(), bytes.data(), n);
    exercise(std::string_view(copy.get(), n));
  }
}

TEST(Robustness, BitFlips) {
  compile("b1", kModuleSource, "gcc -c -O1");
  std::string base = appendSection(readFile(at("b1.o")), kObjectSection, makeObjectRecord(hexId(2))).bytes;
  ASSERT_FALSE(base.empty());
  std::mt19937 rng(12345);
  // Flips land anywhere, or in the headers and tables that steer parsing
  // (ELF header, and the section header table at the end).
  for (int iter = 0; iter < 20000; ++iter) {
    std::string m = base;
    int flips = 1 + rng() % 8;
    for (int f = 0; f < flips; ++f) {
      size_t pos;
      switch (rng() % 3) {
        case 0: pos = rng() % m.size(); break;
        case 1: pos = rng() % 64; break;
        default: pos = m.size() - 1 - rng() % std::min<size_t>(m.size(), 2048); break;
      }
      m[pos] ^= char(1 << (rng() % 8));
    }
    exercise(m);
  }
}

TEST(Robustness, Garbage) {
  std::mt19937 rng(7);
  for (int iter = 0; iter < 5000; ++iter) {
    std::string m(rng() % 512, '\0');
    for (char& c : m) c = char(rng());
    if (m.size() >= 20 && iter % 2) {  // a plausible header, garbage after
      memcpy(m.data(), "\x7f" "ELF\x02\x01\x01", 7);
      m[16] = char(1 + rng() % 3);
      m[17] = 0;
    }
    exercise(m);
  }
}

}  // namespace
