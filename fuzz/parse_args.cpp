// Fuzz target (a): a compiler command line -> Invocation, the pure part of
// wrapper mode (runWrapper without the exec): the plugins claim their tags,
// clang's option table reads argv, the plugins classify.
//
// Input: byte 0 selects the driver (bit 0: oxc++), the rest is argv without
// argv[0], NUL-separated (utils/fuzz turns the seed command lines into this).
//
// Besides "never crashes", the promises wrapper mode rests on:
//   - the compiler gets exactly the caller's argv minus oxcc's own tags;
//   - a call oxcc will not classify says why (that text is printed by -###);
//   - a recorded compile names one object per source it compiles;
//   - -### always means a dry run (oxcc prints its plan, runs nothing).
#include "base/invocation.h"
#include "wrapper/parse_args.h"
#include "registry.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

using namespace oxcc;

static void check(bool ok) {
  if (!ok) __builtin_trap();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  bool cxxDriver = data[0] & 1;
  std::vector<std::string> args;
  std::string cur;
  for (size_t i = 1; i < size; ++i) {
    if (data[i] == 0) {
      args.push_back(cur);
      cur.clear();
    } else {
      cur += char(data[i]);
    }
  }
  if (size > 1) args.push_back(cur);
  const std::vector<std::string> original = args;

  Invocation tags;
  std::string error;
  if (!runClaimArgs(args, tags, cxxDriver, error)) {
    check(!error.empty()); // a refused tag is explained
    return 0;
  }
  // Claiming only removes tokens (oxcc's own), never edits or reorders one.
  size_t j = 0;
  for (const auto &a : original)
    if (j < args.size() && a == args[j]) ++j;
  check(j == args.size());
  for (const auto &a : original)
    if (!a.starts_with("--oxcc-")) check(std::find(args.begin(), args.end(), a) != args.end());

  Invocation inv = parseInvocation(args, cxxDriver);
  inv.module = tags.module;
  inv.compilerOverride = tags.compilerOverride;
  error.clear();
  if (!runClassify(inv, error)) {
    check(!error.empty());
    return 0;
  }

  check(inv.compilerArgs == args);
  if (std::find(args.begin(), args.end(), "-###") != args.end()) check(inv.dryRun);
  check(kindName(inv.kind) != nullptr);
  check((inv.kind == Kind::Unknown) == !inv.whyUnknown.empty());
  if (inv.kind == Kind::Compile) {
    size_t sources = 0;
    for (const auto &in : inv.inputs) sources += in.type == InputType::Source;
    check(sources > 0 && inv.objects.size() == sources);
    for (const auto &o : inv.objects) check(!o.object.empty());
  }
  if (inv.kind == Kind::LinkShared || inv.kind == Kind::LinkExe) check(!inv.output.empty());
  return 0;
}
