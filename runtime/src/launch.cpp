#include "launch.h"

#include <cstring>
#include <string_view>

namespace oxrt {

namespace {

// The flags subprocess._args_from_interpreter_flags() emits (3.11):
// -d -B -S -v… -b… -q -O… -I -E -s -P as single letters, -W<opt> joined,
// -X <opt> as two words.
bool isFlagWord(std::string_view arg) {
  if (arg.size() < 2 || arg[0] != '-' || arg[1] == '-') return false;
  if (arg[1] == 'W') return arg.size() > 2;
  return arg.substr(1).find_first_not_of("dBSvbqOIEsP") == std::string_view::npos;
}

} // namespace

bool isMultiprocessingChild(int argc, char **argv) {
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], "--multiprocessing-fork") == 0) return true;
  int i = 1;
  while (i < argc) {
    std::string_view arg = argv[i];
    if (arg == "-X" && i + 1 < argc) i += 2;
    else if (isFlagWord(arg)) i += 1;
    else break;
  }
  return i + 1 < argc && std::string_view(argv[i]) == "-c" &&
         std::string_view(argv[i + 1]).substr(0, 21) == "from multiprocessing.";
}

Entry effectiveEntry(const Entry &configured, int argc, char **argv) {
  // With sys.frozen set, spawn starts `<exe> --multiprocessing-fork k=v...`
  // and expects the program to call freeze_support(): do it for the program.
  if (argc > 1 && std::strcmp(argv[1], "--multiprocessing-fork") == 0)
    return Entry{Entry::Module, "multiprocessing.spawn", "freeze_support"};
  if (configured.kind != Entry::Python && isMultiprocessingChild(argc, argv)) return Entry{};
  return configured;
}

} // namespace oxrt
