// --allocator: which malloc the executable's process runs on. mimalloc is
// not a Debian static library (libmimalloc-dev ships a .so only), so
// `oxcc python lib mimalloc` builds it from the Debian source package with
// the target's compiler, once per target and source (cached), as one object
// that defines malloc, free and the rest. The final link puts that object
// before the C library: every allocation of the process is mimalloc's.
#include "base/fs.h"
#include "link/lib_recipes.h"
#include "link/passes.h"

namespace oxcc {

bool decideAllocator(LinkPlan &plan, std::string &error) {
  const LinkOptions &o = plan.options;
  if (o.emit == Emit::Libpython || o.explain) return true;
  if (o.allocator == ProcessAllocator::System ||
      (o.allocator == ProcessAllocator::Auto && !plan.python.musl()))
    return true;

  std::string fix = o.allocator == ProcessAllocator::Auto
                        ? " (or link with --allocator=system)"
                        : " (or choose --allocator=system)";
  std::string prefix;
  LibraryRecipes recipes(plan.tools, plan.python.target);
  if (!recipes.prefix("mimalloc", fix, prefix, error)) {
    error = "--allocator=mimalloc: " + error;
    return false;
  }
  plan.allocatorObject = prefix + "/lib/mimalloc.o";
  if (!isRegularFile(plan.allocatorObject)) {
    error = "--allocator=mimalloc: " + plan.allocatorObject + " is missing after `oxcc python lib "
            "mimalloc`; remove " + prefix + " to rebuild it" + fix;
    return false;
  }
  return true;
}

} // namespace oxcc
