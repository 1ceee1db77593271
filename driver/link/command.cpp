// oxcc link: one executable from recorded extensions, a static libpython
// and the runtime (or, with --emit=libpython, a static library of them for
// a program's own main()). The whole job, in order.
#include "base/fs.h"
#include "link/ninja_writer.h"
#include "link/options.h"
#include "link/plan.h"
#include "link/size_report.h"
#include "base/process.h"
#include "store/store.h"
#include "command.h"

#include <cstdio>
#include <sys/stat.h>
#include <sys/wait.h>

namespace oxcc {

int toolLink(const Args &args) {
  // Read the command line once.
  LinkOptions opts;
  std::string error;
  if (!parseLinkOptions(args, opts, error)) {
    if (error.empty()) {
      fputs(kLinkUsage, stdout);
      return 0;
    }
    fputs(kLinkUsage, stderr);
    return fail(2, "oxcc link: " + error);
  }

  // The store holds what the builds recorded.
  Store store(Store::defaultRoot());
  if (!store.open(false, error)) return fail(1, "oxcc link: " + error);

  // Decide what goes in: extensions, distribution, runtime, resources.
  LinkPlan plan;
  if (!planLink(opts, store, plan, error)) return fail(1, "oxcc link: " + error);

  // --explain: what each extension's -l became; nothing is linked.
  if (opts.explain) {
    int problems = 0;
    fputs(explainLibraryDeps(plan, problems).c_str(), stdout);
    if (problems) return fail(1, "oxcc link: " + std::to_string(problems) +
                                     " librar" + (problems == 1 ? "y" : "ies") +
                                     " cannot be linked statically (see above)");
    if (!plan.libraryError.empty()) return fail(1, "oxcc link: " + plan.libraryError);
    return 0;
  }

  // Write the build directory (only what changed).
  if (!writeBuildDir(plan, error)) return fail(1, "oxcc link: " + error);

  // ninja builds it: partial links, bytecode, the final link with lld.
  std::string ninja = findOnPath("ninja");
  if (ninja.empty()) return fail(1, "oxcc link: ninja is not on PATH (apt-get install ninja-build)");
  Command cmd{ninja, {"ninja", "-C", opts.buildDir}};
  if (opts.jobs > 0) cmd.argv.push_back("-j" + std::to_string(opts.jobs));
  if (opts.verbose) cmd.argv.push_back("-v");
  int status = spawnAndWait(cmd, error);
  if (status < 0) return fail(1, "oxcc link: " + error);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return fail(1, "oxcc link: the build of " + opts.output + " failed (see above; build files in " +
                       opts.buildDir + ")");

  // --explain=size: what the link just wrote, read back from its map.
  if (opts.explainSize) {
    struct stat st;
    std::vector<SizeRow> rows;
    if (stat(opts.output.c_str(), &st) != 0 || !sizeReport(plan, uint64_t(st.st_size), rows, error))
      return fail(1, "oxcc link: --explain=size: " + (error.empty() ? opts.output + " is missing" : error));
    fputs(formatSizeReport(opts.output, uint64_t(st.st_size), rows).c_str(), stdout);
  }

  // A library leaves the final link to its user: say what the extensions need.
  if (opts.emit == Emit::Libpython && !plan.libraries.empty()) {
    std::string libs;
    for (const auto &d : plan.libraryDirs) libs += " -L" + d;
    for (const auto &l : plan.libraries) libs += " -l" + l;
    fprintf(stderr, "oxcc link: note: %s's extensions need%s (link them after it)\n",
            opts.output.c_str(), libs.c_str());
  }
  return 0;
}

} // namespace oxcc
