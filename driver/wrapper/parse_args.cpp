#include "parse_args.h"

#include "clang/Driver/Options.h"
#include "llvm/Option/ArgList.h"
#include "llvm/Option/OptTable.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/StringSaver.h"

#include <algorithm>
#include <string_view>

namespace oxcc {

namespace opt = clang::driver::options;

static bool endsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

static InputType inputTypeFor(const std::string &path, const std::string &lang) {
  if (!lang.empty()) return InputType::Source;
  if (endsWith(path, ".o") || endsWith(path, ".os") || endsWith(path, ".lo") ||
      endsWith(path, ".obj"))
    return InputType::Object;
  if (endsWith(path, ".a")) return InputType::Archive;
  if (endsWith(path, ".so") || path.find(".so.") != std::string::npos)
    return InputType::SharedLib;
  return InputType::Other;
}

// The compiler's name for an object made from `source` when -o is absent:
// the source's base name with its suffix replaced, in the current directory.
static std::string defaultOutputFor(const std::string &source, const char *suffix) {
  std::string base = source.substr(source.rfind('/') + 1);
  auto dot = base.rfind('.');
  if (dot != std::string::npos) base.resize(dot);
  return base + suffix;
}

// Queries: calls that print something about the compiler and read no input.
static bool isQueryToken(std::string_view t) {
  return t == "--version" || t == "-v" || t == "--help" || t.starts_with("--help=") ||
         t.starts_with("-dump") || t.starts_with("-print-") || t.starts_with("--print-") ||
         t == "-###";
}

Invocation parseInvocation(const std::vector<std::string> &args, bool cxxDriver) {
  Invocation inv;
  inv.cxxDriver = cxxDriver;
  inv.compilerArgs = args;

  // Expand @response files for reading only; the compiler gets the original.
  llvm::BumpPtrAllocator alloc;
  llvm::StringSaver saver(alloc);
  llvm::SmallVector<const char *, 64> argv;
  for (const auto &a : args) argv.push_back(a.c_str());
  bool hasResponseFile = false;
  for (const auto &a : args) hasResponseFile |= a.size() > 1 && a[0] == '@';
  // -### is a dry run even when the rest cannot be read (an unreadable
  // response file, an option missing its value): oxcc then prints its plan
  // (kind unknown, and why) instead of silently running the compiler's -###
  // alone. Found by fuzz/parse_args.cpp (fuzz/regressions/parse-args/).
  for (const auto &a : args) inv.dryRun |= a == "-###";
  if (hasResponseFile &&
      !llvm::cl::ExpandResponseFiles(saver, llvm::cl::TokenizeGNUCommandLine, argv)) {
    inv.whyUnknown = "a response file could not be read";
    inv.unknownOutcome = Outcome::ResponseFileUnreadable;
    return inv;
  }

  const llvm::opt::OptTable &table = clang::driver::getDriverOptTable();
  unsigned missingIndex = 0, missingCount = 0;
  // As clang's driver does in gcc mode: cl.exe's "/x" spellings would read
  // an absolute path such as /work/a.c as an option, and cc1-only or
  // flang-only options are not driver options at all.
  unsigned excluded = clang::driver::options::CLOption | clang::driver::options::NoDriverOption |
                      clang::driver::options::FlangOnlyOption;
  llvm::opt::InputArgList list = table.ParseArgs(llvm::makeArrayRef(argv.data(), argv.size()),
                                                 missingIndex, missingCount, 0, excluded);
  if (missingCount) {
    inv.whyUnknown = std::string("option ") + argv[missingIndex] + " is missing its value";
    inv.unknownOutcome = Outcome::OptionMissingValue;
    return inv;
  }

  bool compileOnly = false, asmOnly = false, preprocess = false, shared = false,
       partial = false, syntaxOnly = false, query = false, dependOnly = false;
  std::string forcedLang; // -x LANG applies to the inputs after it
  std::vector<llvm::opt::Arg *> parsed(list.begin(), list.end());

  for (size_t i = 0; i < parsed.size(); ++i) {
    llvm::opt::Arg *arg = parsed[i];
    // The verbatim tokens this argument took (one, or two for "-o x"); kept
    // as written so a flag clang splits oddly (-weird as -w eird) is still
    // recorded and replayed exactly.
    unsigned first = arg->getIndex();
    unsigned end = i + 1 < parsed.size() ? parsed[i + 1]->getIndex() : argv.size();
    std::vector<std::string> tokens(argv.begin() + first, argv.begin() + end);
    const llvm::opt::Option &o = arg->getOption();

    switch (o.getID()) {
    case opt::OPT_INPUT: {
      std::string path = arg->getValue();
      std::string lang = forcedLang.empty() ? languageForPath(path, cxxDriver) : forcedLang;
      inv.inputs.push_back({path, lang, path == "-" && lang.empty() ? InputType::Other
                                                                    : inputTypeFor(path, lang)});
      continue;
    }
    case opt::OPT_x:
      forcedLang = arg->getValue();
      if (forcedLang == "none") forcedLang.clear();
      break; // also kept in flags: the object record needs it to replay
    case opt::OPT_c: compileOnly = true; continue;
    case opt::OPT_S: asmOnly = true; break;
    case opt::OPT_E: preprocess = true; break;
    case opt::OPT_M: case opt::OPT_MM: dependOnly = true; break;
    case opt::OPT_fsyntax_only: syntaxOnly = true; break;
    case opt::OPT_shared: shared = true; break;
    case opt::OPT_r: partial = true; break;
    case opt::OPT_o: inv.output = arg->getValue(); continue;
    case opt::OPT_l: inv.libraries.push_back(arg->getValue()); continue;
    case opt::OPT_L: inv.libraryDirs.push_back(arg->getValue()); continue;
    case opt::OPT_Wl_COMMA: case opt::OPT_Xlinker: case opt::OPT_z:
      inv.linkerArgs.insert(inv.linkerArgs.end(), tokens.begin(), tokens.end());
      continue;
    case opt::OPT_target: case opt::OPT_target_legacy_spelling:
      inv.target = arg->getValue();
      break;
    case opt::OPT__HASH_HASH_HASH: inv.dryRun = true; continue;
    default:
      break;
    }
    for (const auto &t : tokens) query |= isQueryToken(t);
    inv.flags.insert(inv.flags.end(), tokens.begin(), tokens.end());
  }
  // -### is oxcc's to answer: the plan is printed, then the real compiler
  // is asked for its own -### (so it still runs nothing).

  size_t sources = 0;
  for (const auto &in : inv.inputs) sources += in.type == InputType::Source;

  // Decide the kind. Order matters: it is the order in which gcc picks the
  // last stage to run (-E before -S before -c before link).
  if (inv.inputs.empty()) {
    if (query) {
      inv.kind = Kind::Query;
    } else {
      inv.whyUnknown = "no input files";
      inv.unknownOutcome = Outcome::NoInputFiles;
    }
  } else if (preprocess || dependOnly) {
    inv.kind = Kind::Preprocess;
  } else if (syntaxOnly) {
    inv.kind = Kind::Query;
  } else if (asmOnly) {
    inv.kind = Kind::AssembleOnly;
  } else if (compileOnly) {
    if (sources > 1 && !inv.output.empty()) {
      inv.whyUnknown = "-o with -c and several sources (the compiler rejects it)";
      inv.unknownOutcome = Outcome::SeveralSourcesWithOutput;
    } else if (sources == 0) {
      inv.whyUnknown = "-c without a source file";
      inv.unknownOutcome = Outcome::CompileWithoutSource;
    } else {
      inv.kind = Kind::Compile;
    }
  } else if (partial) {
    inv.whyUnknown = "partial link (-r)";
    inv.unknownOutcome = Outcome::PartialLink;
  } else if (shared) {
    inv.kind = Kind::LinkShared;
  } else if (sources > 0) {
    // A one-step compile-and-link: the objects are temporary, so there is
    // nothing worth recording (configure probes do this constantly).
    inv.kind = Kind::LinkExe;
  } else {
    inv.kind = Kind::LinkExe;
  }

  if (inv.kind == Kind::Compile) {
    // One object per source: -o names it, else gcc writes BASE.o in the
    // current directory for each source.
    for (const auto &in : inv.inputs)
      if (in.type == InputType::Source)
        inv.objects.push_back({in.path, inv.output.empty() ? defaultOutputFor(in.path, ".o")
                                                           : inv.output});
  }
  if ((inv.kind == Kind::LinkShared || inv.kind == Kind::LinkExe) && inv.output.empty())
    inv.output = "a.out";
  return inv;
}

} // namespace oxcc
