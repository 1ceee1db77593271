#include "outcome.h"

#include <cstddef>

namespace oxcc {

namespace {
struct Row {
  const char *name, *meaning;
};
constexpr Row kRows[] = {
    {"object_recorded", "compiles whose objects were stored"},
    {"extension_recorded", "shared links of Python extensions, recorded"},
    {"no_compile_or_link", "calls with no -c or -shared (probes, queries, program links), passed through unread"},
    {"preprocess", "preprocessing (-E, -M, -MM), passed through"},
    {"assemble_only", "-S, passed through"},
    {"query", "queries (--version, -print-*, -fsyntax-only), passed through"},
    {"program_link", "links of executables, passed through"},
    {"shared_library", "shared links that are not Python extensions, not recorded"},
    {"compiler_failed", "calls the compiler failed: nothing to record"},
    {"response_file_unreadable", "an @file oxcc could not read: passed through untouched"},
    {"option_missing_value", "an option missing its value: passed through untouched"},
    {"no_input_files", "no input files: passed through untouched"},
    {"several_sources_with_output", "-o with -c and several sources (the compiler rejects it)"},
    {"compile_without_source", "-c without a source file: passed through untouched"},
    {"partial_link", "partial links (-r): passed through untouched"},
    {"by_plugin", "passed through by a plugin's classify hook"},
    {"not_elf_object", "objects that are not ELF64 (LTO bitcode?): not recorded, warned"},
    {"record_failed", "oxcc could not record (see its warning): not recorded"},
};
static_assert(sizeof kRows / sizeof kRows[0] == size_t(Outcome::kCount));

} // namespace

const char *outcomeName(Outcome o) { return kRows[size_t(o)].name; }
const char *outcomeMeaning(Outcome o) { return kRows[size_t(o)].meaning; }

} // namespace oxcc
