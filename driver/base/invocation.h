// One compiler call as oxcc understands it: plain data filled once by
// parseInvocation() (and the plugins' claim/classify hooks), then read by
// every later stage. Nothing after parsing looks at argv again.
#pragma once

#include "base/outcome.h"

#include <string>
#include <vector>

namespace oxcc {

// What the call does. Only Compile and LinkShared are recorded; every other
// kind runs the real compiler as if oxcc were not there.
enum class Kind {
  Compile,      // -c: sources to objects
  AssembleOnly, // -S: sources to assembly text
  Preprocess,   // -E, -M, -MM (also -E -dM - probes)
  LinkShared,   // -shared: maybe a Python extension module
  LinkExe,      // a program (configure probes link these)
  Query,        // --version, -dumpversion, -print-*, -v, -###-only...
  Unknown,      // something oxcc will not guess about: passed through
};
// Its word in `-###` and in the plugin ABI's "kind" key (plugin.h): the
// ABI fixes these words, so never reword one.
const char *kindName(Kind k);

enum class InputType { Source, Object, Archive, SharedLib, Other };

struct Input {
  std::string path;     // as written on the command line
  std::string language; // c, c++, assembler, ... (from -x or the suffix)
  InputType type = InputType::Other;
};

struct Invocation {
  Kind kind = Kind::Unknown;
  bool cxxDriver = false;  // invoked as oxc++ (the C++ driver)
  bool dryRun = false;     // -###: print what would run, run nothing real
  std::string whyUnknown;  // for Kind::Unknown: the reason, shown by -###
  Outcome unknownOutcome = Outcome::kCount; // for Kind::Unknown: the same, counted (store/stats.h)

  // The real compiler's argv, oxcc's own tags removed, otherwise untouched
  // (response files are NOT expanded here: the compiler reads them itself).
  std::vector<std::string> compilerArgs;

  std::vector<Input> inputs;
  std::string output;              // -o, or a.out for links
  // For Compile: each source and the object the compiler writes for it.
  struct ObjectOut { std::string source, object; };
  std::vector<ObjectOut> objects;
  std::vector<std::string> flags;  // every other token, in order, verbatim
  std::vector<std::string> libraries;     // -lNAME, as NAME
  std::vector<std::string> libraryDirs;   // -L
  std::vector<std::string> linkerArgs;    // -Wl,..., -Xlinker ..., verbatim
  std::string target;              // --target / -target, if given

  // Filled by plugins from their own tags.
  std::string module;        // --oxcc-module=pkg.sub._ext (exact name)
  std::string compilerOverride;  // --oxcc-cc=PROG (run this compiler)
  std::vector<std::string> exports;     // --oxcc-export=SYM (kept global in a static link)
  std::vector<std::string> linkModules; // --oxcc-link-module=pkg._ext (whose exports it calls)
};

// A process to run: `path` is executed with `argv` (argv[0] included; a
// launcher such as ccache puts itself in `path` and argv[0]).
struct Command {
  std::string path;
  std::vector<std::string> argv;
};

} // namespace oxcc
