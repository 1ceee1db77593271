// libFuzzer target for the packed-resources reader: fuzz-resources, built
// by fuzz/ (clang-14 with ASan and UBSan) and run by utils/fuzz and the
// fuzz.short test; seeds in fuzz/seeds/resources/. By hand:
//   clang++-14 -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined \
//     -I runtime/format runtime/format/*.cpp runtime/test/fuzz_resources.cpp -o fuzz_resources
//   ./fuzz_resources -max_total_time=60
// Whatever the input, open() either refuses it or every lookup stays inside
// it; checkSharedObject() reads nothing outside the bytes it is given (the
// input itself, and every shared-library entry).
#include "packed_resources.h"

#include <cstring>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // The reader requires 8-byte alignment, as .rodata gives it.
  std::vector<uint64_t> words(size / 8 + 1);
  if (size) std::memcpy(words.data(), data, size);
  std::string error;
  oxrt::checkSharedObject({reinterpret_cast<const char *>(data), size}, oxrt::hostElfMachine());
  auto r = oxrt::Resources::open(words.data(), size, error);
  if (!r) return 0;
  size_t sum = 0;
  for (size_t i = 0; i < r->size(); ++i) {
    oxrt::Resource e = r->at(i);
    for (std::string_view v : {e.key, e.data, e.aux})
      for (char c : v) sum += uint8_t(c); // touches every byte (ASan checks)
    if (!r->find(e.kind, e.key)) __builtin_trap();
    if (e.kind == oxrt::ResourceKind::SharedLibrary) {
      oxrt::checkSharedObject(e.data);
      sum += oxrt::storedChecksum(e) == oxrt::crc32(e.data);
    }
    r->children(e.kind, e.key.substr(0, e.key.size() / 2), '.');
  }
  r->children(oxrt::ResourceKind::File, "", '/');
  return int(sum & 0);
}
