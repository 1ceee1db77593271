// The packed-resources format: round trip, determinism, and refusal of
// every truncation and of random corruption (never a crash: run this under
// ASan too, see runtime/README.md).
#include "packed_resources.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <elf.h>
#include <random>

using namespace oxrt;

namespace {

// An 8-byte-aligned copy: the reader insists on the alignment the
// executable's .rodata gives the blob.
struct AlignedBlob {
  std::vector<uint64_t> words;
  size_t size = 0;
  explicit AlignedBlob(std::string_view bytes) : words(bytes.size() / 8 + 1), size(bytes.size()) {
    std::memcpy(words.data(), bytes.data(), bytes.size());
  }
  const void *data() const { return words.data(); }
  unsigned char *bytes() { return reinterpret_cast<unsigned char *>(words.data()); }
};

std::string sampleBlob() {
  ResourceWriter w;
  w.addModule("pkg", kModulePackage, std::string("\xe3" "code-pkg", 9), "# pkg\n");
  w.addModule("pkg.mod", 0, "code-mod", "x = 1\n");
  w.addModule("pkg.ns", kModulePackage | kModuleNamespace, "", "");
  w.addModule("pkg.nosrc", 0, "code-nosrc-longer-than-eight", "");
  w.addModule("a", 0, "A", "");
  w.addFile("pkg/data.txt", "hello\n");
  w.addFile("pkg/sub/deep.bin", std::string("\0\1\2", 3));
  w.addFile("pkg-1.0.dist-info/METADATA", "Name: pkg\nVersion: 1.0\n");
  w.addFile("empty.txt", "");
  w.addSharedLibrary("pkg._ext", "\x7f" "ELF");
  std::string out, error;
  EXPECT_TRUE(w.serialize(out, error)) << error;
  return out;
}

std::optional<Resources> openBlob(const AlignedBlob &b, std::string &error) {
  return Resources::open(b.data(), b.size, error);
}

} // namespace

TEST(PackedResources, RoundTrip) {
  std::string bytes = sampleBlob();
  AlignedBlob blob(bytes);
  std::string error;
  auto r = openBlob(blob, error);
  ASSERT_TRUE(r) << error;
  EXPECT_EQ(r->size(), 10u);

  auto pkg = r->find(ResourceKind::Module, "pkg");
  ASSERT_TRUE(pkg);
  EXPECT_EQ(pkg->flags, kModulePackage);
  EXPECT_EQ(pkg->data, std::string_view("\xe3" "code-pkg", 9));
  EXPECT_EQ(pkg->aux, "# pkg\n");
  auto ns = r->find(ResourceKind::Module, "pkg.ns");
  ASSERT_TRUE(ns);
  EXPECT_EQ(ns->flags, kModulePackage | kModuleNamespace);
  EXPECT_TRUE(ns->data.empty());
  EXPECT_EQ(r->find(ResourceKind::File, "pkg/sub/deep.bin")->data, std::string_view("\0\1\2", 3));
  EXPECT_EQ(r->find(ResourceKind::File, "empty.txt")->data, "");
  auto ext = r->find(ResourceKind::SharedLibrary, "pkg._ext");
  ASSERT_TRUE(ext);
  EXPECT_EQ(ext->data, "\x7f" "ELF");
  EXPECT_EQ(ext->aux.size(), kSharedLibraryAuxSize);
  EXPECT_EQ(storedChecksum(*ext), crc32("\x7f" "ELF"));
  // Kinds are separate namespaces.
  EXPECT_FALSE(r->find(ResourceKind::File, "pkg"));
  EXPECT_FALSE(r->find(ResourceKind::Module, "pkg/data.txt"));
  EXPECT_FALSE(r->find(ResourceKind::Module, "pk"));
  EXPECT_FALSE(r->find(ResourceKind::Module, "pkg.mod.x"));

  // Payloads are 8-byte aligned in memory (so marshal data is read in place).
  for (size_t i = 0; i < r->size(); ++i) {
    Resource e = r->at(i);
    if (!e.data.empty()) {
      EXPECT_EQ(reinterpret_cast<uintptr_t>(e.data.data()) % 8, 0u) << e.key;
    }
    if (!e.aux.empty()) {
      EXPECT_EQ(reinterpret_cast<uintptr_t>(e.aux.data()) % 8, 0u) << e.key;
    }
  }
  // Iteration is in (kind, key) order.
  EXPECT_EQ(r->at(0).key, "a");
  EXPECT_EQ(r->at(r->size() - 1).kind, ResourceKind::SharedLibrary);
}

TEST(PackedResources, Children) {
  AlignedBlob blob(sampleBlob());
  std::string error;
  auto r = openBlob(blob, error);
  ASSERT_TRUE(r) << error;

  auto top = r->children(ResourceKind::Module, "", '.');
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].name, "a");
  EXPECT_TRUE(top[0].exact);
  EXPECT_FALSE(top[0].deeper);
  EXPECT_EQ(top[1].name, "pkg");
  EXPECT_TRUE(top[1].exact && top[1].deeper);
  EXPECT_EQ(top[1].flags, kModulePackage);

  auto sub = r->children(ResourceKind::Module, "pkg.", '.');
  ASSERT_EQ(sub.size(), 3u);
  EXPECT_EQ(sub[0].name, "mod");
  EXPECT_EQ(sub[1].name, "nosrc");
  EXPECT_EQ(sub[2].name, "ns");

  auto files = r->children(ResourceKind::File, "pkg/", '/');
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].name, "data.txt");
  EXPECT_TRUE(files[0].exact);
  EXPECT_EQ(files[1].name, "sub");
  EXPECT_TRUE(files[1].deeper);

  auto rootFiles = r->children(ResourceKind::File, "", '/');
  ASSERT_EQ(rootFiles.size(), 3u); // empty.txt, pkg, pkg-1.0.dist-info
  EXPECT_TRUE(r->hasPrefix(ResourceKind::File, "pkg-1.0.dist-info/"));
  EXPECT_FALSE(r->hasPrefix(ResourceKind::File, "nope/"));
}

// "a.b" < "a.b-x" < "a.b.c" in byte order: the child "b" is met twice.
TEST(PackedResources, ChildrenMergeAcrossInterleavedKeys) {
  ResourceWriter w;
  w.addModule("a.b", 0, "c", "");
  w.addModule("a.b-x", 0, "c", "");
  w.addModule("a.b.c", 0, "c", "");
  std::string out, error;
  ASSERT_TRUE(w.serialize(out, error)) << error;
  AlignedBlob blob(out);
  auto r = openBlob(blob, error);
  ASSERT_TRUE(r) << error;
  auto kids = r->children(ResourceKind::Module, "a.", '.');
  ASSERT_EQ(kids.size(), 2u);
  EXPECT_EQ(kids[0].name, "b");
  EXPECT_TRUE(kids[0].exact && kids[0].deeper);
  EXPECT_EQ(kids[1].name, "b-x");
}

TEST(PackedResources, DeterministicBytes) {
  // Same entries, different insertion order: same bytes.
  ResourceWriter a, b;
  a.addFile("x/y", "1");
  a.addModule("m", 0, "code", "src");
  a.addFile("x/z", "22");
  b.addFile("x/z", "22");
  b.addModule("m", 0, "code", "src");
  b.addFile("x/y", "1");
  std::string oa, ob, error;
  ASSERT_TRUE(a.serialize(oa, error)) << error;
  ASSERT_TRUE(b.serialize(ob, error)) << error;
  EXPECT_EQ(oa, ob);
  EXPECT_EQ(sampleBlob(), sampleBlob());
  EXPECT_EQ(oa.size() % 8, 0u);
}

TEST(PackedResources, LaterAddReplaces) {
  ResourceWriter w;
  EXPECT_TRUE(w.addFile("k", "old"));
  EXPECT_FALSE(w.addFile("k", "new"));
  EXPECT_TRUE(w.addModule("k", 0, "code", "")); // another kind, another key
  std::string out, error;
  ASSERT_TRUE(w.serialize(out, error));
  AlignedBlob blob(out);
  auto r = openBlob(blob, error);
  ASSERT_TRUE(r) << error;
  EXPECT_EQ(r->find(ResourceKind::File, "k")->data, "new");
}

TEST(PackedResources, EmptyBlob) {
  ResourceWriter w;
  std::string out, error;
  ASSERT_TRUE(w.serialize(out, error));
  EXPECT_EQ(out.size(), packed::kHeaderSize);
  AlignedBlob blob(out);
  auto r = openBlob(blob, error);
  ASSERT_TRUE(r) << error;
  EXPECT_EQ(r->size(), 0u);
  EXPECT_FALSE(r->find(ResourceKind::Module, "x"));
  EXPECT_TRUE(r->children(ResourceKind::Module, "", '.').empty());
}

TEST(PackedResources, WriterRefusesBadEntries) {
  auto refuses = [](auto add, const char *why) {
    ResourceWriter w;
    add(w);
    std::string out, error;
    EXPECT_FALSE(w.serialize(out, error)) << why;
    EXPECT_FALSE(error.empty());
    return error;
  };
  refuses([](ResourceWriter &w) { w.addModule("", 0, "c", ""); }, "empty name");
  refuses([](ResourceWriter &w) { w.addModule("a..b", 0, "c", ""); }, "empty component");
  refuses([](ResourceWriter &w) { w.addModule("a/b", 0, "c", ""); }, "slash in module");
  refuses([](ResourceWriter &w) { w.addModule("a", 0, "", ""); }, "module without code");
  refuses([](ResourceWriter &w) { w.addModule("a", kModuleNamespace, "", ""); }, "ns not package");
  refuses([](ResourceWriter &w) { w.addModule("a", 3, "code", ""); }, "ns with code");
  refuses([](ResourceWriter &w) { w.addModule("a", 8, "code", ""); }, "unknown flag");
  refuses([](ResourceWriter &w) { w.addModule("a", kModuleSourceZlib, "code", ""); },
          "compressed source flag without a source");
  refuses([](ResourceWriter &w) {
    w.addModule("a", kModulePackage | kModuleNamespace | kModuleSourceZlib, "", "");
  }, "namespace with a compressed source");
  refuses([](ResourceWriter &w) { w.addFile("/abs", "x"); }, "absolute");
  refuses([](ResourceWriter &w) { w.addFile("a/../b", "x"); }, "dotdot");
  refuses([](ResourceWriter &w) { w.addFile("a//b", "x"); }, "empty component");
  refuses([](ResourceWriter &w) { w.addFile(std::string("a\0b", 3), "x"); }, "NUL");
  refuses([](ResourceWriter &w) { w.addSharedLibrary("pkg/_ext.so", "\x7f" "ELF"); }, "shlib path");
  refuses([](ResourceWriter &w) { w.addSharedLibrary("pkg.._ext", "\x7f" "ELF"); }, "shlib dots");
  refuses([](ResourceWriter &w) { w.addSharedLibrary("_ext", ""); }, "shlib without bytes");
  std::string e = refuses([](ResourceWriter &w) { w.addFile("a\\b", "x"); }, "backslash");
  EXPECT_NE(e.find("a\\b"), std::string::npos) << "error names the entry: " << e;
}

TEST(PackedResources, RefusesEveryTruncation) {
  std::string bytes = sampleBlob();
  for (size_t n = 0; n < bytes.size(); ++n) {
    AlignedBlob blob(bytes.substr(0, n));
    std::string error;
    EXPECT_FALSE(openBlob(blob, error)) << "truncated to " << n;
    EXPECT_FALSE(error.empty());
  }
}

TEST(PackedResources, RefusesBadHeaders) {
  std::string bytes = sampleBlob();
  auto expectRefused = [&](size_t at, unsigned char value, const char *needle) {
    AlignedBlob blob(bytes);
    blob.bytes()[at] = value;
    std::string error;
    EXPECT_FALSE(openBlob(blob, error)) << needle;
    EXPECT_NE(error.find(needle), std::string::npos) << error;
  };
  expectRefused(0, 'X', "magic");
  expectRefused(8, 2, "version");
  expectRefused(12, 0xff, "entries do not fit");
  expectRefused(32, 1, "header says");
  // First entry's reserved field, and its key length.
  expectRefused(packed::kHeaderSize + 12, 1, "reserved");
  expectRefused(packed::kHeaderSize + 7, 0x7f, "outside the string table");
  // Unaligned base address.
  std::vector<uint64_t> words(bytes.size() / 8 + 2);
  auto *p = reinterpret_cast<unsigned char *>(words.data()) + 1;
  std::memcpy(p, bytes.data(), bytes.size());
  std::string error;
  EXPECT_FALSE(Resources::open(p, bytes.size(), error));
  EXPECT_NE(error.find("aligned"), std::string::npos);
}

// The compressed-source flag (4) round-trips, and a reader refuses it on an
// entry without a source (a blob a writer would not make).
TEST(PackedResources, CompressedSourceFlag) {
  ResourceWriter w;
  w.addModule("m", kModuleSourceZlib, "code", "zlib-bytes");
  w.addModule("n", 0, "code", "");
  std::string bytes, error;
  ASSERT_TRUE(w.serialize(bytes, error)) << error;
  {
    AlignedBlob blob(bytes);
    auto res = openBlob(blob, error);
    ASSERT_TRUE(res) << error;
    auto m = res->find(ResourceKind::Module, "m");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->flags, kModuleSourceZlib);
    EXPECT_EQ(m->aux, "zlib-bytes");
  }
  // Set the flag on "n", which has no source: the flags field of the second
  // entry (entries are sorted: "m", "n").
  AlignedBlob blob(bytes);
  blob.bytes()[packed::kHeaderSize + packed::kEntrySize + 10] = uint8_t(kModuleSourceZlib);
  EXPECT_FALSE(openBlob(blob, error));
  EXPECT_NE(error.find("compressed source flag without a source"), std::string::npos) << error;
}

// Random bit flips: the reader either refuses or accepts a blob whose every
// lookup stays inside it (ASan checks the latter).
TEST(PackedResources, SurvivesRandomFlips) {
  std::string bytes = sampleBlob();
  std::mt19937 rng(12345);
  size_t refused = 0;
  for (int round = 0; round < 20000; ++round) {
    AlignedBlob blob(bytes);
    int flips = 1 + int(rng() % 4);
    for (int f = 0; f < flips; ++f) blob.bytes()[rng() % bytes.size()] ^= uint8_t(1u << (rng() % 8));
    std::string error;
    auto r = openBlob(blob, error);
    if (!r) {
      ++refused;
      EXPECT_FALSE(error.empty());
      continue;
    }
    // Accepted: walk everything.
    const auto *lo = static_cast<const char *>(blob.data());
    const char *hi = lo + blob.size;
    for (size_t i = 0; i < r->size(); ++i) {
      Resource e = r->at(i);
      for (std::string_view v : {e.key, e.data, e.aux})
        if (!v.empty()) {
          EXPECT_TRUE(v.data() >= lo && v.data() + v.size() <= hi);
        }
      auto again = r->find(e.kind, e.key);
      ASSERT_TRUE(again);
      EXPECT_EQ(again->key, e.key);
    }
    r->children(ResourceKind::Module, "", '.');
    r->children(ResourceKind::File, "pkg/", '/');
  }
  EXPECT_GT(refused, 0u);
}

// The checksum of kind-3 entries is zlib's CRC-32: the runtime checks it
// with zlib, the writer computes it without.
TEST(SharedLibrary, Crc32IsZlibs) {
  EXPECT_EQ(crc32(""), 0u);
  EXPECT_EQ(crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(crc32("56789", crc32("1234")), 0xCBF43926u);
}

TEST(SharedLibrary, ReaderWantsTheChecksum) {
  ResourceWriter w;
  w.addSharedLibrary("_ext", "\x7f" "ELF....");
  std::string out, error;
  ASSERT_TRUE(w.serialize(out, error)) << error;
  AlignedBlob blob(out);
  ASSERT_TRUE(openBlob(blob, error)) << error;
  // The only entry's aux, dropped: aux_length (entry offset 28) and
  // aux_offset (32) to 0.
  std::memset(blob.bytes() + packed::kHeaderSize + 28, 0, 4);
  std::memset(blob.bytes() + packed::kHeaderSize + 32, 0, 8);
  EXPECT_FALSE(openBlob(blob, error));
  EXPECT_NE(error.find("checksum"), std::string::npos) << error;
}

namespace {

// A minimal, well-formed ELF shared object header: one PT_LOAD, one
// PT_DYNAMIC, inside 4096 bytes.
std::string tinySharedObject() {
  std::string bytes(4096, '\0');
  Elf64_Ehdr eh{};
  std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
  eh.e_ident[EI_CLASS] = ELFCLASS64;
  eh.e_ident[EI_DATA] = ELFDATA2LSB;
  eh.e_ident[EI_VERSION] = EV_CURRENT;
  eh.e_type = ET_DYN;
  eh.e_machine = EM_X86_64;
  eh.e_version = EV_CURRENT;
  eh.e_phoff = sizeof eh;
  eh.e_ehsize = sizeof eh;
  eh.e_phentsize = sizeof(Elf64_Phdr);
  eh.e_phnum = 2;
  Elf64_Phdr load{}, dyn{};
  load.p_type = PT_LOAD;
  load.p_filesz = load.p_memsz = 4096;
  dyn.p_type = PT_DYNAMIC;
  dyn.p_offset = 1024;
  dyn.p_filesz = dyn.p_memsz = 256;
  std::memcpy(bytes.data(), &eh, sizeof eh);
  std::memcpy(bytes.data() + sizeof eh, &load, sizeof load);
  std::memcpy(bytes.data() + sizeof eh + sizeof load, &dyn, sizeof dyn);
  return bytes;
}

} // namespace

TEST(SharedLibrary, ChecksElfHeaders) {
  std::string good = tinySharedObject();
  EXPECT_EQ(checkSharedObject(good), "");
  EXPECT_EQ(checkSharedObject(good, EM_X86_64), "");
  auto why = [&](auto patch) {
    std::string b = good;
    patch(b);
    return checkSharedObject(b, EM_X86_64);
  };
  EXPECT_NE(why([](std::string &b) { b[0] = 'X'; }).find("not an ELF file"), std::string::npos);
  EXPECT_NE(why([](std::string &b) { b.resize(40); }).find("truncated ELF header"), std::string::npos);
  EXPECT_NE(why([](std::string &b) { b[EI_CLASS] = ELFCLASS32; }).find("64-bit"), std::string::npos);
  EXPECT_NE(why([](std::string &b) { b[16] = ET_EXEC; }).find("not an ELF shared object"), std::string::npos);
  EXPECT_NE(why([](std::string &b) { b[18] = char(EM_AARCH64); }).find("another machine"), std::string::npos);
  EXPECT_NE(why([](std::string &b) { b.resize(100); }).find("program headers"), std::string::npos);
  EXPECT_NE(why([](std::string &b) { b.resize(2048); }).find("segment 0 lies outside"), std::string::npos);
  EXPECT_NE(why([](std::string &b) { b[64] = char(PT_NOTE); }).find("no loadable segment"), std::string::npos);
  EXPECT_NE(why([](std::string &b) { b[64 + 56] = char(PT_NOTE); }).find("no dynamic section"), std::string::npos);
}

#ifdef OXRT_DYNLOAD
// Every stdlib extension module Debian ships passes, for this machine.
TEST(SharedLibrary, AcceptsRealExtensionModules) {
  std::string path = std::string(OXRT_DYNLOAD) + "/_json.cpython-311-x86_64-linux-gnu.so";
  FILE *f = std::fopen(path.c_str(), "rb");
  if (!f) GTEST_SKIP() << "no " << path;
  std::string bytes;
  char buf[65536];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) bytes.append(buf, n);
  std::fclose(f);
  EXPECT_EQ(checkSharedObject(bytes, hostElfMachine()), "");
}
#endif

namespace {
std::string slurp(const std::string &path) {
  std::string bytes;
  FILE *f = std::fopen(path.c_str(), "rb");
  if (!f) return bytes;
  char buf[65536];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) bytes.append(buf, n);
  std::fclose(f);
  return bytes;
}
} // namespace

// A real library: libz.so.1 is zlib1g, installed with every Debian.
TEST(SharedLibrary, ReadsSonameAndNeeded) {
  std::string bytes = slurp("/lib/x86_64-linux-gnu/libz.so.1");
  if (bytes.empty()) GTEST_SKIP() << "no /lib/x86_64-linux-gnu/libz.so.1";
  std::string error;
  auto names = readDynamicNames(bytes, error);
  ASSERT_TRUE(names) << error;
  EXPECT_EQ(names->soname, "libz.so.1");
  EXPECT_EQ(names->needed, std::vector<std::string>{"libc.so.6"});
  // Every truncation is an error or a shorter answer, never a crash.
  for (size_t size = 0; size < bytes.size(); size += 509) {
    std::string cut = bytes.substr(0, size);
    std::string why;
    auto partial = readDynamicNames(cut, why);
    EXPECT_TRUE(partial || !why.empty()) << size;
  }
}

TEST(SharedLibrary, DependencyEntriesRoundTrip) {
  ResourceWriter w;
  EXPECT_TRUE(w.addSharedDependency("libfoo.so.1", "\x7f" "ELF-bytes"));
  EXPECT_TRUE(w.addSharedLibrary("pkg._ext", "\x7f" "ELF-other"));
  std::string blob, error;
  ASSERT_TRUE(w.serialize(blob, error)) << error;
  auto r = Resources::open(blob.data(), blob.size(), error);
  ASSERT_TRUE(r) << error;
  auto dep = r->find(ResourceKind::SharedDependency, "libfoo.so.1");
  ASSERT_TRUE(dep);
  EXPECT_EQ(dep->data, "\x7f" "ELF-bytes");
  EXPECT_EQ(storedChecksum(*dep), crc32("\x7f" "ELF-bytes"));
  EXPECT_FALSE(r->find(ResourceKind::SharedLibrary, "libfoo.so.1"));
  // A soname is one file name.
  EXPECT_NE(checkResourceKey(ResourceKind::SharedDependency, "lib/foo.so"), "");
  EXPECT_NE(checkResourceKey(ResourceKind::SharedDependency, ".."), "");
  EXPECT_EQ(checkResourceKey(ResourceKind::SharedDependency, "libstdc++.so.6"), "");
}
